"""LocalBackend: a one-process frontier in an SQLite file on disk (nothing per URL in memory)."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from crawler.frontier.backend import Action, Admitted, Counts
from crawler.frontier.task import FREE_ROLES, CrawlTask

_SCHEMA = """
CREATE TABLE queue (id INTEGER PRIMARY KEY, priority INTEGER NOT NULL,
                    parked INTEGER NOT NULL, payload TEXT NOT NULL);
CREATE INDEX queue_order ON queue (parked, priority DESC, id);
CREATE TABLE seen (key INTEGER PRIMARY KEY, skipped INTEGER NOT NULL);
"""
_CHUNK = 500


def _int_key(task_key: str) -> int:
    """The 64-bit URL key as an SQLite integer (signed)."""
    return int(task_key, 16) - (1 << 63)


def _chunks(items: Sequence[CrawlTask]) -> Iterator[Sequence[CrawlTask]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


class LocalBackend:
    """Seen set and priority queue in a private SQLite file (deleted at close)."""

    shared = False

    def __init__(self, budget_limit: int = 0, directory: str | None = None) -> None:
        self.budget_limit = budget_limit
        self._dir = tempfile.mkdtemp(prefix="crawler-frontier-", dir=directory)
        path = Path(self._dir) / "frontier.sqlite"
        # A scratch file: no journal, no fsync; the crawl's own data is in WARCs and the store.
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-4096"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.executescript(_SCHEMA)
        self._spent = self._scheduled = self._sources = 0
        self._leased: dict[str, CrawlTask] = {}

    def unseen(self, tasks: Sequence[CrawlTask]) -> tuple[list[CrawlTask], int]:
        """The tasks whose URL is new, or skipped before and now dated."""
        known: dict[int, int] = {}
        for chunk in _chunks(tasks):
            keys = [_int_key(t.key) for t in chunk]
            marks = ",".join("?" * len(keys))
            rows = self._db.execute(f"SELECT key, skipped FROM seen WHERE key IN ({marks})", keys)
            known.update(rows.fetchall())
        fresh = []
        for task in tasks:
            state = known.get(_int_key(task.key))
            if state is None or (state and task.discovered_date):
                fresh.append(task)
        return fresh, self._spent

    def admit(self, batch: Sequence[tuple[CrawlTask, Action]], cap: int) -> Admitted:
        """Queue, park or skip each task of the batch in one transaction."""
        result = Admitted()
        self._db.execute("BEGIN")
        try:
            for task, action in batch:
                self._admit_one(task, action, cap, result)
        finally:
            self._db.execute("COMMIT")
        return result

    def _admit_one(self, task: CrawlTask, action: Action, cap: int, result: Admitted) -> None:
        key = _int_key(task.key)
        row = self._db.execute("SELECT skipped FROM seen WHERE key = ?", (key,)).fetchone()
        if action is Action.SKIP:
            if row is None:
                self._db.execute("INSERT INTO seen VALUES (?, 1)", (key,))
                result.skipped += 1
            return
        if row is not None and not (row[0] and task.discovered_date):
            result.raced += 1
            return
        counted = task.role not in FREE_ROLES
        if counted and cap and self._scheduled >= cap:
            result.not_scheduled += 1
            return
        if row is not None:
            self._db.execute("UPDATE seen SET skipped = 0 WHERE key = ?", (key,))
            result.revived += 1
        else:
            self._db.execute("INSERT INTO seen VALUES (?, 0)", (key,))
        self._scheduled += counted
        parked = action is Action.PARK and self._sources > 0
        self._db.execute("INSERT INTO queue (priority, parked, payload) VALUES (?, ?, ?)",
                         (task.priority, int(parked), task.to_json()))
        if parked:
            result.parked += 1
        else:
            result.queued += 1
        if task.source:
            self._sources += 1

    def claim(self, url: str) -> bool:
        """Mark a redirect target seen; False if it was."""
        key = _int_key(CrawlTask(url).key)
        cur = self._db.execute("INSERT OR IGNORE INTO seen VALUES (?, 0)", (key,))
        return cur.rowcount == 1

    def pop(self) -> CrawlTask | None:
        """The best queued task: highest priority, first in first out."""
        row = self._db.execute(
            "SELECT id, payload FROM queue WHERE parked = 0 ORDER BY priority DESC, id LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        self._db.execute("DELETE FROM queue WHERE id = ?", (row[0],))
        task = CrawlTask.from_json(row[1])
        self._leased[task.key] = task
        return task

    def drop(self, task: CrawlTask) -> None:
        """Forget a taken task that is not to be fetched."""
        self._leased.pop(task.key, None)

    def scope_hosts(self) -> frozenset[str]:
        """One process: its frontier's own scope is all there is."""
        return frozenset()

    def add_scope_host(self, host: str) -> None:
        """One process: nothing to share."""

    def free_slot(self, task: CrawlTask) -> None:
        """Nothing to do: Scrapy's downloader keeps one process polite."""

    def ack(self, task: CrawlTask) -> None:
        """End the lease; the last source done releases the parked pages."""
        self._leased.pop(task.key, None)
        if task.source:
            self._sources = max(0, self._sources - 1)
            if not self._sources:
                self.release_parked(drop=bool(self.budget_limit and
                                              self._spent >= self.budget_limit))

    def spend(self, task: CrawlTask) -> tuple[bool, int]:
        """One page of the budget (the caller counts each task once)."""
        if self._spent >= self.budget_limit:
            return False, self._spent
        self._spent += 1
        return True, self._spent

    def release_parked(self, drop: bool = False) -> int:
        """Queue (or forget) the parked tasks."""
        if drop:
            cur = self._db.execute("DELETE FROM queue WHERE parked = 1")
        else:
            cur = self._db.execute("UPDATE queue SET parked = 0 WHERE parked = 1")
        return cur.rowcount

    def counts(self) -> Counts:
        """Queued, parked and leased tasks, sources pending, budget spent, URLs seen."""
        rows = dict(self._db.execute("SELECT parked, COUNT(*) FROM queue GROUP BY parked"))
        seen = self._db.execute("SELECT COUNT(*) FROM seen").fetchone()[0]
        return Counts(queued=rows.get(0, 0), parked=rows.get(1, 0), leased=len(self._leased),
                      sources=self._sources, spent=self._spent, seen=seen)

    def has_queued(self) -> bool:
        """True if a task waits in the queue."""
        row = self._db.execute("SELECT 1 FROM queue WHERE parked = 0 LIMIT 1").fetchone()
        return row is not None

    def heartbeat(self, stats: Mapping[str, int]) -> int:
        """Nothing to do for one process."""
        return 0

    def requeue_own(self) -> int:
        """Nothing is leased without the frontier knowing in one process."""
        return 0

    def give_back(self) -> int:
        """Nothing to give back to: the queue ends with the process."""
        return 0

    def finish(self) -> None:
        """Nothing to mark."""

    def close(self) -> None:
        """Delete the scratch file."""
        self._db.close()
        shutil.rmtree(self._dir, ignore_errors=True)
