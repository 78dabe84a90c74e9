"""The record of scheduled runs, kept in the archive's SQLite file and pruned to stay small."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from crawler.recurring.timing import as_utc

STORE_FILENAME = "articles.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schedule_run (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    site TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    exit_code INTEGER,
    pid INTEGER
);
CREATE INDEX IF NOT EXISTS schedule_run_site ON schedule_run (site, started_at);
"""


@dataclass(frozen=True)
class Run:
    """One scheduled run of one site."""

    id: int
    site: str
    started_at: datetime
    finished_at: datetime | None
    exit_code: int | None
    pid: int | None


def _iso(moment: datetime) -> str:
    return as_utc(moment).isoformat(timespec="seconds")


def _moment(value: str) -> datetime:
    return as_utc(datetime.fromisoformat(value))


def _parse(value: str | None) -> datetime | None:
    return _moment(value) if value else None


class RunLog:
    """Start/finish records of scheduled runs in table ``schedule_run`` of articles.sqlite.

    Each call opens its own short connection, so worker threads and the crawl subprocesses
    (which write articles to the same file) never share one. Only the last ``keep`` runs
    per site are kept, so the table stays bounded on schedules that run for months.
    """

    def __init__(self, archive_dir: str | Path, keep: int = 100) -> None:
        self.path = Path(archive_dir) / STORE_FILENAME
        self.keep = max(1, int(keep))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=60)
        try:
            with conn:  # commits on success, rolls back on error
                yield conn
        finally:
            conn.close()

    def start(self, site: str, started_at: datetime, pid: int | None = None) -> int:
        """Record that a run of ``site`` started; return its id."""
        with self._connect() as conn:
            cur = conn.execute(
                "INSERT INTO schedule_run (site, started_at, pid) VALUES (?, ?, ?)",
                (site, _iso(started_at), pid),
            )
            if cur.lastrowid is None:  # sqlite3 sets it on every INSERT
                raise sqlite3.InterfaceError("no run was recorded")
            return cur.lastrowid

    def finish(self, run_id: int, finished_at: datetime, exit_code: int) -> None:
        """Record how a run ended, then prune the site's old runs."""
        with self._connect() as conn:
            conn.execute(
                "UPDATE schedule_run SET finished_at = ?, exit_code = ? WHERE id = ?",
                (_iso(finished_at), exit_code, run_id),
            )
            conn.execute(
                "DELETE FROM schedule_run WHERE site = (SELECT site FROM schedule_run WHERE id = ?)"
                " AND id NOT IN (SELECT id FROM schedule_run WHERE site ="
                " (SELECT site FROM schedule_run WHERE id = ?) ORDER BY id DESC LIMIT ?)",
                (run_id, run_id, self.keep),
            )

    def last_start(self, site: str) -> datetime | None:
        """When the latest run of ``site`` started (finished or not), or None."""
        with self._connect() as conn:
            row = conn.execute(
                "SELECT MAX(started_at) FROM schedule_run WHERE site = ?", (site,)
            ).fetchone()
        return _parse(row[0]) if row else None

    def runs(self, site: str | None = None, limit: int = 50) -> list[Run]:
        """The latest runs, newest first (of one site, or all)."""
        query = "SELECT id, site, started_at, finished_at, exit_code, pid FROM schedule_run"
        params: tuple[str, ...] = ()
        if site is not None:
            query += " WHERE site = ?"
            params = (site,)
        query += " ORDER BY id DESC LIMIT ?"
        with self._connect() as conn:
            rows = conn.execute(query, (*params, limit)).fetchall()
        return [
            Run(row[0], row[1], _moment(row[2]), _parse(row[3]), row[4], row[5]) for row in rows
        ]
