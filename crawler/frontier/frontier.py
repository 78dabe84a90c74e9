"""Frontier: the crawl policy of one crawl, on top of a backend (local or shared in Redis).

It decides what is fetched and in which order: the seen set, priorities (sources first, then
dated URLs newest first, then breadth first), the depth limit, the page budget (spent as
requests reach the downloader, so priority decides what it buys), pages parked until the
sources that may date them are read, and the incremental decisions. It also tracks when a
leased task is finished (its callback done and its items stored), so that a worker that dies
loses nothing: its unfinished tasks go back to the queue (crawler/frontier/leases.py).
Page requisites have a policy of their own (crawler/frontier/requisites.py), and so does the
scope redirects and queued entries must stay in (crawler/frontier/scope.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol

from crawler import discovery
from crawler.discovery import Discovered, Requisite, Scope
from crawler.discovery.domains import registered_domain
from crawler.frontier.backend import Action, Admitted, Backend, Counts
from crawler.frontier.incremental import IncrementalPolicy, Stats
from crawler.frontier.leases import Leases
from crawler.frontier.requisites import REQUISITE, RequisiteAdmission, RequisiteConfig
from crawler.frontier.scope import CrawlScope
from crawler.frontier.task import (
    FREE_ROLES,
    SOURCE_PRIORITY,
    SOURCE_ROLES,
    BadEntry,
    CrawlTask,
)
from crawler.incremental import Decision

#: Requests scheduled per page of budget at most: enough for priority to choose among,
#: bounded so that a huge sitemap does not fill the queue.
SCHEDULE_FACTOR = 4


class SiteNaming(Protocol):
    """Names a URL's site (crawler.store.sitenames.SiteNames: the store's name for its host)."""

    def __call__(self, url: str) -> str:
        """The site name of ``url``."""

    def close(self) -> None:
        """Release what the naming reads from."""


class IdleAction(StrEnum):
    """What an idle worker does next."""

    CONTINUE = "continue"  # work was released or is queued: keep going
    WAIT = "wait"  # other workers still hold tasks that may add more: wait
    FINISH = "finish"  # the crawl is done


@dataclass(frozen=True)
class FrontierConfig:
    """The crawl-policy settings (``CRAWL_MAX_PAGES``, ``DEPTH_LIMIT``, ``DEPTH_PRIORITY``...)."""

    max_pages: int = 0
    depth_limit: int = 0
    depth_priority: int = 0
    max_url_length: int = 2083
    requisites: RequisiteConfig = RequisiteConfig(kinds=frozenset())

    @property
    def schedule_cap(self) -> int:
        """Most tasks ever queued (0: no cap)."""
        return self.max_pages * SCHEDULE_FACTOR


class Frontier:
    """What to fetch next, within the budget, and what is finished."""

    def __init__(
        self, backend: Backend, config: FrontierConfig, stats: Stats,
        incremental: IncrementalPolicy | None = None, site_names: SiteNaming | None = None,
    ) -> None:
        self.backend = backend
        self.config = config
        self.stats = stats
        self.incremental = incremental
        self.site_names = site_names
        self._now = datetime.now(UTC)
        self._leases = Leases(backend)
        self._budget_spent = False
        #: Where redirects may lead (crawler/frontier/scope.py), widened as seeds redirect.
        self._scope = CrawlScope(backend, stats)
        #: The requisite policy (crawler/frontier/requisites.py), with its own limits.
        self.requisites = RequisiteAdmission(config.requisites, backend, stats, incremental,
                                             config.max_url_length)

    # --- admission ------------------------------------------------------------------------

    def task_for(
        self, found: Discovered, route: str = "seed", depth: int = 0, site: str = "",
        priority: int | None = None,
    ) -> CrawlTask:
        """A task for a discovered URL: its priority, and whether it is a source."""
        if priority is None:
            if found.role in ("feed", "sitemap"):
                priority = SOURCE_PRIORITY
            else:
                priority = discovery.priority_for(found.lastmod, self._now)
        return CrawlTask(
            found.url, role=found.role, site=site or self.site_of(found.url), depth=depth,
            priority=priority - depth * self.config.depth_priority, lastmod=found.lastmod,
            modified=found.modified, via=route, source=found.role in SOURCE_ROLES,
        )

    def site_of(self, url: str) -> str:
        """The site a URL's pages are filed under: never host:port, however it was reached."""
        return self.site_names(url) if self.site_names is not None else registered_domain(url)

    def add_links(
        self, links: Sequence[Discovered], route: str, depth: int, site: str = ""
    ) -> int:
        """Admit the links one discovery route found on a page; return how many were queued."""
        self.stats.inc_value(f"discovery/{route}", len(links))
        if any(found.lastmod for found in links):
            # Newest first, so that a page budget is spent on the newest articles.
            links = sorted(links, key=lambda d: d.lastmod or "", reverse=True)
        return self.add([self.task_for(f, route, depth, site) for f in links])

    def add(self, tasks: Sequence[CrawlTask]) -> int:
        """Admit tasks: drop seen, too deep or over-budget ones, decide, queue or park the rest."""
        candidates = [t for t in tasks if self._within_limits(t)]
        if not candidates:
            return 0
        if self._budget_spent:
            self.stats.inc_value("discovery/not_scheduled", len(candidates))
            return 0
        fresh, spent = self.backend.unseen(candidates)
        self._note_spent(spent)
        if not fresh:
            return 0
        batch = [(task, self._action(task)) for task in fresh]
        dropped = sum(1 for _, action in batch if action is Action.SKIP)
        if dropped:
            self.stats.inc_value("incremental/dropped", dropped)
        result = self.backend.admit(batch, self.config.schedule_cap)
        self._count(result)
        return result.queued + result.parked

    def add_requisites(self, found: Sequence[Requisite], parent: CrawlTask) -> int:
        """Admit what a page (or a stylesheet) needs to render; return how many were queued."""
        return self.requisites.add(found, parent)

    def mark_host_down(self, url: str) -> None:
        """A requisite's host could not be reached: its other requisites fail at once."""
        self.requisites.mark_host_down(url)

    def host_down(self, url: str) -> bool:
        """True if a requisite found this URL's host unreachable in this crawl."""
        return self.requisites.host_down(url)

    def requisite_fetched(self, size: int) -> None:
        """Count a fetched requisite's bytes against the per-crawl limit."""
        self.requisites.fetched(size)

    @property
    def requisite_bytes(self) -> int:
        """Bytes of requisites this worker fetched (for ``RequisiteConfig.max_bytes``)."""
        return self.requisites.fetched_bytes

    def add_revisits(self, sites: Sequence[str]) -> int:
        """Admit the archived articles of ``sites`` due for a revisit (incremental crawls)."""
        if self.incremental is None:
            return 0
        return self.add([task for site in sites for task in self.incremental.due_revisits(site)])

    def _within_limits(self, task: CrawlTask) -> bool:
        """Depth and URL length. Too-deep URLs are not marked seen: a shorter path may come."""
        if self.config.depth_limit and task.depth > self.config.depth_limit and (
                task.role != REQUISITE):
            self.stats.inc_value("discovery/too_deep")
            return False
        if len(task.url) > self.config.max_url_length:
            self.stats.inc_value("discovery/too_long")
            return False
        return True

    def _action(self, task: CrawlTask) -> Action:
        """Skip (incremental), park (undated, while sources are unread) or queue."""
        if self.incremental is not None and self.incremental.decide(task) is Decision.SKIP:
            return Action.SKIP
        if self.config.max_pages and not task.lastmod and task.role not in SOURCE_ROLES:
            return Action.PARK
        return Action.QUEUE

    def _count(self, result: Admitted) -> None:
        """Stats of one admission."""
        stats = self.stats
        scheduled = result.queued + result.parked
        if scheduled:
            stats.inc_value("discovery/scheduled", scheduled)
        if result.not_scheduled:
            stats.inc_value("discovery/not_scheduled", result.not_scheduled)
        if result.skipped:
            stats.inc_value("incremental/skipped_urls", result.skipped)
        if result.revived:
            # Fetched after all (a newer date came): not an archived, skipped URL any more.
            stats.inc_value("incremental/skipped_urls", -result.revived)

    def _note_spent(self, spent: int) -> None:
        if self.config.max_pages and spent >= self.config.max_pages:
            self._budget_spent = True

    @property
    def scope(self) -> Scope | None:
        """Where redirects may lead (None: anywhere); set by the spider from its seeds."""
        return self._scope.scope

    @scope.setter
    def scope(self, scope: Scope | None) -> None:
        self._scope.scope = scope

    def redirect_refusal(self, task: CrawlTask, url: str) -> str | None:
        """Why a redirect (or refresh) of ``task`` to ``url`` is refused; None to follow it."""
        return self._scope.redirect_refusal(task, url)

    def widen_scope(self, url: str) -> None:
        """A seed's response came from ``url``'s host: it joins the scope (of every worker)."""
        self._scope.widen(url)

    def claim_redirect(self, url: str) -> bool:
        """Mark a redirect target seen; False if it was fetched or queued already."""
        return self.backend.claim(url)

    # --- fetching -------------------------------------------------------------------------

    def next_task(self) -> CrawlTask | None:
        """The next task to fetch (leased to this worker), or None for now.

        A task another worker held when it died (or stopped) is decided again: if that worker
        archived it (its fetch log, or the reconciliation of its WARCs, says so), the task is
        finished instead of fetched twice (stat ``frontier/requeued_archived``).
        """
        while not self._budget_spent or self.config.requisites.enabled:
            try:
                task = self.backend.pop()
            except BadEntry:  # dropped by the backend, lease and slot freed
                self.stats.inc_value("frontier/bad_entries")
                continue
            if task is None:
                return None
            if self._scope.excludes(task):
                self.backend.drop(task)
                self.stats.inc_value("frontier/bad_entries")
                continue
            self._leases.lease(task)
            if self._budget_spent and task.role != REQUISITE:
                # The budget is spent: only requisites of the pages fetched are still due.
                self.stats.inc_value("frontier/dropped_after_budget")
                self.release(task)
                continue
            if task.role == REQUISITE and self.requisites.host_down(task.url):
                self.requisites.unreachable(1)  # not worth a request: its host did not answer
                self.release(task)
                continue
            if not (task.requeued and self._archived_meanwhile(task)):
                if self.incremental is not None:
                    self.incremental.restore_headers(task)
                return task
            self.stats.inc_value("frontier/requeued_archived")
            self.release(task)
        return None

    def _archived_meanwhile(self, task: CrawlTask) -> bool:
        """True if the incremental policy, asked again, skips a requeued task as archived."""
        if self.incremental is None:
            return False
        task.incremental, task.headers = "", {}
        return self.incremental.decide(task) is Decision.SKIP

    def has_queued(self) -> bool:
        """True while tasks wait in the queue and the budget is not spent."""
        return ((not self._budget_spent or self.config.requisites.enabled)
                and self.backend.has_queued())

    def spend(self, task: CrawlTask) -> bool:
        """Count a request against the page budget as it reaches the downloader; False past it.

        robots.txt and internal requests are free; a task counts once (redirects and retries
        carry the same task), also when another worker takes it over.
        """
        if not self.config.max_pages or task.role in FREE_ROLES or task.budget == "counted":
            return True
        allowed, spent = (False, 0) if self._budget_spent else self.backend.spend(task)
        self._note_spent(spent)
        if not allowed:
            self._budget_spent = True
            task.budget = "refused"
            self.stats.inc_value("discovery/budget_exhausted")
            return False
        task.budget = "counted"
        return True

    @property
    def budget_spent(self) -> bool:
        """True once the whole page budget is spent (nothing more is scheduled)."""
        return self._budget_spent

    def downloaded(self, task: CrawlTask) -> None:
        """The task's download is over (a response or a failure): free its politeness slot.

        Not at the end of the task: a page held back for site warm-up would keep its host's
        slot, and workers holding them could take every slot of the host.
        """
        if task.leased:
            self.backend.free_slot(task)

    def fetched(  # noqa: PLR0913 - the facts of one HTTP response
        self, task: CrawlTask, url: str, status: int, etag: str | None = None,
        last_modified: str | None = None, redirect_urls: Sequence[str] = (),
        archived: bool = True,
    ) -> None:
        """Record a response for the incremental policy.

        A response that did not reach the WARC (``archived`` False: a full disk) is not a
        capture: the next crawl fetches it again.
        """
        if not archived:
            self.stats.inc_value("frontier/not_archived")
            return
        if self.incremental is not None:
            self.incremental.record(task, url, status, etag, last_modified, redirect_urls)

    def item_stored(self, task: CrawlTask, is_article: bool) -> None:
        """A page of the task reached the store."""
        if self.incremental is not None:
            self.incremental.item_stored(task, is_article)

    # --- finishing ------------------------------------------------------------------------

    def hold(self, task: CrawlTask) -> None:
        """Something more of a leased task is pending (an item not stored yet)."""
        self._leases.hold(task)

    def release(self, task: CrawlTask) -> None:
        """One pending part of a leased task is done; the last one ends its lease."""
        self._leases.release(task)

    @property
    def open_tasks(self) -> int:
        """Leased tasks of this worker not finished yet."""
        return len(self._leases)

    def on_idle(self) -> IdleAction:
        """Release parked pages, wait for other workers, or say the crawl is finished."""
        counts = self.backend.counts()
        if counts.parked and not counts.leased:
            # A source that never answered (dropped by a filter): do not wait for it.
            released = self.backend.release_parked(drop=self._budget_spent)
            if self._budget_spent:
                self.stats.inc_value("discovery/not_scheduled", released)
            else:
                return IdleAction.CONTINUE
        if counts.queued and (not self._budget_spent or self.config.requisites.enabled):
            return IdleAction.CONTINUE
        if counts.leased and not len(self._leases) and self.backend.requeue_own():
            # Idle and holding nothing, yet leases of this worker are listed: a pop whose
            # reply a Redis outage lost. Without this the crawl would wait for them for ever.
            self.stats.inc_value("frontier/requeued_lost_leases")
            return IdleAction.CONTINUE
        if counts.leased:
            return IdleAction.WAIT
        self.backend.finish()
        return IdleAction.FINISH

    def heartbeat(self, stats: Mapping[str, int]) -> int:
        """Keep this worker's leases alive, publish its stats, requeue dead workers' tasks."""
        requeued = self.backend.heartbeat(stats)
        if requeued:
            self.stats.inc_value("frontier/requeued", requeued)
        return requeued

    def counts(self) -> Counts:
        """The crawl's counts (queued, parked, leased, budget spent...)."""
        return self.backend.counts()

    def close(self) -> None:
        """Give unfinished tasks back (a shared crawl goes on without us), then close."""
        self._leases.give_back()
        try:
            if self.incremental is not None:
                self.incremental.close()
            if self.site_names is not None:
                self.site_names.close()
        finally:
            self.backend.close()
