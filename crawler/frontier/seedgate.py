"""SeedGate: what a crawl archives waits until a seed is known to be usable.

A seed that is a PNG, a 404 or unreachable must leave the archive untouched (the user gets a
one-line error, not a WARC file per attempt). So a seed's exchanges (its redirects included:
they carry the same task) wait for the spider's verdict on the seed, and the exchanges of
requests outside the frontier (robots.txt, fetched before the first seed) wait until some
seed was usable. A task of any other role means the crawl is under way (in a shared crawl,
another worker may have read the seed): nothing waits any more. Generic over what is held
(the WARC extension holds wire exchanges).
"""

from __future__ import annotations

from typing import Generic, TypeVar

from crawler.frontier.task import CrawlTask

T = TypeVar("T")


class SeedGate(Generic[T]):
    """Holds a crawl's first exchanges until a seed is known usable (or rejected)."""

    def __init__(self) -> None:
        #: True once a seed was usable, or the crawl fetched pages of other roles.
        self.under_way = False
        self._early: list[T] = []
        self._held: dict[str, list[T]] = {}

    def offer(self, task: CrawlTask | None, item: T) -> list[T]:
        """What to write now, in order: nothing while ``item`` waits, else what waited and it.

        ``task`` is the item's task (None for a request made outside the frontier).
        """
        if task is not None and task.role == "seed":
            self._held.setdefault(task.key, []).append(item)
            return []
        if self.under_way:
            return [item]
        if task is None:
            self._early.append(item)
            return []
        return [*self._open(), item]

    def verdict(self, task: CrawlTask, usable: bool) -> tuple[list[T], list[T]]:
        """``(to write, to drop)`` once the seed of ``task`` is read (or failed)."""
        held = self._held.pop(task.key, [])
        if not usable:
            return [], held
        return [*self._open(), *held], []

    def drain(self) -> list[T]:
        """Everything still waiting (the crawl ends): no usable seed confirmed it."""
        waiting = [*self._early, *(item for items in self._held.values() for item in items)]
        self._early, self._held = [], {}
        return waiting

    def _open(self) -> list[T]:
        """The crawl is under way: what waited for it, oldest first."""
        self.under_way = True
        early, self._early = self._early, []
        return early
