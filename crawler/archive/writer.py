"""WarcWriter: captured exchanges, revisits and conversion records into rotating WARC files."""

from __future__ import annotations

import dataclasses
import socket
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from crawler import __version__
from crawler.archive.builder import ExchangeRecords, build_records
from crawler.archive.cdxj import index_warc
from crawler.archive.dedup import DEFAULT_MAX_ENTRIES, DedupIndex, DedupStore
from crawler.archive.exchange import WireExchange
from crawler.archive.files import DEFAULT_MAX_SIZE, WarcFileSet
from crawler.archive.records import Record, warc_date, warc_fields
from crawler.archive.recover import recover_open_files
from crawler.common.timestamps import parse_timestamp

WARC_SUBDIR = "warc"
INDEX_SUBDIR = "indexes"
DEDUP_FILENAME = "warc-dedup.sqlite"
CONFORMS_TO = "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"


def warcinfo_block(fields: Sequence[tuple[str, str]]) -> bytes:
    """Serialise warcinfo fields (``name: value`` lines) with the standard ones first."""
    base = [
        ("software", f"newsarchiver/{__version__}"),
        ("hostname", socket.gethostname()),
        ("format", "WARC File Format 1.1"),
        ("conformsTo", CONFORMS_TO),
    ]
    return warc_fields([*base, *fields])


@dataclasses.dataclass
class WriterOptions:
    """How a WarcWriter names, sizes and indexes its files."""

    prefix: str = "crawl"
    max_size: int = DEFAULT_MAX_SIZE
    gzip: bool = True
    dedup: bool = True
    dedup_max_entries: int = DEFAULT_MAX_ENTRIES
    cdxj: bool = True
    fsync: bool = False
    warcinfo: Sequence[tuple[str, str]] = ()


class WarcWriter:
    """Writes WARC/1.1 records under ``archive_dir/warc``, CDXJ indexes under ``indexes``."""

    def __init__(self, archive_dir: str | Path, options: WriterOptions | None = None) -> None:
        """Check the folders are writable, finish files left open by dead crawls.

        ``dedup`` is the archive's own SQLite index; a crawl shared in Redis replaces it by
        one that all its workers share (crawler.frontier.redisstate.RedisDedupIndex).
        """
        self.options = options or WriterOptions()
        self.archive_dir = Path(archive_dir)
        self.warc_dir = self.archive_dir / WARC_SUBDIR
        self.index_dir = self.archive_dir / INDEX_SUBDIR
        self.stats: Counter[str] = Counter()
        self.files = WarcFileSet(
            self.warc_dir, self.options.prefix, self.options.max_size, self.options.gzip,
            warcinfo=self._warcinfo_record, fsync=self.options.fsync,
        )
        self.files.on_finished = self._file_finished
        self._indexer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cdxj")
        self._index_jobs: list[Future[Path]] = []
        self.files.check_writable()
        WarcFileSet(self.index_dir).check_writable()
        for path in recover_open_files(self.warc_dir):
            self.stats["recovered_files"] += 1
            self._file_finished(path)
        self.dedup: DedupStore | None = None
        if self.options.dedup:
            self.dedup = DedupIndex(self.index_dir / DEDUP_FILENAME, self.options.dedup_max_entries)

    def _warcinfo_record(self, filename: str) -> Record:
        self.stats["files"] += 1
        return Record(
            "warcinfo", "application/warc-fields", warcinfo_block(self.options.warcinfo),
            headers=[("WARC-Filename", filename)],
        )

    def _file_finished(self, path: Path) -> None:
        # Indexing a rotated 1 GB file takes a while: do it beside the crawl, not in its way.
        if self.options.cdxj:
            self._index_jobs.append(self._indexer.submit(index_warc, path, self.index_dir))

    def _wait_for_indexes(self) -> None:
        jobs, self._index_jobs = self._index_jobs, []
        for job in jobs:
            job.result()
            self.stats["cdxj_indexes"] += 1

    def write_exchange(self, exchange: WireExchange) -> dict[str, Any] | None:
        """Write an exchange's response (or revisit) and request records; return the main one.

        Returns None (and writes nothing) when no response byte was received.
        """
        if not exchange.has_response:
            self.stats["exchanges_without_response"] += 1
            return None
        built = build_records(exchange, self.dedup)
        locations = self.files.append(built.records())
        name = self.files.current_name
        if built.new_capture is not None and self.dedup is not None:
            self.dedup.add(dataclasses.replace(built.new_capture, filename=name))
        self._count(built, exchange)
        offset, length = locations[0]
        return self._location(built.main, name, offset, length)

    def _count(self, built: ExchangeRecords, exchange: WireExchange) -> None:
        self.stats[f"records/{built.main.rec_type}"] += 1
        if built.request is not None:
            self.stats["records/request"] += 1
        if built.metadata is not None:
            self.stats["records/metadata"] += 1
        if exchange.truncated:
            self.stats[f"truncated/{exchange.truncated}"] += 1
        if exchange.reconstructed:
            self.stats["reconstructed"] += 1
        self.stats["response_bytes"] += len(exchange.response_bytes)

    def write_conversion(
        self, target_uri: str, refers_to: str, text: str, date: datetime | str | None = None
    ) -> dict[str, Any]:
        """Write derived text (e.g. cleaned article text) as a ``conversion`` record."""
        when = warc_date(parse_timestamp(date))
        record = Record(
            "conversion", "text/plain; charset=utf-8", text.encode("utf-8"), target_uri, when,
            headers=[("WARC-Refers-To", refers_to)] if refers_to else [],
            payload_offset=0,
        )
        (offset, length), = self.files.append([record])
        self.stats["records/conversion"] += 1
        return self._location(record, self.files.current_name, offset, length)

    def _location(
        self, record: Record, name: str, offset: int, length: int
    ) -> dict[str, Any]:
        return {
            "filename": name,
            "offset": offset,
            "length": length,
            "record_id": record.record_id,
            "payload_digest": record.payload_digest,
            "date": record.date,
            "record_type": record.rec_type,
        }

    @property
    def finished_files(self) -> list[Path]:
        """WARC files closed so far (renamed to their final names)."""
        return list(self.files.finished)

    def close(self) -> list[Path]:
        """Finish the current file (rename, CDXJ index) and commit the dedup index.

        Writing again afterwards starts a new file; call close() again to finish it.
        """
        self.files.close_current()
        try:
            if self.dedup is not None:
                self.dedup.commit()
        finally:
            self._wait_for_indexes()  # the files are finished even if the index is not
        return self.finished_files
