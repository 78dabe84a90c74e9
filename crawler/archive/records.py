"""WARC/1.1 record serialisation: raw blocks written byte for byte, digests as warcio computes."""

from __future__ import annotations

import base64
import hashlib
import uuid
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO

from warcio.limitreader import LimitReader
from warcio.statusandheaders import StatusAndHeadersParser

from crawler.archive.spool import ByteSpool

WARC_VERSION = "WARC/1.1"
HTTP_RESPONSE_TYPE = "application/http; msgtype=response"
HTTP_REQUEST_TYPE = "application/http; msgtype=request"
PROFILE_IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
PROFILE_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
#: Extension header marking a block that was rebuilt rather than captured from the wire.
RECONSTRUCTED_HEADER = "WARC-Reconstructed"
_CRLF = b"\r\n"


WARC_FIELDS_TYPE = "application/warc-fields"


def warc_fields(fields: Iterable[tuple[str, str]]) -> bytes:
    """Serialise ``name: value`` lines (application/warc-fields); empty values are left out."""
    lines = [f"{k}: {_clean(str(v))}\r\n" for k, v in fields if v not in (None, "")]
    return "".join(lines).encode("utf-8")


def new_record_id() -> str:
    """Return a fresh ``<urn:uuid:...>`` record ID."""
    return f"<urn:uuid:{uuid.uuid4()}>"


def warc_date(moment: datetime | None = None) -> str:
    """Format a moment (default now) as a WARC/1.1 date with microseconds, in UTC."""
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sha1_label(hasher: hashlib._Hash) -> str:
    """Format a sha1 digest as warcio does: ``sha1:`` plus base32."""
    return "sha1:" + base64.b32encode(hasher.digest()).decode("ascii")


def http_header_length(block: ByteSpool) -> int:
    """Length of the HTTP status line and header block, found by warcio's own parser.

    Using warcio's parser (as its reader does) guarantees that the payload digest we write
    is the one ``warcio check`` recomputes, even for odd header blocks.
    """
    if not len(block):
        return 0
    reader = LimitReader(block.open(), len(block))
    try:
        StatusAndHeadersParser([], verify=False).parse(reader)
    except EOFError:
        return 0
    size: int = reader.tell()
    return size


@dataclass
class Record:
    """One WARC record to write: type, named headers and a block (bytes or a spool)."""

    rec_type: str
    content_type: str
    block: ByteSpool | bytes
    target_uri: str | None = None
    date: str = field(default_factory=warc_date)
    record_id: str = field(default_factory=new_record_id)
    #: Extra WARC headers, in order (IP address, Concurrent-To, Truncated, Refers-To...).
    headers: list[tuple[str, str]] = field(default_factory=list)
    #: Where the payload starts inside the block; None: no payload digest.
    payload_offset: int | None = None
    payload_digest: str | None = None
    block_digest: str | None = None

    def block_length(self) -> int:
        """Length of the block in bytes."""
        return len(self.block)

    def iter_block(self) -> Iterator[bytes]:
        """Yield the block in chunks."""
        if isinstance(self.block, bytes):
            if self.block:
                yield self.block
            return
        yield from self.block.iter_chunks()


def compute_digests(record: Record) -> tuple[str, str | None]:
    """Return (block digest, payload digest or None) of a record's block in one pass."""
    block_hash = hashlib.sha1()
    payload_hash = hashlib.sha1() if record.payload_offset is not None else None
    position = 0
    skip = record.payload_offset or 0
    for chunk in record.iter_block():
        block_hash.update(chunk)
        if payload_hash is not None:
            end = position + len(chunk)
            if end > skip:
                payload_hash.update(chunk[max(0, skip - position):])
            position = end
    payload = sha1_label(payload_hash) if payload_hash is not None else None
    return sha1_label(block_hash), payload


def ensure_digests(record: Record) -> None:
    """Fill in the record's block digest (and payload digest, when it has a payload offset)."""
    if record.block_digest is not None and (
        record.payload_digest is not None or record.payload_offset is None
    ):
        return
    block_digest, payload_digest = compute_digests(record)
    record.block_digest = block_digest
    if record.payload_digest is None:
        record.payload_digest = payload_digest


def header_bytes(record: Record, block_digest: str) -> bytes:
    """Serialise the WARC header section of a record (ends with the empty line)."""
    lines = [
        ("WARC-Type", record.rec_type),
        ("WARC-Record-ID", record.record_id),
        ("WARC-Date", record.date),
    ]
    if record.target_uri is not None:
        lines.append(("WARC-Target-URI", record.target_uri))
    lines.extend(record.headers)
    lines.append(("Content-Type", record.content_type))
    if record.payload_digest:
        lines.append(("WARC-Payload-Digest", record.payload_digest))
    lines.append(("WARC-Block-Digest", block_digest))
    lines.append(("Content-Length", str(record.block_length())))
    text = WARC_VERSION + "\r\n" + "".join(f"{k}: {_clean(v)}\r\n" for k, v in lines) + "\r\n"
    return text.encode("utf-8")


def _clean(value: str) -> str:
    # A CR or LF inside a value would end the header early and corrupt the record.
    return value.replace("\r", " ").replace("\n", " ")


def iter_record_bytes(record: Record) -> Iterator[bytes]:
    """Yield the full uncompressed record: headers, block, trailing CRLF CRLF.

    Fills in ``record.payload_digest`` when a payload offset is set and no digest is given.
    """
    ensure_digests(record)
    yield header_bytes(record, record.block_digest or "")
    yield from record.iter_block()
    yield _CRLF + _CRLF


def write_member(out: BinaryIO, chunks: Iterable[bytes], gzip: bool, level: int = 6) -> int:
    """Write chunks to ``out`` as one gzip member (or raw); return the bytes written."""
    written = 0
    if not gzip:
        for chunk in chunks:
            out.write(chunk)
            written += len(chunk)
        return written
    compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    for chunk in chunks:
        data = compressor.compress(chunk)
        if data:
            out.write(data)
            written += len(data)
    tail = compressor.flush()
    out.write(tail)
    return written + len(tail)
