"""The tasks one worker leased and has not finished: a worker that dies loses none of them.

A task is finished when its callback is done and its items are stored; until then the
backend keeps it leased, and gives it to another worker if this one stops or dies.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.frontier.backend import Backend
from crawler.frontier.task import CrawlTask


@dataclass
class _Open:
    """A leased task of this worker and how many of its parts are not finished."""

    task: CrawlTask
    pending: int = 1


class Leases:
    """The leased tasks of one worker and how many parts of each are pending."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._open: dict[str, _Open] = {}

    def __len__(self) -> int:
        return len(self._open)

    def lease(self, task: CrawlTask) -> None:
        """The backend handed ``task`` to this worker: one part (its callback) is pending."""
        task.leased = True
        self._open[task.key] = _Open(task)

    def hold(self, task: CrawlTask) -> None:
        """Something more of a leased task is pending (an item not stored yet)."""
        entry = self._open.get(task.key)
        if entry is not None:
            entry.pending += 1

    def release(self, task: CrawlTask) -> None:
        """One pending part of a leased task is done; the last one ends its lease."""
        entry = self._open.get(task.key)
        if entry is None:
            return
        entry.pending -= 1
        if entry.pending <= 0:
            del self._open[task.key]
            self.backend.ack(task)

    def give_back(self) -> None:
        """Give unfinished tasks back to the backend (a shared crawl goes on without us)."""
        if self._open:
            self.backend.give_back()
            self._open.clear()
