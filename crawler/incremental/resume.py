"""Resume without waste: on start, the WARC files are the source of truth for what was fetched.

A crawl that dies (SIGKILL, power cut, a full disk) leaves records in its WARC that the store
and the fetch log never heard of: responses still queued for analysis, articles held for site
warm-up, a fetch-log buffer not yet flushed. A resumed crawl would fetch them all again. So
before a crawl starts, :func:`resume_from_warcs`:

1. closes the ``.open`` WARC files of dead crawls, cutting a torn last record, and indexes them
   (crawler.archive.recover, crawler.archive.cdxj);
2. for every WARC file whose captures are not yet known to be in the store (its writer is gone
   and it was not marked by a crawl that ended cleanly), records each complete response or
   revisit in the fetch log (from the file's CDXJ index), and extracts the HTML responses the
   store lacks into the store;
3. marks those files, in table ``warc_reconciled`` of ``articles.sqlite``.

The frontier's incremental policy (crawler.frontier.incremental) then skips what has a
complete record on disk, exactly as it skips what an earlier finished crawl archived; seeds,
feeds, sitemaps and list pages are fetched again by policy. In a crawl shared in Redis every
worker reconciles its archive folder before it starts (and at its end, for workers of the
folder that died), the captures go to the shared fetch log too (``fetch_log``), and a task a
dead worker held is decided again when another worker takes it (crawler.frontier.Frontier):
what that worker archived is not fetched twice. A crawl that ends cleanly marks its own files
(:func:`mark_reconciled`), so a normal start costs one small query.
"""

from __future__ import annotations

import fcntl
import json
import logging
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from crawler.archive.cdxj import index_path, index_warc
from crawler.archive.naming import is_warc_name
from crawler.archive.recover import owner_is_gone, recover_open_files
from crawler.common.timestamps import parse_timestamp
from crawler.incremental.fetchlog import Fetch, FetchLog, store_path

logger = logging.getLogger(__name__)

#: Statuses that count as a capture of the page (a 304 revisit confirms the one held).
_CAPTURED = frozenset({"200", "203", "304"})
_OUR_NAME = re.compile(r"-\d{5}-[^-]+-\d+\.warc(\.gz)?$")
_TABLE = """
CREATE TABLE IF NOT EXISTS warc_reconciled (
    filename TEXT PRIMARY KEY,
    size INTEGER NOT NULL
)
"""


class FetchSink(Protocol):
    """Where recovered captures go (FetchLog, or a crawl's shared fetch log)."""

    def record(self, fetch: Fetch) -> None:
        """Remember one fetch."""

    def close(self) -> None:
        """Write what is buffered and close."""


@dataclass
class ResumeReport:
    """What the start-up reconciliation found and did."""

    recovered: list[Path] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    captures: int = 0
    stored: int = 0

    def summary(self) -> str:
        """One line for the user ('' when there was nothing to do)."""
        if not self.files:
            return ""
        closed = f"closed {len(self.recovered)} WARC file(s) left open, " if self.recovered else ""
        return (f"Resumed from the WARCs of an unfinished crawl: {closed}{self.captures} captures "
                f"counted as fetched, {self.stored} pages added to the store")


def resume_from_warcs(
    archive_dir: str | Path, jobs: int | None = None, fetch_log: FetchSink | None = None
) -> ResumeReport:
    """Recover dead crawls' WARC files and make the store and fetch log know their captures.

    ``fetch_log`` (closed here) takes the captures instead of the archive's own fetch log: a
    shared crawl's, which writes through to the archive's.
    """
    archive = Path(archive_dir)
    archive.mkdir(parents=True, exist_ok=True)
    # Crawls (or shared-crawl workers) of one archive starting together take turns.
    try:
        with open(archive / ".resume.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            return _resume(archive, jobs, fetch_log)
    finally:
        if fetch_log is not None:
            fetch_log.close()


def _resume(archive: Path, jobs: int | None, fetch_log: FetchSink | None) -> ResumeReport:
    """The work of :func:`resume_from_warcs`, under its lock."""
    warc_dir, index_dir = archive / "warc", archive / "indexes"
    report = ResumeReport()
    with _connect(archive) as conn:
        if not warc_dir.is_dir():
            return report  # a new archive: the table now exists, so no baseline later
        _baseline(conn, warc_dir)
        report.recovered = recover_open_files(warc_dir)
        report.files = _unreconciled(conn, warc_dir)
    if not report.files:
        return report
    log = fetch_log or FetchLog(archive)
    try:
        report.captures = _record_fetches(log, report.files, index_dir)
    finally:
        if fetch_log is None:
            log.close()
    report.stored = _store_missing(archive, report.files, jobs)
    mark_reconciled(archive, report.files)
    logger.info("%s", report.summary())
    return report


def mark_reconciled(archive_dir: str | Path, files: Iterable[Path]) -> None:
    """Note that the store and fetch log know every capture of ``files`` (finished WARCs)."""
    rows = [(p.name, p.stat().st_size) for p in files if p.exists() and is_warc_name(p.name)]
    if not rows:
        return
    with _connect(Path(archive_dir)) as conn:
        conn.executemany("INSERT OR REPLACE INTO warc_reconciled VALUES (?, ?)", rows)


class _Connection:
    """The store file's connection, with the table created; closed on exit."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(path, timeout=60)
        self.fresh = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'warc_reconciled'").fetchone() is None
        self.conn.execute(_TABLE)

    def __enter__(self) -> _Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.commit()
        self.conn.close()

    def executemany(self, sql: str, rows: Sequence[tuple[object, ...]]) -> None:
        """Run ``sql`` for each row."""
        self.conn.executemany(sql, rows)


def _connect(archive: Path) -> _Connection:
    return _Connection(store_path(archive))


def _baseline(conn: _Connection, warc_dir: Path) -> None:
    """First run on an archive made before this table existed: its finished files count as known."""
    if conn.fresh:
        conn.executemany("INSERT OR IGNORE INTO warc_reconciled VALUES (?, ?)",
                         [(p.name, p.stat().st_size) for p in _finished(warc_dir)])


def _finished(warc_dir: Path) -> Iterator[Path]:
    return (p for p in sorted(warc_dir.iterdir()) if is_warc_name(p.name) and p.is_file())


def _unreconciled(conn: _Connection, warc_dir: Path) -> list[Path]:
    """Our finished WARC files, written by a process now gone, not yet marked."""
    known = dict(conn.conn.execute("SELECT filename, size FROM warc_reconciled").fetchall())
    return [
        p for p in _finished(warc_dir)
        if _OUR_NAME.search(p.name) and known.get(p.name) != p.stat().st_size
        and owner_is_gone(p.name + ".open")
    ]


def _record_fetches(log: FetchSink, files: list[Path], index_dir: Path) -> int:
    """Enter each complete capture of ``files`` in the fetch log; return how many."""
    count = 0
    for path in files:
        for fetch in _captures(path, index_dir):
            log.record(fetch)
            count += 1
    return count


def _captures(path: Path, index_dir: Path) -> Iterator[Fetch]:
    """The fetches a WARC's CDXJ index lists (built now if missing or out of date)."""
    index = index_path(path, index_dir)
    if not index.exists() or index.stat().st_mtime < path.stat().st_mtime:
        index = index_warc(path, index_dir)
    with open(index, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            parts = line.split(" ", 2)
            if len(parts) < 3:
                continue
            entry = json.loads(parts[2])
            when = parse_timestamp(_iso(parts[1]))
            if entry.get("status") in _CAPTURED and entry.get("url") and when is not None:
                yield Fetch(url=entry["url"], fetched_at=when, status=int(entry["status"]))


def _iso(stamp: str) -> str:
    """``20261125152626`` to ISO 8601 UTC."""
    s = stamp[:14].ljust(14, "0")
    return f"{s[:4]}-{s[4:6]}-{s[6:8]}T{s[8:10]}:{s[10:12]}:{s[12:14]}+00:00"


def _store_missing(archive: Path, files: list[Path], jobs: int | None) -> int:
    """Extract the HTML responses of ``files`` that the store does not hold; return how many."""
    from crawler.reextract import reextract

    paths: list[str | Path] = list(files)
    report = reextract(paths, archive, jobs=jobs, only_missing=True)
    for error in report.errors:  # a torn tail, say: the records before it are stored
        logger.warning("resume: %s", error)
    return sum(report.outcomes.values())
