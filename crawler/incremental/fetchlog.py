"""The fetch log: first/last fetch, validators and lastmod per URL, in the store's SQLite file.

The article store only learns of pages the spider parsed; a ``304 Not Modified`` never
reaches it. This table remembers every fetch the incremental middleware let through, so a
304 counts as a capture and the next run does not ask again. Writes are buffered and
written in one short transaction by a thread of their own: the store's writer keeps
transactions of up to a second, and the crawl's thread must not wait for them.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
import weakref
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from crawler.common.timestamps import as_utc, parse_timestamp


def store_path(archive_dir_or_sqlite_path: str | Path) -> Path:
    """The store's SQLite file: ``DIR/articles.sqlite``, or the path itself if it names one."""
    path = Path(archive_dir_or_sqlite_path)
    if path.suffix in (".sqlite", ".sqlite3", ".db"):
        return path
    return path / "articles.sqlite"

#: Longest a recorded fetch stays in memory only (seconds), while the file is free.
FLUSH_SECONDS = 1.0
#: Longest the writer thread waits for the store's write lock for one batch (seconds).
LOCK_WAIT_SECONDS = 60.0
#: How often the waiting writer tries again (and sees that the log is being closed).
_RETRY_SECONDS = 0.25

logger = logging.getLogger(__name__)

#: Fetch logs not closed yet: a crawl stopped at once (a second Ctrl-C) closes them itself.
_OPEN: weakref.WeakSet[FetchLog] = weakref.WeakSet()

_SCHEMA = """
CREATE TABLE IF NOT EXISTS incremental_fetch (
    url TEXT PRIMARY KEY,
    site TEXT,
    first_fetched TEXT NOT NULL,
    last_fetched TEXT NOT NULL,
    status INTEGER,
    etag TEXT,
    last_modified TEXT,
    lastmod TEXT
)
"""

_UPSERT = """
INSERT INTO incremental_fetch
    (url, site, first_fetched, last_fetched, status, etag, last_modified, lastmod)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (url) DO UPDATE SET
    site = COALESCE(excluded.site, site),
    last_fetched = MAX(last_fetched, excluded.last_fetched),
    status = excluded.status,
    etag = COALESCE(excluded.etag, etag),
    last_modified = COALESCE(excluded.last_modified, last_modified),
    lastmod = COALESCE(excluded.lastmod, lastmod)
"""


@dataclass(frozen=True)
class Fetch:
    """One fetch of a URL as the fetch log keeps it (times aware UTC)."""

    url: str
    fetched_at: datetime
    status: int
    site: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    lastmod: datetime | None = None
    first_fetched: datetime | None = None


def _iso(moment: datetime | None) -> str | None:
    return as_utc(moment).isoformat(timespec="seconds") if moment else None


def _parse(value: str | None) -> datetime | None:
    return parse_timestamp(value)


class FetchLog:
    """Table ``incremental_fetch`` of articles.sqlite: one row per URL, so it stays bounded.

    Recorded fetches are buffered and written in batches by a thread of its own, which waits
    as long as it takes for the store's writer to finish its batch: the crawl's thread never
    waits for the file, and a busy store never makes the buffer grow beyond one batch in
    flight and the fetches of the time it waits. Rows of URLs whose last fetch is older than
    ``forget_after`` are deleted by :meth:`prune`; the store itself still knows those URLs
    were archived.
    """

    def __init__(self, archive_dir: str | Path, flush_every: int = 500) -> None:
        self.path = store_path(archive_dir)
        self.flush_every = max(1, flush_every)
        self._pending: dict[str, Fetch] = {}
        self._writing: dict[str, Fetch] = {}  # handed to the writer thread, not yet committed
        self._write: Future[bool] | None = None
        self._flushed = time.monotonic()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Reads run on the crawl's thread; a read never waits for the store's writer (WAL).
        self._conn = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
        self._conn.execute("PRAGMA busy_timeout=60000")
        with self._conn:
            self._conn.execute(_SCHEMA)
        # Short busy waits, retried up to LOCK_WAIT_SECONDS, so that close() can stop a wait
        # for a lock that will never be released (sqlite3's interrupt() does not end one).
        self._writer_conn = sqlite3.connect(
            self.path, timeout=_RETRY_SECONDS, check_same_thread=False)
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="fetchlog")
        self._closing = threading.Event()
        self._closed = False
        _OPEN.add(self)

    def get(self, url: str) -> Fetch | None:
        """What the log knows about ``url`` (buffered fetches included), or None."""
        buffered = self._pending.get(url) or self._writing.get(url)
        if buffered is None:
            return self._read(url)
        stored = self._read(url)
        earlier = self._writing.get(url) if url in self._pending else None
        first = (stored.first_fetched if stored else None) or (
            earlier.fetched_at if earlier else buffered.fetched_at)
        return Fetch(**{**buffered.__dict__, "first_fetched": first})

    def _read(self, url: str) -> Fetch | None:
        row = self._conn.execute(
            "SELECT url, last_fetched, status, site, etag, last_modified, lastmod, first_fetched"
            " FROM incremental_fetch WHERE url = ?",
            (url,),
        ).fetchone()
        if row is None:
            return None
        last = _parse(row[1])
        assert last is not None  # NOT NULL column
        return Fetch(row[0], last, row[2], row[3], row[4], row[5], _parse(row[6]), _parse(row[7]))

    def record(self, fetch: Fetch) -> None:
        """Buffer one fetch; hand a full batch, or a second's worth, to the writer thread."""
        previous = self._pending.get(fetch.url) or self._writing.get(fetch.url)
        if previous is not None:  # keep validators a later 304 does not repeat
            fetch = Fetch(**{
                **fetch.__dict__,
                "etag": fetch.etag or previous.etag,
                "last_modified": fetch.last_modified or previous.last_modified,
                "lastmod": fetch.lastmod or previous.lastmod,
            })
        self._pending[fetch.url] = fetch
        # A crash loses at most about a second of what was learnt, plus a batch the store
        # kept waiting (the WARC still has the fetches; see crawler.incremental.resume).
        if len(self._pending) >= self.flush_every or (
            time.monotonic() - self._flushed >= FLUSH_SECONDS
        ):
            self._hand_over()

    def _hand_over(self) -> bool:
        """Start writing the buffer unless a write is still running; True if one started."""
        if self._write is not None:
            if not self._write.done():
                return False
            self._finish_write()
        if not self._pending:
            return False
        self._writing, self._pending = self._pending, {}
        self._flushed = time.monotonic()
        self._write = self._writer.submit(self._write_rows, list(self._writing.values()))
        return True

    def _finish_write(self) -> bool:
        """Collect the running write; a failed batch goes back to the buffer."""
        assert self._write is not None
        written = self._write.result()
        self._write = None
        if not written:
            for url, fetch in self._writing.items():
                self._pending.setdefault(url, fetch)
        self._writing = {}
        return written

    def _write_rows(self, fetches: list[Fetch]) -> bool:
        """(Writer thread) upsert one batch in one transaction; False if SQLite refused."""
        rows = [
            (f.url, f.site, _iso(f.fetched_at), _iso(f.fetched_at), f.status, f.etag,
             f.last_modified, _iso(f.lastmod))
            for f in fetches
        ]
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                with self._writer_conn:
                    self._writer_conn.executemany(_UPSERT, rows)
                return True
            except sqlite3.OperationalError as exc:
                if (_is_busy(exc) and time.monotonic() < deadline
                        and not self._closing.is_set()):
                    continue  # the store's writer holds the lock: wait for its commit
                error: sqlite3.Error = exc
            except sqlite3.Error as exc:
                error = exc
            logger.warning("fetch log: %d fetches not written yet (%s)", len(rows), error)
            return False

    def flush(self, timeout: float = 60.0) -> bool:
        """Write every buffered fetch now; False if that took over ``timeout`` seconds (the
        write goes on in the background) or SQLite refused it (the fetches stay buffered)."""
        deadline = time.monotonic() + timeout
        for _ in range(2):  # the write running now, then what is still buffered
            if self._write is None and not self._hand_over():
                break
            assert self._write is not None
            try:
                self._write.result(timeout=max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                return False
            if not self._finish_write():
                return False
        return not self._pending and self._write is None

    def prune(self, older_than: datetime) -> int:
        """Forget URLs last fetched before ``older_than``; return how many rows went."""
        with self._conn:
            cur = self._conn.execute(
                "DELETE FROM incremental_fetch WHERE last_fetched < ?", (_iso(older_than),)
            )
        return cur.rowcount

    def close(self, timeout: float = 60.0) -> None:
        """Flush (waiting up to ``timeout`` seconds for the file) and close.

        What could not be written is logged; the WARC records of those fetches bring them
        back at the next crawl's start (crawler.incremental.resume), as after a crash.
        """
        if self._closed:
            return
        self._closed = True
        _OPEN.discard(self)
        try:
            if not self.flush(timeout):
                left = len(self._pending) + len(self._writing)
                logger.warning("fetch log: %d fetches not written at close; the next crawl "
                               "recovers them from the WARCs", left)
                self._closing.set()  # a write still waiting for the lock gives up
        finally:
            self._writer.shutdown(wait=True)
            self._writer_conn.close()
            self._conn.close()


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    """True if SQLite refused because another connection holds the lock."""
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def close_open_logs(timeout: float) -> None:
    """Close every fetch log still open (a crawl stopped at once never closed its own)."""
    for log in list(_OPEN):
        log.close(timeout)
