"""StoreThread: the one thread that writes a crawl's article store, off the reactor thread.

A write waits for SQLite's lock while another writer of the file (another worker of a shared
crawl, the fetch log, ``crawler extract``) holds it, up to the store's busy timeout, and the
store's syndication clustering grows with the store: on the reactor thread either would stop
downloads, timers and Redis leases meanwhile. Every store call runs on one thread: an SQLite
connection belongs to the thread that opened it, and one thread stores pages in the order
the pipeline hands them over. Callers await each call from the asyncio (reactor) loop.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from crawler.store import Store, WarcLocation
from crawler.store.model import AddResult, PageRecord

T = TypeVar("T")


class StoreThread:
    """A store opened, written, committed and closed on a thread of its own, one call at a time.

    :meth:`close` (or :meth:`close_now` once the reactor stopped) ends the thread.
    """

    def __init__(self, path: Path, commit_every: int) -> None:
        """Start the thread; the store opens on it with :meth:`open`."""
        self.path = path
        self.commit_every = commit_every
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="store-writer")
        self._store: Store | None = None  # used on the writer thread only
        # Set by a forced stop: pages still queued are left to the WARCs (the next crawl
        # stores them), so the stop waits for one write at most.
        self._stopping = threading.Event()

    async def _run(self, func: Callable[..., T], *args: object) -> T:
        """Run ``func(*args)`` on the writer thread; the caller's loop goes on meanwhile."""
        try:
            future = self._executor.submit(func, *args)
        except RuntimeError:  # the thread ended: as a closed store does, say so
            raise sqlite3.ProgrammingError(f"the article store {self.path} is closed") from None
        return await asyncio.wrap_future(future)

    async def open(self) -> Path:
        """Open (or create) the store on the writer thread; return its file's path."""
        try:
            return await self._run(self._open)
        except BaseException:
            self._executor.shutdown(wait=True)  # the thread is idle: it ends at once
            raise

    def _open(self) -> Path:
        self._store = Store(self.path, commit_every=self.commit_every, create=True)
        return self._store.path

    async def add_page(self, record: PageRecord) -> AddResult | None:
        """``Store.add_page`` (it may commit its batch); None once a forced stop began."""
        return await self._run(self._add, record)

    def _add(self, record: PageRecord) -> AddResult | None:
        if self._stopping.is_set() or self._store is None:
            return None
        return self._store.add_page(record)

    async def finish_page(
        self, page_id: int | None, conversion: WarcLocation | None, commit: bool
    ) -> None:
        """Record where the page's conversion record went, if one was written; then commit
        the batch if ``commit`` (the page is durable when this returns)."""
        await self._run(self._finish, page_id, conversion, commit)

    def _finish(self, page_id: int | None, conversion: WarcLocation | None, commit: bool) -> None:
        store = self._store
        if store is None:
            return
        if conversion is not None and page_id is not None:
            store.set_conversion(page_id, conversion)
        if commit:
            store.commit()

    async def commit_if_due(self, max_age: float) -> bool:
        """``Store.commit_if_due``: commit a batch ``max_age`` seconds old; True if done."""
        return await self._run(self._commit_if_due, max_age)

    def _commit_if_due(self, max_age: float) -> bool:
        return self._store is not None and self._store.commit_if_due(max_age)

    async def close(self) -> dict[str, int]:
        """Commit and close the store and end the thread; return the store's counts.

        A failed commit (a full disk) is raised after the store was abandoned: the batch is
        rolled back and the file's lock released.
        """
        try:
            return await self._run(self._close, True)
        finally:
            # Its queue is empty (the pipeline hands nothing over once closing): it ends at once.
            self._executor.shutdown(wait=True)

    def close_now(self) -> None:
        """After a forced stop (the reactor stopped): finish the write in progress, skip the
        pages still queued, commit and close the store, end the thread; blocking.

        sqlite3.Error if the last commit failed (the store was abandoned).
        """
        self._stopping.set()
        try:
            self._executor.submit(self._close, False).result()
        finally:
            self._executor.shutdown(wait=True)

    def _close(self, count: bool) -> dict[str, int]:
        store, self._store = self._store, None
        if store is None:
            return {}
        try:
            counts = store.counts() if count else {}
            store.close()
        except sqlite3.Error:
            store.abandon()
            raise
        return counts
