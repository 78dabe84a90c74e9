"""Persistent payload-digest index (SQLite) that turns repeated payloads into revisit records."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

DEFAULT_MAX_ENTRIES = 2_000_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS captures (
    url TEXT NOT NULL,
    digest TEXT NOT NULL,
    record_id TEXT NOT NULL,
    date TEXT NOT NULL,
    filename TEXT NOT NULL,
    seen INTEGER NOT NULL,
    PRIMARY KEY (url, digest)
);
CREATE INDEX IF NOT EXISTS captures_seen ON captures (url, seen);
CREATE INDEX IF NOT EXISTS captures_digest ON captures (digest);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


@dataclass(frozen=True)
class Capture:
    """The original full capture that a revisit refers to."""

    url: str
    digest: str
    record_id: str
    date: str
    filename: str


class DedupStore(Protocol):
    """What the WARC writer needs of a dedup index (this SQLite one, or a shared one)."""

    def lookup(self, url: str, digest: str) -> Capture | None:
        """The earlier capture of ``url`` with this payload digest, if any."""

    def lookup_digest(self, digest: str) -> Capture | None:
        """An earlier full capture of any URL with this payload digest, if any."""

    def last_capture(self, url: str) -> Capture | None:
        """The most recent full capture of ``url``."""

    def add(self, capture: Capture) -> None:
        """Remember a full capture."""

    def commit(self) -> None:
        """Make the writes durable."""


class DedupIndex:
    """Remembers the first full capture of each (URL, payload digest), across crawls.

    Bounded: past ``max_entries`` rows the least recently seen ones are dropped.
    """

    def __init__(self, path: str | Path, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self.path = Path(path)
        self.max_entries = max_entries
        # Several crawls may share one archive: wait for each other's short transactions.
        # Not bound to this thread: a crawl hands the index over to a writer thread of its
        # own (crawler.archive.dedupqueue), which alone uses it from then on.
        self._db = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False)
        self._db.executescript(_SCHEMA)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        row = self._db.execute("SELECT value FROM meta WHERE key='seq'").fetchone()
        self._seq = row[0] if row else 0
        self._pending = 0

    def lookup(self, url: str, digest: str) -> Capture | None:
        """Return the earlier capture of ``url`` with this payload digest, if any."""
        row = self._db.execute(
            "SELECT url, digest, record_id, date, filename FROM captures"
            " WHERE url=? AND digest=?",
            (url, digest),
        ).fetchone()
        if row:
            self.touch(url, digest)
        return Capture(*row) if row else None

    def lookup_digest(self, digest: str) -> Capture | None:
        """Return the first full capture of any URL with this payload digest, if any."""
        row = self._db.execute(
            "SELECT url, digest, record_id, date, filename FROM captures"
            " WHERE digest=? ORDER BY seen LIMIT 1",
            (digest,),
        ).fetchone()
        return Capture(*row) if row else None

    def last_capture(self, url: str) -> Capture | None:
        """Return the most recently seen full capture of ``url`` (for server-not-modified)."""
        row = self._db.execute(
            "SELECT url, digest, record_id, date, filename FROM captures"
            " WHERE url=? ORDER BY seen DESC LIMIT 1",
            (url,),
        ).fetchone()
        return Capture(*row) if row else None

    def add(self, capture: Capture) -> None:
        """Remember a full capture (the first one of a digest wins)."""
        self._seq += 1
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO captures VALUES (?, ?, ?, ?, ?, ?)",
            (capture.url, capture.digest, capture.record_id, capture.date,
             capture.filename, self._seq),
        )
        if cursor.rowcount == 0:
            self._touch(capture.url, capture.digest)
        self._commit_soon()

    def touch(self, url: str, digest: str) -> None:
        """Mark the capture of ``url`` with this digest as just seen (a lookup found it)."""
        self._touch(url, digest)
        self._db.commit()

    def _touch(self, url: str, digest: str) -> None:
        self._seq += 1
        self._db.execute(
            "UPDATE captures SET seen=? WHERE url=? AND digest=?", (self._seq, url, digest)
        )

    def _commit_soon(self) -> None:
        # Commit at once (WAL makes it cheap) so no write lock is held between records:
        # another crawl into the same archive may be writing too. Prune now and then.
        self._pending += 1
        if self._pending >= 1000:
            self.commit()
        else:
            self._db.commit()

    def commit(self) -> None:
        """Persist pending rows and prune the oldest past the bound."""
        self._db.execute("INSERT OR REPLACE INTO meta VALUES ('seq', ?)", (self._seq,))
        count = self._db.execute("SELECT COUNT(*) FROM captures").fetchone()[0]
        if count > self.max_entries:
            self._db.execute(
                "DELETE FROM captures WHERE rowid IN "
                "(SELECT rowid FROM captures ORDER BY seen ASC LIMIT ?)",
                (count - self.max_entries,),
            )
        self._db.commit()
        self._pending = 0

    def close(self) -> None:
        """Commit and close the database."""
        self.commit()
        self._db.close()

    def abandon(self) -> None:
        """Close the database without committing (after a failed write): the lock is released."""
        with contextlib.suppress(sqlite3.Error):
            self._db.rollback()
        self._db.close()
