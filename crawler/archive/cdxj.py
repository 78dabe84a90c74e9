"""CDXJ indexes of finished WARC files, built with cdxj-indexer, one ``.cdxj`` per WARC.

One damaged record (a corrupt gzip member, junk bytes, a record cut short) must not cost the
WARC's other records their index entries, or replay would answer "not in archive" for every page
of the file. So the indexer stops at a record it cannot read, looks for the next record start
(the next gzip member header in a ``.warc.gz``, the next ``WARC/1.`` line in a plain ``.warc``),
and goes on from there; :func:`write_index` reports what it skipped.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cdxj_indexer.main import CDXJIndexer
from warcio.archiveiterator import ArchiveIterator

from crawler.archive.naming import is_warc_name
from crawler.archive.readlimits import cap_headers

#: How far ahead to look for the next record after a damaged one (bytes read per step).
_SCAN_BLOCK = 1 << 16
#: Where a gzip member starts (RFC 1952: magic, deflate) and where an uncompressed record starts.
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/1."


@dataclass
class IndexReport:
    """What indexing one WARC file skipped: (offset, problem) of each damaged stretch."""

    skipped: list[tuple[int, str]] = field(default_factory=list)


class _GuardedRecords:
    """warcio's record iterator that ends quietly at the first record it cannot read.

    cdxj-indexer pairs each request with its response one record late; ending the iteration
    (rather than raising) lets it write the last good record before the damage.
    """

    def __init__(self, records: ArchiveIterator) -> None:
        self.records = records
        self.error: str | None = None
        self.good_end: int | None = None  # end offset of the last record read through

    def __iter__(self) -> Iterator[Any]:
        try:
            for record in self.records:
                yield record
                self.records.read_to_end(record)
                self.good_end = self.records.offset
        except Exception as exc:  # noqa: BLE001 - any damage: stop here, resync in the caller
            self.error = f"{type(exc).__name__}: {exc}"[:200]

    def get_record_offset(self) -> int:
        """Offset of the current record (what cdxj-indexer asks the iterator)."""
        return int(self.records.get_record_offset())

    def get_record_length(self) -> int:
        """Length of the current record."""
        return int(self.records.get_record_length())


class ResilientIndexer(CDXJIndexer):  # type: ignore[misc]  # cdxj-indexer has no type hints
    """cdxj-indexer's CDXJ indexer that skips damaged records instead of failing the file."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """As :class:`CDXJIndexer`; ``report`` collects what was skipped."""
        self.report = IndexReport()
        self._current = ""
        super().__init__(*args, **kwargs)

    def _create_record_iter(self, input_: IO[bytes]) -> _GuardedRecords:
        # ARC parsing only for ARC files: in a WARC it would take junk bytes for ARC records.
        records = ArchiveIterator(input_, no_record_parse=not self.record_parse,
                                  arc2warc=".arc" in self._current, verify_http=self.verify_http)
        # Header blocks past the caps (8 MB of header lines took 421 MB) count as damage too.
        self._guard = _GuardedRecords(cap_headers(records))
        return self._guard

    def _write_line(self, out: Any, index: dict[str, Any], record: Any, filename: str) -> None:
        # A record whose WARC-Date is no date made cdxj-indexer give up on the whole file
        # (every good page in it then 404s in replay): leave that one record out.
        try:
            super()._write_line(out, index, record, filename)
        except (ValueError, OverflowError) as exc:
            date = str(record.rec_headers.get_header("WARC-Date") or "")[:40]
            self.report.skipped.append(
                (int(index.get("offset") or 0), f"WARC-Date {date!r} is not a date ({exc})"))

    def process_one(self, input_: IO[bytes], output: Any, filename: str) -> None:
        """Index one WARC, resyncing at the next record after each damaged stretch."""
        self._current = os.path.basename(str(filename)).lower()
        start = input_.tell()
        size = input_.seek(0, os.SEEK_END)
        input_.seek(start)
        while True:
            super().process_one(input_, output, filename)
            guard = self._guard
            end = guard.good_end if guard.good_end is not None else start
            if guard.error is None and not _has_more(input_, end, size):
                return
            problem = guard.error or "unreadable bytes after the last record"
            resume = _next_record_start(input_, max(end, start) + 1, size, filename)
            self.report.skipped.append((end, problem))
            if resume is None:
                return
            input_.seek(resume)
            start = resume


def _has_more(fh: IO[bytes], offset: int, size: int) -> bool:
    """True when something other than blank padding follows ``offset``."""
    if offset >= size:
        return False
    fh.seek(offset)
    return bool(fh.read(64).strip(b"\r\n\x00 "))


def _next_record_start(fh: IO[bytes], offset: int, size: int, filename: str) -> int | None:
    """Offset of the next possible record start at or after ``offset``; None at the end."""
    magic = _GZIP_MAGIC if str(filename).endswith(".gz") else _WARC_MAGIC
    position = offset
    while position < size:
        fh.seek(position)
        block = fh.read(_SCAN_BLOCK + len(magic))
        found = block.find(magic)
        if found >= 0:
            return position + found
        position += _SCAN_BLOCK
    return None


def index_path(warc_path: str | Path, index_dir: str | Path) -> Path:
    """Where the CDXJ index of a WARC file lives."""
    return Path(index_dir) / (Path(warc_path).name + ".cdxj")


def write_index(warc_path: str | Path, output: str | Path) -> IndexReport:
    """Write the sorted CDXJ index of one WARC to ``output`` (atomically); what was skipped."""
    target = Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    # A unique temp name: replay and a crawl may index the same WARC at the same moment.
    tmp = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        indexer = ResilientIndexer(output=str(tmp), inputs=[str(warc_path)], sort=True,
                                   post_append=True)
        indexer.process_all()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return indexer.report


def index_warc(
    warc_path: str | Path, index_dir: str | Path, damaged: dict[str, str] | None = None
) -> Path:
    """(Re)build the sorted CDXJ index of one WARC file; written atomically.

    ``damaged`` (when given) receives the file's name and its first skipped stretch.
    """
    target = index_path(warc_path, index_dir)
    report = write_index(warc_path, target)
    if report.skipped and damaged is not None:
        damaged[Path(warc_path).name] = describe(report)
    return target


def describe(report: IndexReport) -> str:
    """One line on what indexing skipped."""
    offset, problem = report.skipped[0]
    more = f" and {len(report.skipped) - 1} more" if len(report.skipped) > 1 else ""
    return f"damaged record after offset {offset} skipped{more} ({problem})"


def refresh_indexes(
    warc_dir: str | Path, index_dir: str | Path, damaged: dict[str, str] | None = None
) -> list[Path]:
    """Index every finished WARC in ``warc_dir`` whose index is missing or older than it."""
    built: list[Path] = []
    if not Path(warc_dir).is_dir():
        return built
    for warc in sorted(Path(warc_dir).iterdir()):
        if not is_warc_name(warc.name):
            continue
        target = index_path(warc, index_dir)
        if not target.exists() or target.stat().st_mtime < warc.stat().st_mtime:
            built.append(index_warc(warc, index_dir, damaged))
    return built
