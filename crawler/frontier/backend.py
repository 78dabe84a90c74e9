"""Where a frontier keeps its state: the Backend protocol and the values it returns.

Two implementations: :class:`crawler.frontier.local.LocalBackend` (one process, an SQLite
file on disk) and :class:`crawler.frontier.redisbackend.RedisBackend` (a crawl shared by
worker processes on any number of machines).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from crawler.frontier.task import CrawlTask


class Action(StrEnum):
    """What admission does with a URL not seen before."""

    QUEUE = "queue"
    PARK = "park"  # queue later if sources (seeds, feeds, sitemaps) are still unread
    SKIP = "skip"  # archived and not due: remember it as seen, and as skipped


@dataclass
class Admitted:
    """Counts of one admission batch."""

    queued: int = 0
    parked: int = 0
    skipped: int = 0  # newly skipped URLs (distinct)
    revived: int = 0  # skipped before, queued now that a newer feed/sitemap date came
    not_scheduled: int = 0  # over the scheduling cap
    raced: int = 0  # seen meanwhile (another worker admitted it first)


@dataclass(frozen=True)
class Counts:
    """A crawl's state at a glance."""

    queued: int = 0
    parked: int = 0
    leased: int = 0
    sources: int = 0
    spent: int = 0
    seen: int = 0
    workers: int = 1
    requeued: int = 0


class Backend(Protocol):
    """Seen set, priority queue, parked pages, leases and the page budget of one crawl."""

    shared: bool

    def unseen(self, tasks: Sequence[CrawlTask]) -> tuple[list[CrawlTask], int]:
        """The tasks whose URL is new or revivable, and the pages of budget spent so far."""

    def admit(self, batch: Sequence[tuple[CrawlTask, Action]], cap: int) -> Admitted:
        """Mark the batch seen and queue, park or skip each; at most ``cap`` queued (0: any)."""

    def claim(self, url: str) -> bool:
        """Mark a URL seen (a redirect target); False if it was seen already."""

    def pop(self) -> CrawlTask | None:
        """The next task to fetch, leased to this worker; None if none may start now."""

    def drop(self, task: CrawlTask) -> None:
        """Forget a taken task that is not to be fetched (a bad queue entry): lease and slot."""
        ...

    def scope_hosts(self) -> frozenset[str]:
        """Hosts the crawl's seeds redirected to (in scope for every worker)."""
        ...

    def add_scope_host(self, host: str) -> None:
        """A seed redirected to ``host``: in scope for every worker of the crawl."""
        ...

    def free_slot(self, task: CrawlTask) -> None:
        """The task's download is over: its host may take another request (politeness)."""

    def ack(self, task: CrawlTask) -> None:
        """A leased task is done: end its lease; queue parked pages once no source is left."""

    def spend(self, task: CrawlTask) -> tuple[bool, int]:
        """Spend one page of budget on ``task`` (once per URL); (allowed, pages spent now)."""

    def release_parked(self, drop: bool = False) -> int:
        """Queue (or with ``drop``, forget) every parked task; return how many."""

    def counts(self) -> Counts:
        """The crawl's counts."""

    def has_queued(self) -> bool:
        """True if a task waits in the queue."""

    def heartbeat(self, stats: Mapping[str, int]) -> int:
        """Say this worker is alive, publish its stats; requeue dead workers' leases (count)."""

    def requeue_own(self) -> int:
        """Put this worker's leases back in the queue, the worker staying (count)."""

    def give_back(self) -> int:
        """Put this worker's leased tasks back in the queue (the worker stops early)."""

    def finish(self) -> None:
        """Mark the crawl finished."""

    def close(self) -> None:
        """Release resources."""
