"""The ``news`` spider: seeds, links, feeds and sitemaps in; one PageItem per HTML page out.

Settings (all optional; spider arguments ``-a seeds=... -a allowed_domains=... -a site=...
-a max_pages=...`` override the first four):

- ``CRAWL_SEEDS``: seed URLs (list or comma-separated): home/section pages, feeds, sitemaps.
- ``CRAWL_ALLOWED_DOMAINS``: hosts to stay on (default: the seeds' hosts and their subdomains).
- ``CRAWL_SITE_NAME``: the ``site`` stored with every page (default: the page's host).
- ``CRAWL_MAX_PAGES``: fetch at most this many pages (0: no limit); the budget is spent as
  requests reach the downloader (crawler.pagebudget.PageBudgetMiddleware), so request
  priority decides what it buys. The spider schedules at most ``_SCHEDULE_FACTOR`` times it.
- ``CRAWL_FOLLOW_LINKS``, ``CRAWL_USE_FEEDS``, ``CRAWL_USE_SITEMAPS``: the discovery routes
  (page links; feeds linked from pages; sitemaps listed in robots.txt). Seeds are always read.
- ``CRAWL_MAX_LINKS_PER_PAGE``: cap on links taken from one page (hostile pages).
- ``EXTRACT_WORKERS``: analysis processes (``auto``: one per core; 0: inline, for debugging).
- ``EXTRACT_WARMUP_PAGES``, ``EXTRACT_MAX_HELD``: site-profile warm-up (see spiders/warmup.py).
- ``EXTRACT_MIN_ARTICLE_CHARS``: shorter bodies are not articles.

Stats: ``pages/article``, ``pages/list/<reason>``, ``pages/not-html``, ``seeds/<kind>``,
``discovery/<route>`` (URLs found), ``discovery/scheduled``, ``discovery/not_scheduled`` (over
the scheduling cap or after the budget was spent), ``discovery/budget_exhausted`` (refused by
the downloader middleware).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawler import analysis, discovery
from crawler.discovery import Discovered, LinkOptions
from crawler.extract import ExtractOptions
from crawler.items import PageItem
from crawler.signals import seed_checked
from crawler.spiders.budget import FLUSH_URL, SOURCE_PRIORITY, PageBudgetMixin
from crawler.spiders.config import CrawlConfig
from crawler.spiders.failures import count_failure
from crawler.spiders.pool import AnalysisPool, default_workers
from crawler.spiders.warmup import Held, SiteWarmup
from crawler.store.sitenames import SiteNames

logger = logging.getLogger(__name__)

#: Requests scheduled per page of budget at most: enough for priority to choose among,
#: bounded so that a huge sitemap does not fill memory.
_SCHEDULE_FACTOR = 4


class NewsSpider(PageBudgetMixin, scrapy.Spider):
    """Crawl news sites from seeds: follow in-scope links, read feeds and sitemaps."""

    name = "news"
    #: Tells the WARC extension to hold a seed's exchanges until :meth:`_seed_verdict`.
    checks_seeds = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.config: CrawlConfig | None = None
        self.seed_problems: list[str] = []
        self._seen: set[bytes] = set()
        # URLs the incremental middleware dropped: a later sighting with a lastmod may revive.
        self._skipped: set[bytes] = set()
        self._scheduled = 0
        self._budget_spent = False
        self._budget_done = 0  # budgeted requests whose callback or errback has finished
        self._closing = False
        # With a page budget, undated pages found while a seed, feed, sitemap or robots.txt
        # is still unread wait here: the dated articles those name must compete for it too.
        self._sources_pending = 0
        self._parked: list[Request] = []
        self._robots_done: set[str] = set()
        self._now = datetime.now(UTC)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        """Read the CRAWL_*/EXTRACT_* settings and hook the open/idle/close signals."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.config = CrawlConfig.from_settings(crawler.settings, kwargs)
        cfg = spider.config
        workers = default_workers() if cfg.workers is None else cfg.workers
        spider.pool = AnalysisPool.acquire(workers)
        spider.profile_dir = tempfile.mkdtemp(prefix="crawler-profiles-") if workers else None
        spider.warmup = SiteWarmup(cfg.warmup_pages, cfg.max_held, profile_dir=spider.profile_dir)
        spider.crawl_id = crawler.settings.get("CRAWL_ID", "")
        spider.site_names = SiteNames.for_archive(
            crawler.settings.get("STORE_PATH") or crawler.settings.get("ARCHIVE_DIR", "archives"))
        spider.depth_limit = crawler.settings.getint("DEPTH_LIMIT", 0)
        spider.depth_priority = crawler.settings.getint("DEPTH_PRIORITY", 0)
        crawler.signals.connect(spider._on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._on_closed, signal=signals.spider_closed)
        return spider

    # --- scheduling ---------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        """The seeds; each usable seed's robots.txt follows once the seed has been read."""
        assert self.config is not None
        for seed in self.config.seeds:
            request = self._request(Discovered(seed, "seed"), priority=SOURCE_PRIORITY)
            if request is not None:
                yield request

    def _robots_request(self, url: str) -> Request | None:
        """The robots.txt of ``url``'s origin, once per origin, for its ``Sitemap:`` lines."""
        assert self.config is not None
        robots = robots_url(url)
        if not self.config.use_sitemaps or robots in self._robots_done:
            return None
        self._robots_done.add(robots)
        meta = {"page_role": "robots", "site": self.config.site_name}
        self._count_source(meta)
        return Request(robots, callback=self.parse_robots, errback=self._ignore, meta=meta,
                       priority=SOURCE_PRIORITY + 1)

    def _request(
        self, found: Discovered, priority: int | None = None, depth: int = 0, route: str = "seed"
    ) -> Request | None:
        """A request for a discovered URL, or None if seen, too deep or out of budget.

        Too-deep URLs are not marked seen: a shorter path to them may turn up later.
        """
        assert self.config is not None
        key = hashlib.blake2b(found.url.encode(), digest_size=8).digest()
        if key in self._seen:
            if not ((found.modified or found.lastmod) and key in self._skipped):
                return None
            self._skipped.discard(key)
        if self.depth_limit and depth > self.depth_limit:
            self.crawler.stats.inc_value("discovery/too_deep")
            return None
        cfg = self.config
        if cfg.max_pages and (
            self._budget_spent or self._scheduled >= cfg.max_pages * _SCHEDULE_FACTOR
        ):
            self.crawler.stats.inc_value("discovery/not_scheduled")
            return None
        self._seen.add(key)
        self._scheduled += 1
        self.crawler.stats.inc_value("discovery/scheduled")
        if priority is None:
            priority = discovery.priority_for(found.lastmod, self._now)
            if found.role in ("feed", "sitemap"):
                priority = SOURCE_PRIORITY
        meta = {"page_role": found.role, "site": cfg.site_name or self.site_names(found.url),
                "discovered_lastmod": found.lastmod, "discovered_modified": found.modified,
                "discovered_via": route}
        if found.role in ("seed", "feed", "sitemap"):
            self._count_source(meta)
        errback = self._seed_failed if found.role == "seed" else self._ignore
        return Request(found.url, callback=self.parse, errback=errback, meta=meta,
                       priority=priority)

    def incremental_skipped(self, request: Request) -> None:
        """Hook of IncrementalSpiderMiddleware: the URL was dropped as archived and not due."""
        self._skipped.add(hashlib.blake2b(request.url.encode(), digest_size=8).digest())
        # Never queued: it must not use up the scheduling cap.
        self._scheduled = max(0, self._scheduled - 1)

    def _follow(
        self, links: tuple[Discovered, ...], route: str, depth: int
    ) -> Iterator[Request]:
        """Requests for the links found by one route (``links``, ``feed``, ``sitemap``)."""
        self.crawler.stats.inc_value(f"discovery/{route}", len(links))
        if any(found.lastmod for found in links):
            # Newest first, so that a page budget is spent on the newest articles.
            links = tuple(sorted(links, key=lambda d: d.lastmod or "", reverse=True))
        for found in links:
            request = self._request(found, depth=depth, route=route)
            if request is None:
                continue
            if self._sources_pending and not found.lastmod and found.role not in (
                "feed", "sitemap"
            ):
                self._park(request, depth)
            else:
                yield request

    # --- callbacks ----------------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[Request]:
        """Schedule the sitemaps a robots.txt lists."""
        text = response.body[:512 * 1024].decode("utf-8", "replace")
        sitemaps = discovery.sitemaps_in_robots(text, response.url)
        depth = int(response.meta.get("depth", 0)) + 1
        yield from self._follow(tuple(Discovered(u, "sitemap") for u in sitemaps), "robots", depth)
        self._source_done(response.meta)

    async def parse(self, response: Response) -> AsyncIterator[Any]:
        """Analyse one response in the pool; yield follow-up requests and the page's item."""
        try:
            async for out in self._parse_page(response):
                yield out
        finally:
            self._source_done(response.meta)
            self._budget_request_done(response.meta)

    async def _parse_page(self, response: Response) -> AsyncIterator[Any]:
        """The work of ``parse``."""
        assert self.config is not None
        role = response.meta.get("page_role", "unknown")
        if role == "seed":
            self._widen_scope(response)
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1") or None
        request = self._analysis_request(response.url, ctype, _listed(response))
        try:
            result = await self.pool.run(analysis.analyze_page, response.body, request)
        except Exception:  # noqa: BLE001 - one bad page must not stop the crawl
            # The response is in the WARC already; re-extraction can retry it later.
            logger.exception("could not analyse %s", response.url)
            self.crawler.stats.inc_value("analysis/errors")
            self.crawler.stats.inc_value("errors/analysis")
            if role == "seed":  # a real page: keep it, re-extraction can retry it
                self._seed_verdict(response.request, True)
            return
        if role == "seed":
            self._check_seed(response, result.kind, ctype)
            robots = self._robots_request(response.url) if result.kind != "unknown" else None
            if robots is not None:
                yield robots
        for request in self._follow_analysis(result, role, int(response.meta.get("depth", 0)) + 1):
            yield request
        if result.kind != discovery.HTML:
            if result.kind == discovery.UNKNOWN:
                self.crawler.stats.inc_value("pages/not-html")
            return
        async for item in self._page_items(response, result, ctype):
            yield item

    def _follow_analysis(
        self, result: analysis.PageAnalysis, role: str, depth: int
    ) -> Iterator[Request]:
        """Follow what the analysis found, as far as the enabled discovery routes allow.

        A feed or sitemap reached through a plain link is read only if its route is on;
        seeds are always read.
        """
        cfg = self.config
        assert cfg is not None
        seed = role == "seed"
        if result.kind == discovery.FEED:
            if seed or cfg.use_feeds:
                yield from self._follow(result.links, "feed", depth)
        elif result.kind != discovery.HTML:
            if seed or cfg.use_sitemaps or role == "sitemap":
                yield from self._follow(result.links, "sitemap", depth)
        else:
            if cfg.use_feeds:
                feeds = tuple(d for d in result.links if d.role == "feed")
                yield from self._follow(feeds, "feed_links", depth)
            if cfg.follow_links:
                pages = tuple(d for d in result.links if d.role != "feed")
                yield from self._follow(pages, "links", depth)

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
            site_profile=None if ref else self.warmup.profile(url), http_encoding=_charset(ctype),
            listed_as_article=listed,
        )
        links = LinkOptions(allowed_domains=cfg.allowed_domains, max_links=cfg.max_links)
        return analysis.AnalysisRequest(url, ctype, links, options, profile=ref)

    async def _page_items(
        self, response: Response, result: analysis.PageAnalysis, ctype: str | None
    ) -> AsyncIterator[PageItem]:
        """The page's item now, or later together with its site's other early articles."""
        extraction = result.result
        assert extraction is not None
        self.warmup.observe(response.url, extraction.block_signatures)
        item = self._item(response, extraction)
        if extraction.is_article and not self.warmup.is_warm(response.url):
            self.warmup.hold(response.url, Held(item, response.body, ctype, _listed(response)))
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

    def flush_held(self, response: Response) -> AsyncIterator[PageItem]:
        """Callback of the internal ``data:`` request (crawl idle, or page budget done)."""
        return self._yield_all(self.warmup.take_all(), response.meta.get("close_after", False))

    async def _yield_all(self, held: list[Held], close: bool = False) -> AsyncIterator[PageItem]:
        for item in await self._release(held):
            yield item
        if close:
            self._close_now()

    # --- helpers ------------------------------------------------------------------------

    def _item(self, response: Response, extraction: Any) -> PageItem:
        """Build the PageItem of one HTML response."""
        warc = response.meta.get("warc_record")
        redirects = response.meta.get("redirect_urls") or [response.request.url]
        headers = {
            k.decode("latin-1"): b", ".join(v).decode("latin-1")
            for k, v in response.headers.items()
        }
        return PageItem(
            url=response.url,
            requested_url=redirects[0],
            site=response.meta.get("site") or self.site_names(response.url),
            status=response.status,
            fetched_at=(warc or {}).get("date") or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            crawl_id=self.crawl_id,
            extraction=extraction,
            warc=warc,
            http_headers=headers,
            depth=int(response.meta.get("depth", 0)),
            source=response.meta.get("page_role", "link"),
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

    def _check_seed(self, response: Response, kind: str, ctype: str | None) -> None:
        """Count the seed's kind; remember seeds that are neither HTML, feed nor sitemap."""
        self.crawler.stats.inc_value(f"seeds/{kind}")
        self._seed_verdict(response.request, kind != discovery.UNKNOWN)
        if kind != discovery.UNKNOWN:
            self.crawler.stats.inc_value("seeds/accepted")
        else:
            self.seed_problems.append(
                f"seed {response.url} is neither an HTML page, a feed nor a sitemap "
                f"(Content-Type {ctype or 'missing'}): give a home page, section, feed or "
                "sitemap URL"
            )

    def _seed_verdict(self, request: Request, usable: bool) -> None:
        """Tell the WARC extension whether to archive the seed's held exchanges."""
        self.crawler.signals.send_catch_log(signal=seed_checked, request=request, accepted=usable)

    def _seed_failed(self, failure: Failure) -> None:
        """Remember why a seed could not be fetched (unreachable, HTTP error, robots.txt)."""
        request = getattr(failure, "request", None)
        if request is not None:
            self._source_done(request.meta)
            self._budget_request_done(request.meta)
            self._seed_verdict(request, False)
        if request is not None and request.meta.get("page_budget_refused"):
            return  # more seeds than pages to fetch: not a problem of the seed
        url = request.url if request is not None else "?"
        response = getattr(failure.value, "response", None)
        self.crawler.stats.inc_value("seeds/failed")
        count_failure(self.crawler.stats, failure)
        if response is not None:
            problem = f"seed {url} answered HTTP {response.status}: check the URL"
        elif "robots.txt" in (failure.getErrorMessage() or ""):
            problem = f"seed {url} is disallowed by the site's robots.txt: pick another seed"
        else:
            message = (failure.getErrorMessage() or failure.type.__name__).rstrip(".")
            problem = (f"could not fetch seed {url} ({message}): check the address and that "
                       "the site is reachable")
        self.seed_problems.append(problem)

    def _ignore(self, failure: Failure) -> None:
        """Count a real failure by kind (``errors/<kind>``); a failed source is done."""
        count_failure(self.crawler.stats, failure)
        request = getattr(failure, "request", None)
        if request is not None:
            self._source_done(request.meta)
            self._budget_request_done(request.meta)

    def _on_idle(self) -> None:
        """Before closing, queue parked pages and release the pages held for warm-up."""
        if self._parked:
            # A source that never answered (dropped by a filter): do not wait for it.
            self._sources_pending = 0
            self._release_parked()
            raise DontCloseSpider
        if self.warmup.held_count:
            self.crawler.engine.crawl(
                Request(FLUSH_URL, callback=self.flush_held, dont_filter=True,
                        meta={"page_role": "internal"})
            )
            raise DontCloseSpider

    def _on_closed(self) -> None:
        held = self.warmup.held_count
        if held:
            # Interrupted before the crawl went idle: these are in the WARCs, not in the store.
            self.crawler.stats.set_value("extract/held_at_close", held)
            logger.warning("%d articles held for site warm-up were not stored; run "
                           "`crawler extract` on this crawl's WARCs to add them", held)
        self.pool.release()
        self.site_names.close()
        if self.profile_dir:
            shutil.rmtree(self.profile_dir, ignore_errors=True)


def _listed(response: Response) -> bool:
    """True if a feed or a news sitemap listed the page (evidence that it is an article)."""
    meta = response.meta
    return meta.get("page_role") == "article" and meta.get("discovered_via") in ("feed", "sitemap")


def robots_url(url: str) -> str:
    """The robots.txt URL of ``url``'s origin."""
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0]}/robots.txt"


def _charset(content_type: str | None) -> str | None:
    """The ``charset=`` parameter of a Content-Type header."""
    for param in (content_type or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None
