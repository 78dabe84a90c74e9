"""SqliteThread: one thread that runs every call on an SQLite file, off the reactor thread.

A write waits for SQLite's lock while another writer of the same file (another worker of a
shared crawl, ``crawler extract``) holds it, up to the file's busy timeout; on the reactor
thread that wait would stop downloads, timers and Redis leases. One thread per file: an SQLite
connection belongs to the thread that opened it, and one thread runs the calls in the order
they were handed over. The article store (StoreThread) and the WARC dedup index use it.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class SqliteThread:
    """Runs calls one at a time, in the order submitted, on a thread of its own."""

    def __init__(self, label: str, name: str) -> None:
        """``label`` names the file in errors ("the article store /a/b.sqlite")."""
        self.label = label
        self._executor = ThreadPoolExecutor(1, thread_name_prefix=name)

    def submit(self, func: Callable[..., T], *args: Any) -> Future[T]:
        """Queue ``func(*args)``; sqlite3.ProgrammingError once the thread ended."""
        try:
            return self._executor.submit(func, *args)
        except RuntimeError:  # the thread ended: as a closed connection does, say so
            raise sqlite3.ProgrammingError(f"{self.label} is closed") from None

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """Run ``func(*args)`` on the thread; the caller's loop goes on meanwhile."""
        return await asyncio.wrap_future(self.submit(func, *args))

    def call(self, func: Callable[..., T], *args: Any) -> T:
        """Run ``func(*args)`` on the thread and wait for it (blocking: not on the reactor)."""
        return self.submit(func, *args).result()

    def shutdown(self) -> None:
        """End the thread once the calls queued so far ran (at once when its queue is empty)."""
        self._executor.shutdown(wait=True)
