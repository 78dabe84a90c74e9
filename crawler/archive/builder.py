"""Turn a captured wire exchange into WARC records: response or revisit, plus the request."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.archive.dedup import Capture, DedupStore
from crawler.archive.exchange import WireExchange
from crawler.archive.records import (
    HTTP_REQUEST_TYPE,
    HTTP_RESPONSE_TYPE,
    PROFILE_IDENTICAL,
    PROFILE_NOT_MODIFIED,
    RECONSTRUCTED_HEADER,
    WARC_FIELDS_TYPE,
    Record,
    ensure_digests,
    http_header_length,
    warc_date,
    warc_fields,
)


@dataclass
class ExchangeRecords:
    """The records of one exchange and what the dedup decision was."""

    main: Record
    request: Record | None
    status: int | None
    header_length: int
    revisit_of: Capture | None = None
    #: A full capture to remember in the dedup index once it is written.
    new_capture: Capture | None = None
    #: The ``metadata`` record concurrent to the main one (a requisite's embed marker).
    metadata: Record | None = None

    def records(self) -> list[Record]:
        """Records in write order: the response (or revisit), the request, the metadata (as
        Heritrix writes them)."""
        return [r for r in (self.main, self.request, self.metadata) if r is not None]


def status_code(first_line: bytes) -> int | None:
    """The status code of an HTTP status line, or None when it has none."""
    parts = first_line.split(None, 2)
    if len(parts) >= 2 and parts[1][:3].isdigit():
        return int(parts[1][:3])
    return None


def _common_headers(exchange: WireExchange) -> list[tuple[str, str]]:
    headers = []
    if exchange.peer_ip:
        headers.append(("WARC-IP-Address", exchange.peer_ip))
    # WARC-Protocol / WARC-Cipher-Suite: the IIPC proposal for WARC 1.1 extension fields.
    headers.append(("WARC-Protocol", "http/1.1"))
    if exchange.tls_version:
        headers.append(("WARC-Protocol", exchange.tls_version.lower().replace("tlsv", "tls/")))
    if exchange.cipher_suite:
        headers.append(("WARC-Cipher-Suite", exchange.cipher_suite))
    if exchange.reconstructed:
        headers.append((RECONSTRUCTED_HEADER, "scrapy-response"))
    return headers


def build_records(exchange: WireExchange, dedup: DedupStore | None = None) -> ExchangeRecords:
    """Build the records of an exchange that received at least one response byte."""
    date = warc_date(exchange.started)
    header_length = http_header_length(exchange.response_bytes)
    head = exchange.response_bytes.read_prefix(header_length)
    status = status_code(head.split(b"\n", 1)[0])
    response = Record(
        "response", HTTP_RESPONSE_TYPE, exchange.response_bytes, exchange.url, date,
        headers=_common_headers(exchange), payload_offset=header_length,
    )
    if exchange.truncated:
        response.headers.append(("WARC-Truncated", exchange.truncated))
    ensure_digests(response)
    result = ExchangeRecords(response, None, status, header_length)
    if dedup is not None:
        _apply_dedup(result, exchange, dedup, head)
    if len(exchange.request_bytes):
        result.request = Record(
            "request", HTTP_REQUEST_TYPE, exchange.request_bytes, exchange.url, date,
            headers=_common_headers(exchange) + [("WARC-Concurrent-To", result.main.record_id)],
            payload_offset=http_header_length(exchange.request_bytes),
        )
    if exchange.metadata:
        # Beside the response, never in it: the HTTP block stays what crossed the wire.
        result.metadata = Record(
            "metadata", WARC_FIELDS_TYPE, warc_fields(exchange.metadata), exchange.url, date,
            headers=[("WARC-Concurrent-To", result.main.record_id)],
        )
    return result


def _apply_dedup(
    result: ExchangeRecords, exchange: WireExchange, dedup: DedupStore, head: bytes
) -> None:
    response = result.main
    digest = response.payload_digest or ""
    if result.status == 304:
        earlier = dedup.last_capture(exchange.url)
        profile = PROFILE_NOT_MODIFIED
    elif _dedupable(result, exchange):
        earlier = dedup.lookup(exchange.url, digest)
        if earlier is None and exchange.dedup_any_url:
            earlier = dedup.lookup_digest(digest)
        profile = PROFILE_IDENTICAL
    else:
        return
    if earlier is None:
        if result.status != 304:
            result.new_capture = Capture(
                exchange.url, digest, response.record_id, response.date, ""
            )
        return
    result.main = _revisit(response, head, earlier, profile)
    result.revisit_of = earlier


def _dedupable(result: ExchangeRecords, exchange: WireExchange) -> bool:
    # Only complete 2xx bodies are worth deduplicating; empty bodies all share one digest.
    payload_length = len(exchange.response_bytes) - result.header_length
    return (
        result.status is not None
        and 200 <= result.status < 300
        and payload_length > 0
        and not exchange.truncated
        and not exchange.reconstructed
    )


def _revisit(response: Record, head: bytes, earlier: Capture, profile: str) -> Record:
    """A revisit record holding only the new HTTP header block, pointing at the original."""
    headers = [h for h in response.headers if h[0] != "WARC-Truncated"]
    headers += [
        ("WARC-Profile", profile),
        ("WARC-Refers-To", earlier.record_id),
        ("WARC-Refers-To-Target-URI", earlier.url),
        ("WARC-Refers-To-Date", earlier.date),
    ]
    digest = response.payload_digest if profile == PROFILE_IDENTICAL else earlier.digest
    return Record(
        "revisit", HTTP_RESPONSE_TYPE, head, response.target_uri, response.date,
        record_id=response.record_id, headers=headers, payload_digest=digest,
    )
