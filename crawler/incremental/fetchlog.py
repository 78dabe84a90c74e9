"""The fetch log: first/last fetch, validators and lastmod per URL, in the store's SQLite file.

The article store only learns of pages the spider parsed; a ``304 Not Modified`` never
reaches it. This table remembers every fetch the incremental middleware let through, so a
304 counts as a capture and the next run does not ask again. Writes are buffered and
flushed in one short transaction, because the store's own writer keeps long transactions.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from crawler.timestamps import as_utc, parse_timestamp


def store_path(archive_dir_or_sqlite_path: str | Path) -> Path:
    """The store's SQLite file: ``DIR/articles.sqlite``, or the path itself if it names one."""
    path = Path(archive_dir_or_sqlite_path)
    if path.suffix in (".sqlite", ".sqlite3", ".db"):
        return path
    return path / "articles.sqlite"

#: Longest a recorded fetch stays in memory only (seconds).
FLUSH_SECONDS = 1.0
RETRY_SECONDS = 0.1

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

    Rows of URLs whose last fetch is older than ``forget_after`` are deleted by
    :meth:`prune`; the store itself still knows those URLs were archived.
    """

    def __init__(self, archive_dir: str | Path, flush_every: int = 500) -> None:
        self.path = store_path(archive_dir)
        self.flush_every = max(1, flush_every)
        self._pending: dict[str, Fetch] = {}
        self._flush_at = self.flush_every
        self._flushed = time.monotonic()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Reads run on the crawl's thread; a read never waits for the store's writer (WAL).
        self._conn = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
        self._conn.execute("PRAGMA busy_timeout=60000")
        with self._conn:
            self._conn.execute(_SCHEMA)

    def get(self, url: str) -> Fetch | None:
        """What the log knows about ``url`` (buffered fetches included), or None."""
        if url in self._pending:
            pending = self._pending[url]
            stored = self._read(url)
            first = stored.first_fetched if stored else pending.fetched_at
            return Fetch(**{**pending.__dict__, "first_fetched": first})
        return self._read(url)

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
        """Buffer one fetch; flush when the buffer is full (keeping it if the file is busy)."""
        previous = self._pending.get(fetch.url)
        if previous is not None:  # keep validators a later 304 does not repeat
            fetch = Fetch(**{
                **fetch.__dict__,
                "etag": fetch.etag or previous.etag,
                "last_modified": fetch.last_modified or previous.last_modified,
                "lastmod": fetch.lastmod or previous.lastmod,
            })
        self._pending[fetch.url] = fetch
        # A batch, or a second's worth: a crash loses at most about a second of what was
        # learnt (the WARC still has the fetches themselves; see crawler.incremental.resume).
        if len(self._pending) >= self._flush_at:
            if not self.flush(timeout=0.2):
                # Busy: try again after another batch rather than stall every fetch.
                self._flush_at = len(self._pending) + self.flush_every
        elif time.monotonic() - self._flushed >= FLUSH_SECONDS and not self.flush(timeout=0):
            # The store is mid-batch: never wait for it here, look again a little later.
            self._flushed = time.monotonic() - FLUSH_SECONDS + RETRY_SECONDS

    def flush(self, timeout: float = 60.0) -> bool:
        """Write buffered fetches in one transaction; False if the file stayed locked."""
        if not self._pending:
            return True
        rows = [
            (f.url, f.site, _iso(f.fetched_at), _iso(f.fetched_at), f.status, f.etag,
             f.last_modified, _iso(f.lastmod))
            for f in self._pending.values()
        ]
        self._conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        try:
            with self._conn:
                self._conn.executemany(_UPSERT, rows)
        except sqlite3.OperationalError:
            return False
        self._pending.clear()
        self._flush_at = self.flush_every
        self._flushed = time.monotonic()
        return True

    def prune(self, older_than: datetime) -> int:
        """Forget URLs last fetched before ``older_than``; return how many rows went."""
        with self._conn:
            cur = self._conn.execute(
                "DELETE FROM incremental_fetch WHERE last_fetched < ?", (_iso(older_than),)
            )
        return cur.rowcount

    def close(self) -> None:
        """Flush and close."""
        try:
            self.flush()
        finally:
            self._conn.close()
