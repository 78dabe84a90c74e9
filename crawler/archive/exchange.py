"""One HTTP exchange as it crossed the wire: request bytes sent, response bytes received."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from crawler.archive.spool import ByteSpool

#: Values allowed in WARC-Truncated (WARC 1.1 section 5.13).
TRUNCATION_REASONS = ("length", "time", "disconnect", "unspecified")


@dataclass
class WireExchange:
    """Raw bytes of one request/response exchange plus what is known about how it ended.

    ``request_bytes`` and ``response_bytes`` hold exactly what was written to and read
    from the connection (after TLS, before any HTTP decoding).
    """

    url: str = ""
    method: str = "GET"
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    peer_ip: str | None = None
    request_bytes: ByteSpool = field(default_factory=ByteSpool)
    response_bytes: ByteSpool = field(default_factory=ByteSpool)
    #: True once the HTTP parser saw the end of the response message.
    response_complete: bool = False
    #: Set when the response body was cut: one of TRUNCATION_REASONS.
    truncated: str | None = None
    #: Short description of the failure, when the download failed.
    error: str | None = None
    #: True when the bytes were rebuilt from parsed objects instead of captured.
    reconstructed: bool = False
    #: TLS version and cipher suite when the connection was encrypted (e.g. "TLSv1.3").
    tls_version: str | None = None
    cipher_suite: str | None = None
    #: True once the exchange is over; later bytes are ignored.
    closed: bool = False
    started_monotonic: float = field(default_factory=time.monotonic)
    #: True while a writer holds the exchange back (a seed not yet known to be usable).
    retained: bool = False
    #: Deduplicate by payload digest across URLs, not only against the same URL's captures
    #: (page requisites: one image under many URLs is archived once).
    dedup_any_url: bool = False
    #: ``name: value`` fields of a ``metadata`` record written concurrent to the response
    #: (a page requisite's embed marker: crawler/archive/hops.py); empty: none.
    metadata: list[tuple[str, str]] = field(default_factory=list)

    def add_sent(self, data: bytes) -> None:
        """Record bytes written to the connection."""
        if not self.closed:
            self.request_bytes.write(data)

    def add_received(self, data: bytes) -> None:
        """Record bytes read from the connection."""
        if not self.closed and not self.response_complete:
            self.response_bytes.write(data)

    def finish_response(self, extra: int = 0) -> None:
        """Mark the response complete; the last ``extra`` bytes received are not part of it."""
        if self.closed or self.response_complete:
            return
        self.response_bytes.truncate_tail(extra)
        self.response_complete = True

    def close(self) -> None:
        """Freeze the exchange: no more bytes are recorded."""
        self.closed = True

    @property
    def has_response(self) -> bool:
        """True when at least one response byte was received."""
        return len(self.response_bytes) > 0

    def release(self, force: bool = False) -> None:
        """Free the buffers once the exchange is written (unless retained, or ``force``)."""
        if self.retained and not force:
            return
        self.request_bytes.close()
        self.response_bytes.close()
