"""Read an article's WARC record back from the archive, seeking straight to its offset."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from surt import surt
from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from crawler.archive.readlimits import cap_headers  # also caps brotli bodies, on import
from crawler.exceptions import ArchiveError

#: Largest payload :func:`read_warc_record` returns (a page; the crawl caps downloads lower).
MAX_PAYLOAD = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class WarcRecordData:
    """One WARC record read back: its headers, HTTP status and headers, and payload bytes."""

    record_type: str
    record_id: str | None
    target_uri: str | None
    payload_digest: str | None
    date: str | None
    refers_to: str | None
    http_status: int | None
    http_headers: list[tuple[str, str]]
    payload: bytes


def resolve_warc_path(filename: str, archive_dir: str | Path) -> Path:
    """Find a WARC named in the store: absolute paths as is, else under ``archive_dir/warc/``."""
    path = Path(filename)
    if path.is_absolute():
        candidates = [path]
    else:
        base = Path(archive_dir)
        candidates = [base / "warc" / filename, base / filename]
    for candidate in candidates:
        for name in (candidate, candidate.with_name(candidate.name + ".open")):
            if name.exists():
                return name
    raise ArchiveError(
        f"WARC file {filename} not found under {Path(archive_dir) / 'warc'}: pass the archive "
        "folder the article was crawled into"
    )


@contextmanager
def open_warc_record(
    filename: str, offset: int, archive_dir: str | Path
) -> Iterator[ArcWarcRecord]:
    """Yield the warcio record at ``offset`` of a WARC (streaming: read its content_stream())."""
    path = resolve_warc_path(filename, archive_dir)
    with open(path, "rb") as stream:
        stream.seek(offset)
        try:
            record = next(iter(cap_headers(ArchiveIterator(stream))))
        except StopIteration:
            raise ArchiveError(f"no WARC record at offset {offset} of {path}") from None
        yield record


def read_warc_record(
    article: Any, archive_dir: str | Path, conversion: bool = False
) -> WarcRecordData:
    """Read back the response record an article came from (or its conversion record).

    ``article`` is a :class:`crawler.store.Article` (or anything with ``warc_filename`` and
    ``warc_offset``); the payload is de-chunked and decompressed. A revisit record (the page
    was unchanged, or answered 304) is followed to its original: ``record_type`` and
    ``record_id`` stay the revisit's, while the payload, HTTP status and headers are the
    original response's.
    """
    prefix = "conversion" if conversion else "warc"
    filename = getattr(article, f"{prefix}_filename")
    offset = getattr(article, f"{prefix}_offset")
    if not filename or offset is None:
        raise ArchiveError(f"{article.url} has no {prefix} record location in the store")
    with open_warc_record(filename, offset, archive_dir) as record:
        data = _record_data(record)
    if data.record_type != "revisit":
        return data
    where = find_original(data, archive_dir)
    if where is None:
        raise ArchiveError(
            f"the original of revisit {data.record_id} ({data.target_uri}) is not in the "
            f"archive's CDXJ indexes: run `crawler replay` once to index every WARC"
        )
    with open_warc_record(where[0], where[1], archive_dir) as original:
        found = _record_data(original)
    return replace(found, record_type=data.record_type, record_id=data.record_id,
                   date=data.date, refers_to=found.record_id)


def _record_data(record: ArcWarcRecord) -> WarcRecordData:
    """A warcio record's headers and payload as a WarcRecordData."""
    headers = record.rec_headers
    http = record.http_headers
    status = None
    if http is not None and record.rec_type in ("response", "revisit"):
        code = http.get_statuscode()
        status = int(code) if code and code.isdigit() else None
    return WarcRecordData(
        record_type=record.rec_type,
        record_id=headers.get_header("WARC-Record-ID"),
        target_uri=headers.get_header("WARC-Target-URI"),
        payload_digest=headers.get_header("WARC-Payload-Digest"),
        date=headers.get_header("WARC-Date"),
        refers_to=headers.get_header("WARC-Refers-To"),
        http_status=status,
        http_headers=list(http.headers) if http is not None else [],
        payload=record.content_stream().read(MAX_PAYLOAD),
    )


def find_original(revisit: WarcRecordData, archive_dir: str | Path) -> tuple[str, int] | None:
    """(WARC file, offset) of the response a revisit refers to, from the CDXJ indexes.

    The dedup index names the file when it still knows the capture; otherwise every index is
    searched (streaming, by the URL's SURT key).
    """
    url = revisit.target_uri or ""
    digest = revisit.payload_digest or ""
    index_dir = Path(archive_dir) / "indexes"
    named = _dedup_filename(index_dir, url, digest)
    indexes = [index_dir / f"{named}.cdxj"] if named else []
    indexes += sorted(p for p in index_dir.glob("*.cdxj") if p not in indexes)
    key = surt(url) + " "
    for index in indexes:
        if not index.exists():
            continue
        with open(index, encoding="utf-8", errors="replace") as lines:
            for line in lines:
                if not line.startswith(key):
                    continue
                entry = json.loads(line.split(" ", 2)[2])
                if (entry.get("url") == url and entry.get("digest") == digest
                        and entry.get("mime") != "warc/revisit"):
                    return entry["filename"], int(entry["offset"])
    return None


def _dedup_filename(index_dir: Path, url: str, digest: str) -> str | None:
    """The WARC file holding the first capture of (URL, digest), per the dedup index."""
    path = index_dir / "warc-dedup.sqlite"
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT filename FROM captures WHERE url = ? AND digest = ?",
                               (url, digest)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None
