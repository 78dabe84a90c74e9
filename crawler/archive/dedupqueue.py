"""QueuedDedupIndex: dedup lookups on the caller's thread, the index's writes queued to another.

Every write of a :class:`DedupIndex` (a new capture, a lookup's "seen" mark, a commit with its
prune) may wait for SQLite's lock while another writer of the file (another crawl or worker
into the same archive) holds it, up to the index's 30 s busy timeout. Lookups must stay where
the WARC records are built, in order: the revisit decision is part of the record. So lookups
read the file from the caller's thread (in WAL mode a read never waits for a writer's lock),
writes go to one other thread in the order they were made, and until a write has run, the
capture it concerns is kept here (the pending front): a lookup answers exactly as if every
earlier write had already run, so a payload seen earlier in the crawl, even one exchange
before, still becomes a revisit.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from crawler.archive.dedup import Capture, DedupIndex

#: Queues a call on the writer thread: ``submit(func, *args)`` returns its future.
Submit = Callable[..., "Future[Any]"]
_COLUMNS = "SELECT url, digest, record_id, date, filename FROM captures"


@dataclass(frozen=True)
class _Pending:
    """A capture whose last write has not run yet: its row as the index will hold it."""

    capture: Capture
    order: int  # later writes have higher numbers: the row's "seen" will be the highest
    future: Future[Any]


class QueuedDedupIndex:
    """A :class:`DedupIndex` whose writes run in order on another thread (``submit``).

    The index object itself is used only by that thread from now on; :meth:`close` waits.
    A failed write is raised by the next call (the caller stops the crawl, as it does when a
    synchronous write fails) and the writes queued after it are skipped.
    """

    def __init__(self, index: DedupIndex, submit: Submit) -> None:
        """Read ``index``'s file here; hand its writes to ``submit``."""
        self.index = index
        self.path = index.path
        self._submit = submit
        self._reader = sqlite3.connect(str(index.path), timeout=30)
        self._pending: dict[tuple[str, str], _Pending] = {}
        self._futures: deque[Future[Any]] = deque()
        self._order = 0
        self._dirty = False
        self._failed = threading.Event()  # set on the writer thread by a failed write

    def lookup(self, url: str, digest: str) -> Capture | None:
        """The earlier capture of ``url`` with this payload digest, if any (marked as seen)."""
        found = self._live().get((url, digest))
        capture = found.capture if found else self._read_one(url, digest)
        if capture is not None:
            self._queue(capture, self.index.touch, url, digest)
        return capture

    def lookup_digest(self, digest: str) -> Capture | None:
        """The least recently seen full capture of any URL with this payload digest."""
        live = self._live()
        cursor = self._reader.execute(f"{_COLUMNS} WHERE digest=? ORDER BY seen", (digest,))
        try:
            # A row with a write queued is seen later than every row without one.
            for row in cursor:
                if (row[0], row[1]) not in live:
                    return Capture(*row)
        finally:
            cursor.close()
        queued = [p for p in live.values() if p.capture.digest == digest]
        return min(queued, key=lambda p: p.order).capture if queued else None

    def last_capture(self, url: str) -> Capture | None:
        """The most recently seen full capture of ``url`` (for a 304 answer)."""
        queued = [p for (u, _), p in self._live().items() if u == url]
        if queued:
            return max(queued, key=lambda p: p.order).capture
        row = self._reader.execute(
            f"{_COLUMNS} WHERE url=? ORDER BY seen DESC LIMIT 1", (url,)
        ).fetchone()
        return Capture(*row) if row else None

    def add(self, capture: Capture) -> None:
        """Remember a full capture (the first one of a (URL, digest) wins)."""
        found = self._live().get((capture.url, capture.digest))
        kept = found.capture if found else self._read_one(capture.url, capture.digest)
        self._queue(kept or capture, self.index.add, capture)

    def commit(self) -> None:
        """Queue a commit (and prune) of the index if anything was written since the last."""
        self._raise_failure()
        if self._dirty:
            self._dirty = False
            self._futures.append(self._submit(self._guarded, self.index.commit))

    def flushed(self) -> Future[Any]:
        """A future done once every write queued so far has run."""
        return self._submit(self._guarded, lambda: None)

    def close(self) -> None:
        """Commit and close the index, waiting for the queued writes (blocking)."""
        try:
            self._submit(self._close_index).result()
            self._raise_failure()
        finally:
            self._reader.close()

    def _close_index(self) -> None:
        if self._failed.is_set():
            self.index.abandon()  # a write failed: its batch is not worth another wait
        else:
            self.index.close()

    def _read_one(self, url: str, digest: str) -> Capture | None:
        row = self._reader.execute(f"{_COLUMNS} WHERE url=? AND digest=?", (url, digest)).fetchone()
        return Capture(*row) if row else None

    def _live(self) -> dict[tuple[str, str], _Pending]:
        """The pending front, without the captures whose writes ran (they are in the file)."""
        self._raise_failure()
        for key in [k for k, p in self._pending.items() if p.future.done()]:
            del self._pending[key]
        # A copy: a write finishing while a lookup reads the file still counts as queued.
        return dict(self._pending)

    def _queue(self, capture: Capture, func: Callable[..., Any], *args: Any) -> None:
        self._order += 1
        future = self._submit(self._guarded, func, *args)
        self._pending[(capture.url, capture.digest)] = _Pending(capture, self._order, future)
        self._futures.append(future)
        self._dirty = True

    def _guarded(self, func: Callable[..., Any], *args: Any) -> Any:
        """On the writer thread: skip every write after a failed one (the crawl is stopping)."""
        if self._failed.is_set():
            return None
        try:
            return func(*args)
        except BaseException:
            self._failed.set()
            raise

    def _raise_failure(self) -> None:
        """Raise the error of the first failed write, once."""
        while self._futures and self._futures[0].done():
            error = self._futures.popleft().exception()
            if error is not None:
                raise error
