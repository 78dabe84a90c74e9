"""Stream the HTML responses out of any WARC (ours, wget's, gzip or not), surviving bad records.

A record that cannot be read is reported and skipped: the scanner looks for the start of the
next record (the next gzip member, or the next ``WARC/1.`` line) and carries on from there.
A response that a ``metadata`` record marks as an embed (a page requisite: ours, Heritrix's
and wpull's ``hopsFromSeed``, crawler/archive/hops.py) is not a page: it is left out. The
marker follows its response, so each response waits until its exchange's records are read.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParserException
from warcio.timeutils import iso_date_to_datetime

from crawler.archive.hops import MAX_FIELDS_BYTES, is_embed, parse_fields
from crawler.archive.readlimits import cap_headers  # also caps brotli bodies, on import
from crawler.common.headers import charset_of
from crawler.common.timestamps import iso_utc

#: What a broken or hostile WARC makes warcio (or zlib underneath it) raise.
READ_ERRORS = (
    ArchiveLoadFailed,
    StatusAndHeadersParserException,
    EOFError,
    zlib.error,
    OSError,
    ValueError,
    UnicodeDecodeError,
    IndexError,
)
_GZIP_MAGIC = b"\x1f\x8b\x08"
#: How a WARC (any version) or an ARC file (its filedesc record) begins.
_STARTS = (b"WARC/", b"filedesc://")
_WARC_START = b"\nWARC/1."
_CHUNK = 1 << 20
_UNPRINTABLE = re.compile(r"[^\x20-\x7e]")


@dataclass(frozen=True, slots=True)
class Capture:
    """One HTML response found in a WARC: the page bytes and where the record sits."""

    path: str
    url: str
    body: bytes
    date: str
    record_id: str | None
    payload_digest: str | None
    offset: int
    length: int
    status: int
    charset: str | None
    etag: str | None
    last_modified: str | None


@dataclass
class ScanStats:
    """What one scan saw: records read, HTML responses, and the errors it skipped over."""

    records: int = 0
    html: int = 0
    #: HTML responses left out as the crawl leaves them out: cut (WARC-Truncated) or too big.
    skipped: int = 0
    #: HTML responses left out because a metadata record marks them as page requisites.
    requisites: int = 0
    errors: list[str] = field(default_factory=list)
    #: Bytes passed over to resynchronise after bad records.
    skipped_bytes: int = 0
    #: (offset, length) of every record read whole and sound, in file order.
    good: list[tuple[int, int]] = field(default_factory=list)



def _is_html(record: ArcWarcRecord) -> tuple[bool, int, str]:
    """Whether a record is a successful HTML response; with its status and Content-Type."""
    if record.rec_type != "response" or record.http_headers is None:
        return False, 0, ""
    code = record.http_headers.get_statuscode() or ""
    status = int(code) if code.isdigit() else 0
    content_type = record.http_headers.get_header("Content-Type") or ""
    html = "html" in content_type.lower() or not content_type
    return html and 200 <= status < 300, status, content_type


def _same_exchange(record: ArcWarcRecord, capture: Capture) -> bool:
    """True for a request or metadata record concurrent to the capture's response."""
    return (record.rec_type in ("request", "metadata") and capture.record_id is not None
            and record.rec_headers.get_header("WARC-Concurrent-To") == capture.record_id)


def _embed_of(record: ArcWarcRecord) -> str | None:
    """The record ID a metadata record marks as an embed (a page requisite), else None.

    Reads the start of the record's block: call before the record is read to its end.
    """
    if record.rec_type != "metadata":
        return None
    fields = parse_fields(record.content_stream().read(MAX_FIELDS_BYTES))
    return record.rec_headers.get_header("WARC-Concurrent-To") if is_embed(fields) else None


def _url_problem(url: str) -> str | None:
    """Why an http(s) target URI cannot be read (indexers and the store parse it), or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError as exc:
        return f"WARC-Target-URI is not a URL ({exc})"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "WARC-Target-URI is not an http(s) URL with a host"
    return None


def _capture_problem(capture: Capture) -> str | None:
    """Why a page cannot be stored: no http(s) URL, or no capture time (versions are ordered
    by it); else None."""
    if iso_utc(capture.date) is None:
        return f"WARC-Date {capture.date[:40]!r} is not a date"
    return _url_problem(capture.url)


def _header_problem(headers: StatusAndHeaders) -> str | None:
    """A WARC-Date or an http(s) WARC-Target-URI that indexers cannot read (they stop on it)."""
    date = headers.get_header("WARC-Date")
    if date is not None:
        try:
            iso_date_to_datetime(date)
        except (ValueError, OverflowError):
            return f"WARC-Date {date[:40]!r} is not a date"
    uri = (headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    return _url_problem(uri) if uri.lower().startswith("http") else None


def _problem(record: ArcWarcRecord) -> str | None:
    """Why a fully read record cannot be trusted (truncated, no type or ID), or None."""
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        return f"truncated: {missing} bytes of the record are missing"
    if not record.rec_type or not record.rec_headers.get_header("WARC-Record-ID"):
        return "malformed WARC headers (no WARC-Type or WARC-Record-ID)"
    if record.rec_type == "response" and not record.rec_headers.get_header("WARC-Target-URI"):
        return "response record without WARC-Target-URI"
    return _header_problem(record.rec_headers)


class _QuietIterator(ArchiveIterator):  # type: ignore[misc]  # warcio has no type information
    """warcio's iterator without its raw stderr warning per bad record (we report them)."""

    INC_RECORD = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cap_headers(self)  # 8 MB of header lines would otherwise take 400 MB


def _head(path: Path) -> bytes:
    """The first bytes of a file, decompressed if it is gzip (OSError, zlib.error)."""
    with open(path, "rb") as stream:
        head = stream.read(4096)
    if head.startswith(_GZIP_MAGIC):
        head = zlib.decompressobj(31).decompress(head, 64)
    return head.lstrip(b"\r\n")


def is_arc(path: Path) -> bool:
    """True for an ARC file (it starts with a ``filedesc://`` record)."""
    try:
        return _head(path).startswith(b"filedesc://")
    except (OSError, zlib.error):
        return False


def file_problem(path: Path) -> str | None:
    """Why ``path`` is not a WARC or ARC file (empty, or other content), or None if it is one."""
    try:
        head = _head(path)
    except OSError as exc:
        return f"cannot read it ({exc.strerror})"
    except zlib.error:
        return "it is gzip-compressed but not a WARC or ARC file"
    if not head:
        return "it is empty"
    if head.startswith(_STARTS):
        return None
    shown = _UNPRINTABLE.sub("?", head[:20].decode("latin-1"))
    return f"it is not a WARC or ARC file (it starts with {shown!r})"


def _is_gzip(stream: BinaryIO) -> bool:
    """Whether the file starts with a gzip member (then records resume at member starts)."""
    start = stream.tell()
    head = stream.read(3)
    stream.seek(start)
    return head == _GZIP_MAGIC


def _valid_gzip_warc(stream: BinaryIO, pos: int) -> bool:
    """Whether a gzip member at ``pos`` decompresses to the start of a WARC record."""
    stream.seek(pos)
    try:
        head = zlib.decompressobj(31).decompress(stream.read(4096), 16)
    except zlib.error:
        return False
    return head.startswith(b"WARC/")


def find_next_record(stream: BinaryIO, start: int, gzip: bool) -> int | None:
    """Offset of the first plausible record start after ``start``, or None at end of file."""
    pos = start + 1
    magic = _GZIP_MAGIC if gzip else _WARC_START
    while True:
        stream.seek(pos)
        chunk = stream.read(_CHUNK + len(magic))
        if len(chunk) < len(magic):
            return None
        index = chunk.find(magic)
        while index >= 0:
            found = pos + index + (0 if gzip else 1)
            if not gzip or _valid_gzip_warc(stream, found):
                return found
            index = chunk.find(magic, index + 1)
        pos += _CHUNK


class WarcScanner:
    """Iterate the HTML responses of one WARC file, streaming; ``position`` tracks progress."""

    def __init__(self, path: Path, max_body: int, keep_good: bool = False) -> None:
        """Scan ``path``; HTML bodies over ``max_body`` bytes (decoded) are skipped as hostile.

        ``keep_good``: list every sound record's location in ``stats.good`` (for packaging).
        """
        self.keep_good = keep_good
        self.path = path
        self.max_body = max_body
        self.position = 0
        self.stats = ScanStats()
        # warcio makes up a random ID for each ARC record: file and offset name it instead.
        self.arc = is_arc(path)
        self.gzip = False

    def __iter__(self) -> Iterator[Capture]:
        """Yield each HTML response; errors go to ``stats.errors`` and scanning resumes."""
        with open(self.path, "rb") as stream:
            self.gzip = _is_gzip(stream)
            start: int | None = 0
            while start is not None:
                failure = yield from self._scan_from(stream, start)
                if failure is None:
                    break
                failed_at, why = failure
                if failed_at > start and self.gzip and _valid_gzip_warc(stream, failed_at):
                    start = failed_at  # a whole gzip member starts right here: read it
                else:
                    start = find_next_record(stream, failed_at, self.gzip)
                end = stream.seek(0, 2) if start is None else start
                self._error(failed_at, why, skipped=end - failed_at)

    def _scan_from(
        self, stream: BinaryIO, start: int
    ) -> Generator[Capture, None, tuple[int, str] | None]:
        """Scan from ``start`` to the end; return where a record failed and why, else None."""
        stream.seek(start)
        # ARC files (older Heritrix, Internet Archive) read as WARC response records.
        records = _QuietIterator(stream, arc2warc=True)
        offset: int = start
        pending: Capture | None = None  # an HTML response whose exchange is still being read
        try:
            for record in records:
                offset = records.offset
                if self.gzip and records.reader.decompressor is None:
                    # warcio reads raw bytes in a .warc.gz as a record, then loses the gzip
                    # members after them: skip to the next member instead.
                    if pending is not None:
                        yield self._page(pending)
                    return offset, "not a gzip member (uncompressed bytes inside a .warc.gz)"
                done, pending = self._settle(pending, record)
                if done is not None:
                    yield done
                capture = self._read(record, offset, records, stream)
                if capture is not None:
                    pending = capture
        except READ_ERRORS as exc:
            if pending is not None:
                yield self._page(pending)
            return max(offset, records.offset), str(exc).strip() or type(exc).__name__
        if pending is not None:
            yield self._page(pending)
        if records.err_count:
            self._error(offset, f"{records.err_count} record(s) longer or shorter than their "
                                "Content-Length says")
        self._check_tail(stream, records.offset)
        return None

    def _settle(
        self, pending: Capture | None, record: ArcWarcRecord
    ) -> tuple[Capture | None, Capture | None]:
        """(the page to yield now, the response still waiting) once ``record`` is seen.

        A record of another exchange ends the waiting response's: it is a page. A metadata
        record marking it as an embed drops it (a requisite).
        """
        if pending is None:
            return None, None
        if not _same_exchange(record, pending):
            return self._page(pending), None
        if _embed_of(record) == pending.record_id:
            self.stats.requisites += 1
            return None, None
        return None, pending

    def _read(
        self, record: ArcWarcRecord, offset: int, records: ArchiveIterator, stream: BinaryIO
    ) -> Capture | None:
        """Read one record to its end; return it if it is a sound HTML response."""
        capture = self._capture(record, offset, records)
        self.position = stream.tell()
        self.stats.records += 1
        problem = _problem(record)
        if problem is None and self.keep_good:
            self.stats.good.append((offset, records.get_record_length()))
        if problem is None and capture is not None:
            problem = _capture_problem(capture)
        if problem is not None:
            self._error(offset, problem)
            return None
        return capture

    def _page(self, capture: Capture) -> Capture:
        """Count an HTML response that no marker made a requisite; return it."""
        self.stats.html += 1
        return capture

    def _check_tail(self, stream: BinaryIO, end: int) -> None:
        """Report bytes after the last whole record (warcio stops there without a word)."""
        stream.seek(end)
        if stream.read(4096).strip(b"\r\n\0 \t"):
            size = stream.seek(0, 2)
            self._error(end, f"truncated: {size - end} bytes at the end are not a whole record")

    def _error(self, offset: int, message: str, skipped: int | None = None) -> None:
        """Report a bad record in one printable line (the message may hold binary junk)."""
        line = message.splitlines()[0] if message else "unreadable"
        line = _UNPRINTABLE.sub("?", line)[:120]
        if skipped is not None:
            line += f"; skipped {skipped} bytes to the next record"
            self.stats.skipped_bytes += skipped
        self.stats.errors.append(f"{self.path}: bad record at offset {offset}: {line}")

    def _capture(
        self, record: ArcWarcRecord, offset: int, records: ArchiveIterator
    ) -> Capture | None:
        """Read an HTML response record fully; None for any other record."""
        is_html, status, content_type = _is_html(record)
        # A cut body (DOWNLOAD_MAXSIZE, timeout, lost connection) is not a page the crawl
        # extracted either: its text would be partial, or a decompression bomb's junk.
        if not is_html or record.rec_headers.get_header("WARC-Truncated"):
            self.stats.skipped += is_html
            records.read_to_end()
            return None
        body = record.content_stream().read(self.max_body + 1)
        records.read_to_end()
        if len(body) > self.max_body:
            self.stats.skipped += 1
            return None
        headers = record.rec_headers
        http = record.http_headers
        return Capture(
            path=str(self.path),
            # Some writers follow the WARC 1.0 examples and wrap the URI in <...>.
            url=(headers.get_header("WARC-Target-URI") or "").strip().strip("<>"),
            body=body,
            date=headers.get_header("WARC-Date") or "",
            record_id=None if self.arc else headers.get_header("WARC-Record-ID"),
            payload_digest=headers.get_header("WARC-Payload-Digest"),
            offset=offset,
            length=records.get_record_length(),
            status=status,
            charset=charset_of(content_type),
            etag=http.get_header("ETag"),
            last_modified=http.get_header("Last-Modified"),
        )
