"""FrontierScheduler: Scrapy's scheduler over the crawl's :class:`crawler.frontier.Frontier`.

The frontier (pure, crawler/frontier/) holds the crawl policy and its state; this module
builds it from settings, shares it with the other components of a crawl
(:func:`frontier_for`), and adapts it to Scrapy: new tasks are admitted to the frontier,
tasks come back out as Requests built by the spider's ``request_for(task)``, and redirects
or retries of a task this worker holds stay with this worker.

Settings: ``FRONTIER_REDIS_URL`` (join a crawl shared in Redis; empty: this process only),
``FRONTIER_CRAWL`` (the shared crawl's name), ``FRONTIER_HEARTBEAT`` (seconds between a
worker's heartbeats), ``FRONTIER_LEASE_TIMEOUT`` (seconds without a heartbeat after which a
worker's tasks go back to the queue). Politeness across workers uses
``CONCURRENT_REQUESTS_PER_DOMAIN`` and ``DOWNLOAD_DELAY``. Stats: ``frontier/*``.
"""

from __future__ import annotations

import logging
import time
import uuid
import weakref
from collections import deque
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from scrapy import signals
from scrapy.core.scheduler import BaseScheduler
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task
from twisted.python.failure import Failure

from crawler.common.durations import parse_duration
from crawler.discovery.requisites import DEFAULT_PER_PAGE
from crawler.frontier import (
    TASK_META_KEY,
    Backend,
    CrawlTask,
    Frontier,
    FrontierConfig,
    LocalBackend,
    resilient,
    sharedcrawl,
)
from crawler.frontier.incremental import IncrementalConfig, IncrementalPolicy, open_store_or_none
from crawler.frontier.redisbackend import Politeness, RedisBackend
from crawler.frontier.redisstate import SharedFetchLog
from crawler.frontier.requisites import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_SIZE,
    DEFAULT_TIMEOUT,
    RequisiteConfig,
    parse_kinds,
)
from crawler.incremental.fetchlog import FetchLog
from crawler.store.sitenames import SiteNames

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

_FRONTIERS: weakref.WeakKeyDictionary[Crawler, Frontier] = weakref.WeakKeyDictionary()
#: Seconds between a starved shared-crawl worker's looks at the frontier.
POLL_SECONDS = 0.2
#: Stats a worker publishes with its heartbeat (for ``crawler status``).
PUBLISHED_STATS = ("response_received_count", "pages/article", "item_scraped_count",
                   "downloader/response_bytes", "log_count/ERROR", "frontier/requeued",
                   "requisites/responses", "requisites/fetched")


class BusyPool(Protocol):
    """What the scheduler needs of the spider's analysis pool (shell/spiders/pool.py)."""

    def full(self) -> bool:
        """True while the pool is behind: take no new task."""

    def when_free(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` when the pool is no longer full."""

    def forget(self, callback: Callable[[], None]) -> None:
        """Stop calling ``callback``."""


class TaskSpider(Protocol):
    """A spider the frontier scheduler can serve: it turns tasks into its own Requests."""

    def request_for(self, task: CrawlTask) -> Request:
        """The Request (callback, errback, meta) that fetches ``task``."""


def task_of(request: Request) -> CrawlTask | None:
    """The CrawlTask a request carries, if any."""
    found = request.meta.get(TASK_META_KEY)
    return found if isinstance(found, CrawlTask) else None


class CrawlerStats:
    """The crawler's stats collector, looked up when used (it is set only as the crawl starts)."""

    def __init__(self, crawler: Crawler) -> None:
        self._crawler = crawler

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        """Add ``count`` to the counter ``key``."""
        self._crawler.stats.inc_value(key, count, start)


def open_frontier(
    crawler: Crawler, max_pages: int, seeds: list[str] | None = None
) -> Frontier:
    """Build the crawl's frontier from its settings (once per crawler) and share it."""
    if crawler in _FRONTIERS:
        return _FRONTIERS[crawler]
    settings = crawler.settings
    config = FrontierConfig(
        max_pages=max_pages, depth_limit=settings.getint("DEPTH_LIMIT", 0),
        depth_priority=settings.getint("DEPTH_PRIORITY", 0),
        max_url_length=settings.getint("URLLENGTH_LIMIT", 2083) or 1 << 30,
        requisites=requisite_config(
            settings, seeds if seeds is not None else settings.getlist("CRAWL_SEEDS")),
    )
    backend: Backend
    if settings.get("FRONTIER_REDIS_URL"):
        shared, fetchlog = _shared_backend(settings, max_pages)
        shared.pop_after_budget = config.requisites.enabled
        backend = shared
    else:
        backend, fetchlog = LocalBackend(max_pages), None
    stats = CrawlerStats(crawler)
    names = SiteNames.for_archive(settings.get("STORE_PATH") or settings.get("ARCHIVE_DIR",
                                                                               "archives"))
    frontier = Frontier(backend, config, stats, _incremental(settings, stats, fetchlog), names)
    _FRONTIERS[crawler] = frontier
    return frontier


def requisite_config(settings: BaseSettings, seeds: list[str]) -> RequisiteConfig:
    """The ``CRAWL_REQUISITE*`` settings (crawler.config.settingscheck checks them first)."""
    fresh = str(settings.get("CRAWL_REQUISITES_FRESH_FOR", "1d")).strip()
    return RequisiteConfig(
        kinds=parse_kinds(settings.get("CRAWL_REQUISITES", None)),
        per_page=settings.getint("CRAWL_REQUISITES_PER_PAGE", DEFAULT_PER_PAGE),
        max_size=settings.getint("CRAWL_REQUISITE_MAX_SIZE", DEFAULT_MAX_SIZE),
        max_bytes=settings.getint("CRAWL_REQUISITES_MAX_BYTES", DEFAULT_MAX_BYTES),
        timeout=settings.getfloat("CRAWL_REQUISITE_TIMEOUT", DEFAULT_TIMEOUT),
        fresh_for=timedelta(0) if fresh in ("", "0") else parse_duration(fresh),
        private_ok=RequisiteConfig.private_seeds(seeds),
    )


def _shared_backend(
    settings: BaseSettings, max_pages: int
) -> tuple[RedisBackend, SharedFetchLog]:
    """Join the crawl shared in Redis (``FRONTIER_REDIS_URL``) as a new worker."""
    client = sharedcrawl.connect_resilient(settings["FRONTIER_REDIS_URL"],
                                           settings.getfloat("FRONTIER_REDIS_WAIT", 30.0))
    ref = settings.get("FRONTIER_CRAWL") or sharedcrawl.crawl_name(
        settings.get("CRAWL_SITE_NAME") or "", settings.getlist("CRAWL_SEEDS"))
    crawl = sharedcrawl.join(client, ref, settings.get("CRAWL_ID") or str(uuid.uuid4()))
    client.state_key = crawl.prefix + "meta"  # must survive an outage
    politeness = Politeness(
        per_host=settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 4),
        delay_ms=int(settings.getfloat("DOWNLOAD_DELAY", 0) * 1000),
    )
    backend = RedisBackend(client, crawl.prefix, sharedcrawl.worker_id(), max_pages, politeness,
                           settings.getfloat("FRONTIER_LEASE_TIMEOUT", 30.0))
    logger.info("Worker %s of the shared crawl %s (%s)", backend.worker, crawl.ref,
                crawl.crawl_id)
    return backend, SharedFetchLog(client)


def frontier_for(crawler: Crawler) -> Frontier:
    """The crawl's frontier (built from ``CRAWL_MAX_PAGES`` if the spider opened none)."""
    return _FRONTIERS.get(crawler) or open_frontier(
        crawler, crawler.settings.getint("CRAWL_MAX_PAGES", 0)
    )


def _incremental(settings: BaseSettings, stats: Any, fetchlog: Any) -> IncrementalPolicy | None:
    """The incremental policy from ``INCREMENTAL_*`` (None when switched off)."""
    if not settings.getbool("INCREMENTAL_ENABLED", True):
        return None
    config = IncrementalConfig.parse(
        settings.get("INCREMENTAL_REVISIT_AFTER", "1h,6h,1d,1w"),
        settings.get("INCREMENTAL_FORGET_AFTER", "90d"),
        full=settings.getbool("INCREMENTAL_FULL", False),
        roles=settings.getlist("INCREMENTAL_ROLES", ["article", "unknown"]),
        conditional=settings.getbool("INCREMENTAL_CONDITIONAL", True),
        max_revisits=(settings.getint("INCREMENTAL_MAX_REVISITS", 1000)
                      if settings.getbool("INCREMENTAL_REVISIT_UNLINKED", True) else 0),
    )
    archive = settings.get("STORE_PATH") or settings.get("ARCHIVE_DIR", "archives")
    local = FetchLog(archive)
    if fetchlog is not None:
        fetchlog.local = local
    return IncrementalPolicy(config, fetchlog or local, open_store_or_none(archive), stats)


class FrontierScheduler(BaseScheduler):
    """Scrapy scheduler that admits tasks to the frontier and pops them back as Requests."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.frontier: Frontier | None = None
        self._ready: deque[Request] = deque()
        self._request_for: Callable[[CrawlTask], Request] | None = None
        self._loops: list[task.LoopingCall] = []
        self._starved = False
        self._idle_checked = 0.0
        self._pool: BusyPool | None = None
        self._held_back = False  # said "no request" because the analysis pool was full

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Hook the signals that finish a task: dropped requests, stored items."""
        scheduler = cls(crawler)
        crawler.signals.connect(scheduler._dropped, signal=signals.request_dropped)
        return scheduler

    def open(self, spider: Spider) -> None:
        """Take the crawl's frontier; start the heartbeat of a shared crawl."""
        request_for = getattr(spider, "request_for", None)
        if request_for is None:
            raise TypeError(f"spider {spider.name!r} has no request_for(task): the frontier "
                            "scheduler serves the news spider (or set SCHEDULER)")
        self._request_for = request_for
        self.frontier = frontier_for(self.crawler)
        self._pool = getattr(spider, "pool", None)
        if self._pool is not None:
            self._pool.when_free(self._resume)
        if self.frontier.backend.shared:
            resilient.on_lost(self._redis_lost)
            interval = self.crawler.settings.getfloat("FRONTIER_HEARTBEAT", 2.0)
            for call, every in ((self._beat, interval), (self._poll, POLL_SECONDS)):
                loop = task.LoopingCall(call)
                loop.start(every, now=True)
                self._loops.append(loop)

    def close(self, reason: str) -> None:
        """Stop the heartbeat, give back unfinished tasks, close the frontier."""
        if self._pool is not None:
            self._pool.forget(self._resume)
            self._pool = None
        for loop in self._loops:
            if loop.running:
                loop.stop()
        if self._loops:
            self._beat()  # the final figures, for `crawler status`
        if self.frontier is not None:
            self.frontier.close()
            _FRONTIERS.pop(self.crawler, None)

    def _redis_lost(self, message: str) -> None:
        """Redis is gone for good: stop the crawl with its one line (never "finished")."""
        stats = self.crawler.stats
        if stats is None or stats.get_value("crawl/fatal_error"):
            return
        stats.set_value("crawl/fatal_error", message)
        stats.inc_value("errors/redis")
        engine = self.crawler.engine
        if engine is not None and getattr(engine, "spider", None) is not None:
            deferred_from_coro(engine.close_spider_async(reason="redis_lost"))

    def has_pending_requests(self) -> bool:
        """True while this worker holds requests or the frontier has queued tasks."""
        assert self.frontier is not None
        return bool(self._ready) or self.frontier.has_queued()

    def enqueue_request(self, request: Request) -> bool:
        """Admit a new task; keep a redirect or retry of a task this worker holds."""
        assert self.frontier is not None
        found = task_of(request)
        if found is None or found.leased:
            redirected = found is not None and request.url != found.url
            if redirected and found is not None and self._refused(found, request):
                return False  # dropped: the request_dropped signal finishes the task
            if redirected and not request.dont_filter and not self.frontier.claim_redirect(
                request.url
            ):
                return False  # the target was fetched or queued already
            self._ready.append(request)
            return True
        return self.frontier.add([found]) > 0

    def _refused(self, found: CrawlTask, request: Request) -> bool:
        """True (and logged) if a redirect or refresh leaves the crawl's scope."""
        assert self.frontier is not None
        reason = self.frontier.redirect_refusal(found, request.url)
        if reason is None:
            return False
        source = (request.meta.get("redirect_urls") or [found.url])[-1]
        logger.warning("Not following the redirect of %s to %s (%s: out of the crawl's scope)",
                       source, request.url, reason)
        return True

    def next_request(self) -> Request | None:
        """A request this worker holds, else the frontier's next task (none while the
        analysis pool is behind: see :meth:`_resume`)."""
        if self._ready:
            return self._ready.popleft()
        if self._pool is not None and self._pool.full():
            self._held_back = True
            return None
        assert self.frontier is not None and self._request_for is not None
        found = self.frontier.next_task()
        self._starved = found is None
        if found is None:
            return None
        self.crawler.stats.inc_value("frontier/popped")
        return self._request_for(found)

    def _poll(self) -> None:
        """A starved worker of a shared crawl asks again soon (Scrapy would wait 5 s).

        Other workers add tasks, free politeness slots or finish the crawl meanwhile: a task
        found is handed to the engine (which puts it back in our queue); an idle engine asks
        the spider whether to close, as the engine itself does on its heartbeat.
        """
        engine = self.crawler.engine
        if not self._starved or self.frontier is None or engine is None:
            return
        if engine.needs_backout():
            return
        found = self.frontier.next_task()
        if found is not None and self._request_for is not None:
            self._starved = False
            self.crawler.stats.inc_value("frontier/popped")
            engine.crawl(self._request_for(found))
        elif engine.spider_is_idle() and time.monotonic() - self._idle_checked >= 1.0:
            self._idle_checked = time.monotonic()
            self._close_if_idle(engine)

    def _resume(self) -> None:
        """The analysis pool caught up: hand the engine a task again.

        The engine asks for requests when a download ends or every 5 s; while the pool was
        full it was told "none", so without this the crawl would wait for its next heartbeat.
        """
        engine = self.crawler.engine
        if not self._held_back or self.frontier is None or self._request_for is None:
            return
        self._held_back = False
        if engine is None or engine.needs_backout():
            return  # the engine asks again when a download ends
        found = self.frontier.next_task()
        self._starved = found is None
        if found is not None:
            self.crawler.stats.inc_value("frontier/popped")
            engine.crawl(self._request_for(found))

    def _close_if_idle(self, engine: Any) -> None:
        """Send ``spider_idle``; close the spider unless a handler raised DontCloseSpider."""
        results = self.crawler.signals.send_catch_log(
            signal=signals.spider_idle, spider=self.crawler.spider, dont_log=DontCloseSpider)
        if not any(isinstance(r, Failure) and isinstance(r.value, DontCloseSpider)
                   for _, r in results):
            deferred_from_coro(engine.close_spider_async(reason="finished"))

    def _dropped(self, request: Request, **_: Any) -> None:
        """A request of a held task was dropped (a redirect to a URL seen before)."""
        found = task_of(request)
        if found is not None and self.frontier is not None:
            self.frontier.release(found)

    def _beat(self) -> None:
        """Heartbeat of a shared crawl: keep leases, publish stats, requeue dead workers'."""
        if self.frontier is None:
            return
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        published = {k: int(stats.get(k, 0)) for k in PUBLISHED_STATS}
        try:
            self.frontier.heartbeat(published)
        except Exception:  # noqa: BLE001 - a lost connection must not stop the heartbeat loop
            logger.exception("frontier heartbeat failed")
