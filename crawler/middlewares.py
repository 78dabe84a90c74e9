"""Incremental crawling at the Scrapy edge: skip what is archived and not due, revisit politely.

``IncrementalSpiderMiddleware`` drops requests for archived, not-due articles as the spider
yields them, before the dupefilter sees them, so a later request for the same URL carrying
a newer sitemap ``lastmod`` still gets through. ``IncrementalMiddleware`` (downloader) adds
``If-None-Match`` / ``If-Modified-Since`` to revisits and records every fetch, 304s included.
Both share one :class:`IncrementalState` per crawl. Settings (prefix ``INCREMENTAL_``, see
docs/schedule.md): ``ENABLED``, ``FULL``, ``REVISIT_AFTER``, ``ROLES``, ``CONDITIONAL``,
``FORGET_AFTER``, ``REVISIT_UNLINKED``, ``MAX_REVISITS``. Stats go under ``incremental/``.
"""

from __future__ import annotations

import hashlib
import logging
import weakref
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request

from crawler.exceptions import UserError
from crawler.incremental import (
    ALWAYS_FETCHED_ROLES,
    DEFAULT_REVISIT_AFTER,
    Decision,
    KnownCapture,
    RevisitPolicy,
    conditional_headers,
    parse_timestamp,
)
from crawler.incremental.fetchlog import Fetch, FetchLog
from crawler.schedule.timing import parse_duration
from crawler.store.sitenames import SiteNames

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

#: Statuses that count as a capture of the page (a 304 confirms the one we hold).
CAPTURED_STATUSES = frozenset({200, 203, 304})
DEFAULT_ROLES = ("article", "unknown")
_DECISIONS = frozenset(d.value for d in Decision)


def _open_store(archive_dir: str) -> Any:
    """The article store of the archive (None if there is none yet, or it cannot be opened)."""
    from crawler.exceptions import StoreNotFound

    try:
        from crawler.store import open_store

        return open_store(archive_dir)
    except StoreNotFound:
        return None  # a new archive: nothing to compare with yet
    except Exception as exc:  # the fetch log alone still makes crawls incremental
        logger.warning("incremental: article store unavailable (%s); using the fetch log", exc)
        return None


def known_capture(state: Any, fetch: Fetch | None) -> KnownCapture | None:
    """Merge the store's capture state and the fetch log's row into one KnownCapture."""
    if state is None and fetch is None:
        return None
    store_last = parse_timestamp(getattr(state, "last_fetched", None))
    log_last = fetch.fetched_at if fetch else None
    last = max((t for t in (store_last, log_last) if t is not None), default=None)
    # Validators of the most recent fetch win: the page may have changed in between.
    newer_is_log = fetch is not None and (store_last is None or log_last >= store_last)
    source = fetch if newer_is_log else state
    etag, last_modified = getattr(source, "etag", None), getattr(source, "last_modified", None)
    # The modification date we knew at the last fetch: sitemap/feed date, Last-Modified,
    # or the page's own dateModified (whichever is latest).
    dates = (
        fetch.lastmod if fetch else None,
        parse_timestamp(last_modified),
        parse_timestamp(getattr(state, "modified", None)),
    )
    return KnownCapture(
        last_fetch=last,
        first_fetch=fetch.first_fetched if fetch else None,
        published=parse_timestamp(getattr(state, "published", None)),
        etag=etag,
        last_modified=last_modified,
        modified=max((d for d in dates if d is not None), default=None),
    )


def _discovered_date(request: Request) -> datetime | None:
    """The sitemap lastmod / feed updated date the spider found for the URL, if any."""
    meta = request.meta
    return parse_timestamp(meta.get("discovered_modified") or meta.get("discovered_lastmod"))


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class IncrementalState:
    """Per-crawl state shared by both middlewares: policy, fetch log, store, settings."""

    _by_crawler: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def __init__(  # noqa: PLR0913 - plain values, read from settings by for_crawler
        self,
        stats: Any,
        archive_dir: str,
        policy: RevisitPolicy,
        full: bool = False,
        roles: Iterable[str] = DEFAULT_ROLES,
        conditional: bool = True,
    ) -> None:
        self.stats = stats
        self.policy = policy
        self.full = full
        self.roles = frozenset(roles) - ALWAYS_FETCHED_ROLES
        self.conditional = conditional
        #: The crawl, whose ``warc_writer`` (if any) makes only archived fetches count.
        self.crawler: Any = None
        self.forget_after = None
        self.max_revisits = 1000
        self._skipped: set[bytes] = set()  # digests, for a count of distinct skipped URLs
        self._fetched: set[bytes] = set()  # digests of the URLs captured in this crawl
        self._unclassified: set[str] = set()  # never-archived pages fetched with role unknown
        self.fetchlog = FetchLog(archive_dir)
        self.store = _open_store(archive_dir)

    @classmethod
    def for_crawler(cls, crawler: Crawler) -> IncrementalState:
        """The crawl's state, built from ``INCREMENTAL_*`` settings on first use."""
        if crawler in cls._by_crawler:
            return cls._by_crawler[crawler]
        settings = crawler.settings
        if not settings.getbool("INCREMENTAL_ENABLED", True):
            raise NotConfigured("INCREMENTAL_ENABLED is off")
        try:
            policy = RevisitPolicy.from_text(
                settings.get("INCREMENTAL_REVISIT_AFTER", DEFAULT_REVISIT_AFTER)
            )
            forget = parse_duration(settings.get("INCREMENTAL_FORGET_AFTER", "90d"))
        except ValueError as exc:
            raise UserError(
                f"bad INCREMENTAL_REVISIT_AFTER or INCREMENTAL_FORGET_AFTER setting: {exc}"
            ) from None
        state = cls(
            crawler.stats,
            settings.get("STORE_PATH") or settings.get("ARCHIVE_DIR", "archives"),
            policy,
            full=settings.getbool("INCREMENTAL_FULL", False),
            roles=settings.getlist("INCREMENTAL_ROLES", list(DEFAULT_ROLES)),
            conditional=settings.getbool("INCREMENTAL_CONDITIONAL", True),
        )
        state.forget_after = forget
        state.crawler = crawler
        if settings.getbool("INCREMENTAL_REVISIT_UNLINKED", True):
            state.max_revisits = settings.getint("INCREMENTAL_MAX_REVISITS", 1000)
        else:
            state.max_revisits = 0
        crawler.signals.connect(state.close, signal=signals.spider_closed)
        crawler.signals.connect(state.item_scraped, signal=signals.item_scraped)
        cls._by_crawler[crawler] = state
        return state

    def decide(self, request: Request) -> Decision | None:
        """The decision for a request (once per request), or None if the policy skips it."""
        if "incremental" in request.meta:  # decided on the spider side already
            value = request.meta["incremental"]
            return Decision(value) if value in _DECISIONS else None
        if request.meta.get("page_role") not in self.roles:
            return None
        if self.full:
            return self._unpoliced(request, "forced")
        state = self.store.capture_state(request.url) if self.store is not None else None
        if state is not None and not state.versions and state.status == 200:
            # Held as a list or other page, not an article: it is how new articles are found.
            return self._unpoliced(request, "not_article")
        if state is None and request.meta.get("page_role") != "article":
            # Never stored as an article (a feed or sitemap reached by a link, say): fetch it.
            # Never fetched either: it counts as new if it is captured now.
            request.meta["incremental_first"] = self.fetchlog.get(request.url) is None
            return self._unpoliced(request, "not_article")
        known = known_capture(state, self.fetchlog.get(request.url))
        decision = self.policy.decide(known, datetime.now(UTC), _discovered_date(request))
        self.stats.inc_value(f"incremental/{decision.value}")
        request.meta["incremental"] = decision.value
        if decision is Decision.SKIP:
            self._count_skipped(request.url)
        if decision is not Decision.NEW and decision.fetch and self.conditional:
            self._make_conditional(request, known)
        return decision

    def due_revisits(self, site: str) -> Iterator[Request]:
        """Requests for the site's archived articles due for a revisit, linked or not.

        Articles drop off home and section pages within hours; their later revisits (1 day,
        1 week) must not depend on a link. Only articles first captured within the revisit
        schedule (plus a day) are looked at, so the query stays small on big archives.
        """
        if self.store is None or not site or self.full or self.max_revisits <= 0:
            return
        now = datetime.now(UTC)
        horizon = now - self.policy.revisit_after[-1] - timedelta(days=1)
        count = 0
        for article in self.store.iter_articles(site=site, since=horizon.isoformat()):
            state = self.store.capture_state(article.url)
            known = known_capture(state, self.fetchlog.get(article.url))
            if known is None or self.policy.due_at(known, now) is None:
                continue
            request = Request(article.url, meta={"page_role": "article", "site": site})
            self.decide(request)
            self.stats.inc_value("incremental/revisit_scheduled")
            yield request
            count += 1
            if count >= self.max_revisits:
                break

    @staticmethod
    def _digest(url: str) -> bytes:
        """A short key for a URL in the per-crawl sets."""
        return hashlib.blake2b(url.encode(), digest_size=8).digest()

    def _count_skipped(self, url: str) -> None:
        key = self._digest(url)
        if key not in self._skipped and key not in self._fetched:
            self._skipped.add(key)
            self.stats.inc_value("incremental/skipped_urls")

    def _uncount_skipped(self, url: str) -> None:
        """A URL fetched after all (a later request said it changed) is not a skipped one."""
        key = self._digest(url)
        self._fetched.add(key)
        if key in self._skipped:
            self._skipped.discard(key)
            self.stats.inc_value("incremental/skipped_urls", -1)

    def _unpoliced(self, request: Request, reason: str) -> None:
        self.stats.inc_value(f"incremental/{reason}")
        request.meta["incremental"] = reason

    def _make_conditional(self, request: Request, known: KnownCapture) -> None:
        added = False
        for name, value in conditional_headers(known).items():
            if name not in request.headers:
                request.headers[name] = value
                added = True
        if added:
            self.stats.inc_value("incremental/conditional")

    def record(self, request: Request, response: Response) -> None:
        """Remember a fetch of a page under the policy (a 304 counts as a capture)."""
        if request.meta.get("page_role") not in self.roles:
            return
        if response.status not in CAPTURED_STATUSES:
            return
        if "warc_record" not in request.meta and getattr(self.crawler, "warc_writer", None):
            return  # not archived (the WARC could not be written): not a capture
        if response.status == 304:
            self.stats.inc_value("incremental/not_modified")
        self._count_fetched(request)
        # The URLs that redirected here count as fetched too, or they would look new forever.
        urls = dict.fromkeys([*request.meta.get("redirect_urls", ()), request.url])
        now, lastmod = datetime.now(UTC), _discovered_date(request)
        site = request.meta.get("site")
        for url in urls:
            self._uncount_skipped(url)
            final = url == request.url  # validators belong to the final URL only
            self.fetchlog.record(Fetch(
                url=url, fetched_at=now, status=response.status, site=site, lastmod=lastmod,
                etag=_header(response, b"ETag") if final else None,
                last_modified=_header(response, b"Last-Modified") if final else None,
            ))

    def _count_fetched(self, request: Request) -> None:
        """Count a capture made now by the URL's state before this crawl (stats fetched/*)."""
        decision = request.meta.get("incremental")
        if decision in ("changed", "revisit", "forced"):
            self.stats.inc_value(f"incremental/fetched/{decision}")
        elif decision == "new":
            self.stats.inc_value("incremental/fetched/new")
        elif request.meta.get("incremental_first"):
            self._unclassified.add(request.url)  # new if it is stored as an article

    def item_scraped(self, item: Any, **kwargs: Any) -> None:
        """Count a never-archived page of unknown role once it is stored as an article."""
        url = getattr(item, "url", None)
        extraction = getattr(item, "extraction", None)
        if url in self._unclassified and getattr(extraction, "is_article", False):
            self._unclassified.discard(url)
            self.stats.inc_value("incremental/fetched/new")

    def close(self) -> None:
        """Write the fetch log, forget very old rows, close the store."""
        if self.forget_after is not None:
            self.fetchlog.prune(datetime.now(UTC) - self.forget_after)
        self.fetchlog.close()
        if self.store is not None:
            self.store.close()
            self.store = None


class IncrementalSpiderMiddleware:
    """Drops requests for archived, not-due articles before they are scheduled."""

    def __init__(self, state: IncrementalState, crawler: Crawler | None = None) -> None:
        self.state = state
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalSpiderMiddleware:
        """Share the crawl's IncrementalState; NotConfigured when switched off."""
        return cls(IncrementalState.for_crawler(crawler), crawler)

    def _keep(self, item: Any) -> bool:
        if not isinstance(item, Request):
            return True
        if self.state.decide(item) is not Decision.SKIP:
            return True
        self.state.stats.inc_value("incremental/dropped")
        # A spider that deduplicates URLs itself may let a later request for this URL
        # through when it carries a sitemap lastmod or feed date (see NewsSpider).
        hook = getattr(getattr(self.crawler, "spider", None), "incremental_skipped", None)
        if hook is not None:
            hook(item)
        return False

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Filter the start requests, then add the archived articles due for a revisit."""
        async for item in start:
            if self._keep(item):
                yield item
        for site in self._sites():
            for request in self.state.due_revisits(site):
                yield request

    def _sites(self) -> list[str]:
        """The store's site names of this crawl: the site's name, else the seeds' sites."""
        if self.crawler is None:
            return []
        settings = self.crawler.settings
        if settings.get("CRAWL_SITE_NAME"):
            return [settings.get("CRAWL_SITE_NAME")]
        names = SiteNames(self.state.store)
        return list(dict.fromkeys(n for n in map(names, settings.getlist("CRAWL_SEEDS")) if n))

    def process_spider_output(
        self, response: Response, result: Iterable[Any]
    ) -> Iterator[Any]:
        """Filter what a callback yields (synchronous callbacks)."""
        for item in result:
            if self._keep(item):
                yield item

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        """Filter what a callback yields (asynchronous callbacks)."""
        async for item in result:
            if self._keep(item):
                yield item


class IncrementalMiddleware:
    """Makes revisits conditional, records fetches, and skips what the spider side let by."""

    def __init__(self, state: IncrementalState) -> None:
        self.state = state

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        """Share the crawl's IncrementalState; NotConfigured when switched off."""
        return cls(IncrementalState.for_crawler(crawler))

    def process_request(self, request: Request) -> None:
        """Let the request through (validators added to revisits) or raise IgnoreRequest."""
        if self.state.decide(request) is Decision.SKIP:
            raise IgnoreRequest(f"incremental: {request.url} is archived and not due")
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        """Record the fetch and pass the response on unchanged."""
        self.state.record(request, response)
        return response
