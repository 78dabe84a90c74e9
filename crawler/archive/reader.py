"""Streaming readers of WARC files: iterate records, fetch one record by offset, read raw blocks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from crawler.archive.readlimits import cap_headers


@dataclass
class RecordInfo:
    """Headers and location of one record (the block is read separately, on demand)."""

    offset: int
    length: int
    rec_type: str
    record_id: str
    headers: dict[str, str]


def iter_records(path: str | Path) -> Iterator[tuple[int, ArcWarcRecord]]:
    """Yield (offset, record) for each record, block unparsed in ``record.raw_stream``."""
    with open(path, "rb") as fh:
        iterator = cap_headers(ArchiveIterator(fh, no_record_parse=True))
        for record in iterator:
            # .offset is the start of the current record until it is read to the end
            # (get_record_offset() would consume the block first).
            yield iterator.offset, record


def iter_record_infos(path: str | Path) -> Iterator[RecordInfo]:
    """Yield the WARC headers and location of every record, never holding a block in memory."""
    with open(path, "rb") as fh:
        iterator = cap_headers(ArchiveIterator(fh, no_record_parse=True))
        for record in iterator:
            while record.raw_stream.read(65536):
                pass
            yield RecordInfo(
                offset=iterator.get_record_offset(),
                length=iterator.get_record_length(),
                rec_type=record.rec_type,
                record_id=record.rec_headers.get_header("WARC-Record-ID"),
                headers=dict(record.rec_headers.headers),
            )


def read_block(path: str | Path, offset: int, limit: int | None = None) -> bytes:
    """Return the raw block of the record at ``offset`` (up to ``limit`` bytes)."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        # keep the iterator alive while reading
        iterator = cap_headers(ArchiveIterator(fh, no_record_parse=True))
        record = next(iter(iterator))
        block: bytes = record.raw_stream.read(limit)
        return block


def digest_problems(path: str | Path) -> list[str]:
    """Check every record's digests as ``warcio check`` does; return the problems found."""
    problems = []
    with open(path, "rb") as fh:
        iterator = cap_headers(ArchiveIterator(fh, check_digests=True))
        for record in iterator:
            stream = record.content_stream()
            while stream.read(65536):
                pass
            if record.digest_checker.passed is False:
                record_id = record.rec_headers.get_header("WARC-Record-ID")
                problems += [f"{record_id}: {p}" for p in record.digest_checker.problems]
    return problems
