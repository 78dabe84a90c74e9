"""The ``news`` spider: seeds, links, feeds and sitemaps in; one PageItem per HTML page out.

Settings (all optional; spider arguments ``-a seeds=... -a allowed_domains=... -a site=...
-a max_pages=...`` override the first four):

- ``CRAWL_SEEDS``: seed URLs (list or comma-separated): home/section pages, feeds, sitemaps.
- ``CRAWL_ALLOWED_DOMAINS``: hosts to stay on (default: the seeds' hosts and their subdomains).
- ``CRAWL_SITE_NAME``: the ``site`` stored with every page (default: the name the store
  already files the page's host under, else its registered domain).
- ``CRAWL_MAX_PAGES``: fetch at most this many pages (0: no limit); the budget is spent as
  requests reach the downloader (crawler.shell.middlewares.FrontierMiddleware), so request
  priority decides what it buys (see crawler/frontier/).
- ``CRAWL_FOLLOW_LINKS``, ``CRAWL_USE_FEEDS``, ``CRAWL_USE_SITEMAPS``: the discovery routes
  (page links; feeds linked from pages; sitemaps listed in robots.txt). Seeds are always read.
- ``CRAWL_MAX_LINKS_PER_PAGE``: cap on links taken from one page (hostile pages).
- ``EXTRACT_WORKERS``: analysis processes (``auto``: one per core; 0: inline, for debugging).
- ``EXTRACT_WARMUP_PAGES``, ``EXTRACT_MAX_HELD``: site-profile warm-up (see frontier/warmup.py).
- ``EXTRACT_MIN_ARTICLE_CHARS``: shorter bodies are not articles.
- ``CRAWL_REQUISITES`` and ``CRAWL_REQUISITE*``: what pages need to render (stylesheets,
  scripts, fonts, images) is fetched and archived too (crawler/shell/spiders/requisites.py).

The crawl policy (seen set, priority, budget, parked pages, incremental decisions) is the
frontier's (crawler/frontier/): this spider hands it what each page links to and turns the
tasks it gives back into Requests (:meth:`NewsSpider.request_for`). It tells the WARC
extension whether a seed is usable (signal ``seed_checked``): a rejected seed leaves the
archive untouched (crawler/shell/spiders/seedcheck.py).

Stats: ``pages/article``, ``pages/list/<reason>``, ``pages/not-html``, ``seeds/<kind>``,
``seeds/accepted``, ``errors/<kind>`` (real failures, once per URL:
crawler/shell/spiders/failures.py),
``discovery/<route>`` (URLs found), ``discovery/scheduled``, ``discovery/not_scheduled`` (over
the scheduling cap or after the budget was spent), ``discovery/budget_exhausted`` (refused by
the downloader middleware).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import AsyncIterator, Coroutine
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawler import analysis, discovery
from crawler.common.headers import charset_of
from crawler.discovery import Discovered, LinkOptions
from crawler.extract import ExtractOptions
from crawler.frontier import SOURCE_PRIORITY, TASK_META_KEY, CrawlTask, Frontier, IdleAction
from crawler.frontier.requisites import REQUISITE
from crawler.frontier.warmup import Held, SiteWarmup
from crawler.shell.items import PageItem
from crawler.shell.scheduler import open_frontier, task_of
from crawler.shell.spiders.config import CrawlConfig
from crawler.shell.spiders.failures import count_failure
from crawler.shell.spiders.pool import AnalysisPool, default_workers
from crawler.shell.spiders.requisites import RequisiteFetcher
from crawler.shell.spiders.seedcheck import SeedCheck

logger = logging.getLogger(__name__)

FLUSH_URL = "data:,flush-held-pages"
#: Pages held for site warm-up keep their HTML in memory: a bigger one (news pages are
#: 50-500 kB) goes out at once with the profile so far.
HOLD_MAX_BYTES = 2 * 1024 * 1024


class NewsSpider(scrapy.Spider):
    """Crawl news sites from seeds: follow in-scope links, read feeds and sitemaps."""

    name = "news"
    #: Tells the WARC extension to hold a seed's exchanges until :meth:`SeedCheck.verdict`.
    checks_seeds = True
    frontier: Frontier
    pool: AnalysisPool
    warmup: SiteWarmup
    profile_dir: str | None
    crawl_id: str
    requisites: RequisiteFetcher
    seeds: SeedCheck

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.config: CrawlConfig | None = None
        self.seed_problems: list[str] = []
        self._robots_done: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        """Read the CRAWL_*/EXTRACT_* settings, open the frontier, hook the signals."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.config = cfg = CrawlConfig.from_settings(crawler.settings, kwargs)
        spider.frontier = open_frontier(crawler, cfg.max_pages, cfg.seeds)
        spider.frontier.scope = discovery.Scope.for_seeds(cfg.seeds, cfg.allowed_domains)
        spider.requisites = RequisiteFetcher(spider)
        spider.seeds = SeedCheck(spider)
        workers = default_workers() if cfg.workers is None else cfg.workers
        spider.pool = AnalysisPool.acquire(workers)
        spider.profile_dir = tempfile.mkdtemp(prefix="crawler-profiles-") if workers else None
        spider.warmup = SiteWarmup(cfg.warmup_pages, cfg.max_held, profile_dir=spider.profile_dir)
        spider.crawl_id = crawler.settings.get("CRAWL_ID", "")
        crawler.signals.connect(spider._on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._on_closed, signal=signals.spider_closed)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(spider._item_done, signal=signal)
        return spider

    # --- tasks and requests ---------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        """The seeds, then the archived articles due for a revisit (incremental crawls)."""
        assert self.config is not None
        for seed in self.config.seeds:
            task = self.frontier.task_for(Discovered(seed, "seed"), site=self.config.site_name,
                                          priority=SOURCE_PRIORITY)
            yield self.request_for(task)
        self.frontier.add_revisits(self._sites())

    def request_for(self, task: CrawlTask) -> Request:
        """The Request that fetches a task (called by the scheduler for every task)."""
        if task.role == REQUISITE:
            return self.requisites.request_for(task)
        callback = self.parse_robots if task.role == "robots" else self.parse
        errback = self._seed_failed if task.role == "seed" else self._page_failed
        return Request(task.url, callback=callback, errback=errback, priority=task.priority,
                       meta={TASK_META_KEY: task, "depth": task.depth})

    def _sites(self) -> list[str]:
        """The store's site names of this crawl: the site's name, else the seeds' sites."""
        assert self.config is not None
        if self.config.site_name:
            return [self.config.site_name]
        return list(dict.fromkeys(n for n in map(self.frontier.site_of, self.config.seeds) if n))

    def _robots_task(self, url: str) -> CrawlTask | None:
        """The robots.txt of ``url``'s origin, once per origin, for its ``Sitemap:`` lines."""
        assert self.config is not None
        robots = robots_url(url)
        if not self.config.use_sitemaps or robots in self._robots_done:
            return None
        self._robots_done.add(robots)
        return self.frontier.task_for(Discovered(robots, "robots"), site=self.config.site_name,
                                      priority=SOURCE_PRIORITY + 1)

    def _follow(self, links: tuple[Discovered, ...], route: str, depth: int) -> None:
        """Hand the links one route (``links``, ``feed``, ``sitemap``...) found to the frontier."""
        assert self.config is not None
        self.frontier.add_links(links, route, depth, self.config.site_name)

    # --- callbacks ------------------------------------------------------------------------

    def parse_robots(self, response: Response) -> None:
        """Follow the sitemaps a robots.txt lists."""
        task = _task(response)
        try:
            text = response.body[:512 * 1024].decode("utf-8", "replace")
            sitemaps = discovery.sitemaps_in_robots(text, response.url)
            self._follow(tuple(Discovered(u, "sitemap") for u in sitemaps), "robots",
                         task.depth + 1)
        finally:
            self.frontier.release(task)

    async def parse(self, response: Response) -> AsyncIterator[Any]:
        """Analyse one response in the pool; hand on its links; yield the page's item."""
        task = _task(response)
        try:
            async for out in self._parse_page(response, task):
                yield out
        finally:
            self.frontier.release(task)

    async def _parse_page(self, response: Response, task: CrawlTask) -> AsyncIterator[Any]:
        """The work of ``parse``."""
        if task.role == "seed":
            self._widen_scope(response)
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1") or None
        request = self._analysis_request(response.url, ctype, _listed(task))
        # Decided now, not when the pool answers: pages queued behind others were analysed
        # with the profile of the moment they arrived, however warm the site is by then.
        warm = self.warmup.is_warm(response.url)
        try:
            result = await self.pool.run(analysis.analyze_page, response.body, request)
        except Exception:  # noqa: BLE001 - one bad page must not stop the crawl
            # The response is in the WARC already; re-extraction can retry it later.
            logger.exception("could not analyse %s", response.url)
            self.crawler.stats.inc_value("analysis/errors")
            self.crawler.stats.inc_value("errors/analysis")
            if task.role == "seed":  # a real page: keep it, re-extraction can retry it
                self.seeds.verdict(response.request, True)
            return
        if task.role == "seed":
            usable = self.seeds.checked(response, result, ctype)
            robots = self._robots_task(response.url) if usable else None
            if robots is not None:
                self.frontier.add([robots])
        self._follow_analysis(result, task.role, task.depth + 1)
        if result.requisites:
            self.frontier.add_requisites(result.requisites, task)
        if result.kind != discovery.HTML:
            if result.kind == discovery.UNKNOWN:
                self.crawler.stats.inc_value("pages/not-html")
            return
        async for item in self._page_items(response, task, result, ctype, warm):
            yield item

    def _follow_analysis(self, result: analysis.PageAnalysis, role: str, depth: int) -> None:
        """Follow what the analysis found, as far as the enabled discovery routes allow.

        A feed or sitemap reached through a plain link is read only if its route is on;
        seeds are always read.
        """
        cfg = self.config
        assert cfg is not None
        seed = role == "seed"
        if result.kind == discovery.FEED:
            if seed or cfg.use_feeds:
                self._follow(result.links, "feed", depth)
        elif result.kind != discovery.HTML:
            if seed or cfg.use_sitemaps or role == "sitemap":
                self._follow(result.links, "sitemap", depth)
        else:
            if cfg.use_feeds:
                self._follow(tuple(d for d in result.links if d.role == "feed"), "feed_links",
                             depth)
            if cfg.follow_links:
                self._follow(tuple(d for d in result.links if d.role != "feed"), "links", depth)

    def _analysis_request(
        self, url: str, ctype: str | None, listed: bool = False
    ) -> analysis.AnalysisRequest:
        """The worker's instructions for one page, with the site's current profile.

        With worker processes the profile travels as a file reference (it can be large).
        """
        assert self.config is not None
        cfg = self.config
        ref = self.warmup.profile_ref(url)
        options = ExtractOptions(
            min_article_chars=cfg.min_article_chars, capture_time=datetime.now(UTC),
            site_profile=None if ref else self.warmup.profile(url), http_encoding=charset_of(ctype),
            listed_as_article=listed,
        )
        links = LinkOptions(allowed_domains=cfg.allowed_domains, max_links=cfg.max_links)
        return analysis.AnalysisRequest(url, ctype, links, options, profile=ref,
                                        requisites=self.requisites.options)

    async def _page_items(
        self, response: Response, task: CrawlTask, result: analysis.PageAnalysis,
        ctype: str | None, warm: bool,
    ) -> AsyncIterator[PageItem]:
        """The page's item now (analysed once its site was ``warm``), or extracted again with
        the site's profile later, together with the site's other early articles."""
        extraction = result.result
        assert extraction is not None
        self.warmup.observe(response.url, extraction.block_signatures)
        item = self._item(response, task, extraction)
        self.frontier.hold(task)  # finished once the item is stored
        small = len(response.body) <= HOLD_MAX_BYTES  # a huge page is not kept in memory
        if extraction.is_article and small and not warm:
            self.warmup.hold(response.url, Held(item, response.body, ctype, _listed(task)))
        else:
            self._count(extraction)
            yield item
        for held_item in await self._release(self.warmup.ready(response.url)):
            yield held_item

    async def _release(self, held: list[Held]) -> list[PageItem]:
        """Extract held pages again with their site's matured profile; return their items."""
        items = []
        for page in held:
            item = page.item
            request = self._analysis_request(item.url, page.content_type, page.listed)
            item.extraction = await self.pool.run(analysis.reextract, page.body, request)
            self._count(item.extraction)
            items.append(item)
        if held:
            self.crawler.stats.inc_value("extract/reextracted_after_warmup", len(held))
        return items

    async def flush_held(self, response: Response) -> AsyncIterator[PageItem]:
        """Callback of the internal ``data:`` request: the crawl went idle with held pages."""
        for item in await self._release(self.warmup.take_all()):
            yield item

    def _item_done(self, item: Any, **_: Any) -> None:
        """A page's item was stored, dropped or failed: its task may be finished."""
        if isinstance(item, PageItem) and item.task is not None:
            self.frontier.item_stored(item.task, bool(getattr(item.extraction, "is_article",
                                                              False)))
            self.frontier.release(item.task)

    # --- helpers --------------------------------------------------------------------------

    def _item(self, response: Response, task: CrawlTask, extraction: Any) -> PageItem:
        """Build the PageItem of one HTML response."""
        redirects = response.meta.get("redirect_urls") or [task.url]
        headers = {
            k.decode("latin-1"): b", ".join(v).decode("latin-1")
            for k, v in response.headers.items()
        }
        return PageItem(
            url=response.url,
            requested_url=redirects[0],
            site=task.site or self.frontier.site_of(response.url),
            status=response.status,
            fetched_at=(task.warc or {}).get("date")
            or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            crawl_id=self.crawl_id,
            extraction=extraction,
            warc=task.warc,
            http_headers=headers,
            depth=task.depth,
            source=task.role,
            task=task,
        )

    def _count(self, extraction: Any) -> None:
        """Stats of the article/list decision."""
        if extraction.is_article:
            self.crawler.stats.inc_value("pages/article")
        else:
            reason = (extraction.discard_reason or "unknown").split(":")[0].strip() or "unknown"
            self.crawler.stats.inc_value(f"pages/list/{reason}")

    def _widen_scope(self, response: Response) -> None:
        """A seed that redirected to another host brings that host into scope."""
        assert self.config is not None
        host = discovery.host_of(response.url)
        if host and not discovery.in_scope(response.url, self.config.allowed_domains):
            self.config.allowed_domains = self.config.allowed_domains | {host}
        self.frontier.widen_scope(response.url)

    def _seed_failed(self, failure: Failure) -> None:
        """Remember why a seed could not be fetched (unreachable, HTTP error, robots.txt)."""
        self.seeds.failed(failure, self._ignore(failure))

    def _page_failed(self, failure: Failure) -> Coroutine[Any, Any, None] | None:
        """A page's failure counted; a 304 has its archived requisites checked first (Scrapy
        awaits the coroutine an errback returns)."""
        if self.requisites.wants_unchanged(failure):
            return self.requisites.unchanged_page(failure)
        self._ignore(failure)
        return None

    def _ignore(self, failure: Failure) -> CrawlTask | None:
        """Count a real failure by kind (``errors/<kind>``); the task is finished."""
        count_failure(self.crawler.stats, failure)
        request = getattr(failure, "request", None)
        task = task_of(request) if request is not None else None
        if task is not None:
            self.frontier.release(task)
        return task

    def _on_idle(self) -> None:
        """Release held pages, then ask the frontier whether the crawl is over."""
        if self.warmup.held_count:
            self.crawler.engine.crawl(Request(FLUSH_URL, callback=self.flush_held,
                                              dont_filter=True))
            raise DontCloseSpider
        if self.frontier.on_idle() is not IdleAction.FINISH:
            raise DontCloseSpider

    def _on_closed(self) -> None:
        held = self.warmup.held_count
        if held and not self.frontier.backend.shared:
            # Interrupted before the crawl went idle: these are in the WARCs, not in the store.
            self.crawler.stats.set_value("extract/held_at_close", held)
            logger.warning("%d articles held for site warm-up were not stored; run "
                           "`crawler extract` on this crawl's WARCs to add them", held)
        self.pool.release()
        if self.profile_dir:
            shutil.rmtree(self.profile_dir, ignore_errors=True)


def _task(response: Response) -> CrawlTask:
    """The task of a response (a bare one for responses of requests made elsewhere)."""
    found = task_of(response.request) if response.request is not None else None
    return found or CrawlTask(response.url, role="unknown")


def _listed(task: CrawlTask) -> bool:
    """True if a feed or a news sitemap listed the page (evidence that it is an article)."""
    return task.role == "article" and task.via in ("feed", "sitemap")


def robots_url(url: str) -> str:
    """The robots.txt URL of ``url``'s origin."""
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0]}/robots.txt"
