"""A process pool for page analysis, shared by the spiders of one process and awaited from asyncio.

Workers are started with the ``forkserver`` method (``spawn`` where that is missing), so they
never inherit the Twisted reactor; the fork server preloads :mod:`crawler.analysis` so new
workers start in milliseconds. ``workers=0`` runs the analysis inline, on the reactor thread
(for debugging only: it blocks the crawl while a page is analysed).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from crawler.common.lifeline import ignore_interrupts

T = TypeVar("T")


def default_workers() -> int:
    """One worker per core the process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


#: Jobs per worker process that may wait in the pool before the crawl stops taking new tasks.
QUEUED_PER_WORKER = 4


class AnalysisPool:
    """Reference-counted process pool: first ``acquire`` starts it, last ``release`` stops it.

    It also tells the crawl when it is behind (:meth:`full`): pages arrive faster than the
    workers read them, and each page waiting here is a leased task a killed worker would
    lose, a body held in memory, and a page analysed with a stale site profile.
    """

    _shared: AnalysisPool | None = None

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.max_queued = max(1, workers) * QUEUED_PER_WORKER
        self.queued = 0  # jobs submitted and not finished
        self._executor: Executor | None = None
        self._users = 0
        self._on_free: list[Callable[[], None]] = []

    @classmethod
    def acquire(cls, workers: int) -> AnalysisPool:
        """Return the process's pool, creating it with ``workers`` processes if needed."""
        if cls._shared is None:
            cls._shared = cls(workers)
        cls._shared._users += 1
        return cls._shared

    def release(self) -> None:
        """Drop one user; the last one shuts the workers down."""
        self._users -= 1
        if self._users <= 0:
            self._on_free.clear()
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
                self._executor = None
            if AnalysisPool._shared is self:
                AnalysisPool._shared = None

    def full(self) -> bool:
        """True while as many jobs wait as the workers should have queued."""
        return self.workers > 0 and self.queued >= self.max_queued

    def when_free(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` each time a job ends and the pool is no longer :meth:`full`."""
        self._on_free.append(callback)

    def forget(self, callback: Callable[[], None]) -> None:
        """Stop calling a :meth:`when_free` callback."""
        if callback in self._on_free:
            self._on_free.remove(callback)

    def _pool(self) -> Executor:
        if self._executor is None:
            methods = multiprocessing.get_all_start_methods()
            ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
            if ctx.get_start_method() == "forkserver":
                # datasketch (for the store's syndication sketches) loads scipy: once, here.
                ctx.set_forkserver_preload(["crawler.analysis", "datasketch"])
            # Workers watch this process: killed, it leaves no worker behind (lifeline); they
            # ignore Ctrl-C, which is this process's to act on (finish the pages in flight).
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=ctx, initializer=ignore_interrupts,
                initargs=(os.getpid(),),
            )
        return self._executor

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """Run ``func(*args)`` in a worker (or inline when ``workers`` is 0) and await it.

        A pool broken by a dying worker (killed, out of memory, a crash in a C library on a
        hostile page) is replaced and the call tried once more on the new pool.
        """
        if self.workers <= 0:
            return func(*args)
        self.queued += 1
        try:
            try:
                return await asyncio.wrap_future(self._pool().submit(func, *args))
            except BrokenProcessPool:
                self._replace_broken()
                return await asyncio.wrap_future(self._pool().submit(func, *args))
        finally:
            self._done()

    @contextlib.asynccontextmanager
    async def holding(self) -> AsyncIterator[None]:
        """Count a page waiting elsewhere (for the article store's writer thread) as a job:
        while the store is slow, the crawl takes no new task either, so what a worker has in
        hand stays what :meth:`full` allows."""
        self.queued += 1
        try:
            yield
        finally:
            self._done()

    def _done(self) -> None:
        """One job fewer; tell the waiting callbacks if the pool is no longer full."""
        self.queued -= 1
        if not self.full():
            for callback in self._on_free:
                callback()

    def _replace_broken(self) -> None:
        """Drop a broken executor; the next call starts a fresh one."""
        broken, self._executor = self._executor, None
        if broken is not None:
            broken.shutdown(wait=False, cancel_futures=True)
