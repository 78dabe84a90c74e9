"""The news spider's side of the page budget (``--max-pages``): park, release and close.

The budget itself is spent by :class:`crawler.pagebudget.PageBudgetMiddleware` as requests
reach the downloader; this mixin keeps undated pages back while sources that may name dated
articles are unread, and closes the crawl once the budget's pages are handled.
"""

from __future__ import annotations

from typing import Any

from scrapy.http import Request
from scrapy.utils.defer import deferred_from_coro

FLUSH_URL = "data:,flush-held-pages"
#: Feeds and sitemaps go first: they name the newest articles and their dates.
SOURCE_PRIORITY = 5000


class PageBudgetMixin:
    """Budget bookkeeping of :class:`crawler.spiders.news.NewsSpider` (state set in its init)."""

    config: Any
    crawler: Any
    warmup: Any
    depth_priority: int
    _sources_pending: int
    _parked: list[Request]
    _budget_spent: bool
    _budget_done: int
    _closing: bool

    def page_budget_spent(self) -> None:
        """Hook of PageBudgetMiddleware: schedule nothing more (what is queued is refused)."""
        self._budget_spent = True
        self._end_if_budget_done()


    def _count_source(self, meta: dict[str, Any]) -> None:
        """Remember a request that may name dated articles (only with a page budget)."""
        assert self.config is not None
        if self.config.max_pages:
            meta["budget_source"] = True
            self._sources_pending += 1

    def _source_done(self, meta: dict[str, Any]) -> None:
        """A source was read or failed: once none is left, queue the parked pages."""
        if not meta.pop("budget_source", False):
            return
        self._sources_pending = max(0, self._sources_pending - 1)
        if not self._sources_pending:
            self._release_parked()

    def _budget_request_done(self, meta: dict[str, Any]) -> None:
        """A budgeted request is through its callback or errback: maybe end the crawl."""
        if meta.get("page_budget_counted") and not meta.get("page_budget_done"):
            meta["page_budget_done"] = True
            self._budget_done += 1
            self._end_if_budget_done()

    def _end_if_budget_done(self) -> None:
        """Close once the budget is spent and its pages are handled.

        Without this the engine would pop and refuse every queued request first (~2 ms
        each, up to 3 per page of budget). Held warm-up pages are flushed before closing.
        """
        assert self.config is not None
        if self._closing or not self._budget_spent or self._budget_done < self.config.max_pages:
            return
        self._closing = True
        if self.warmup.held_count:
            # Ahead of everything still queued.
            self.crawler.engine.crawl(
                Request(FLUSH_URL, callback=self.flush_held, dont_filter=True,
                        meta={"page_role": "internal", "close_after": True},
                        priority=SOURCE_PRIORITY * 2))
        else:
            self._close_now()

    def _close_now(self) -> None:
        """Close the spider; what is in progress (items in the pipeline) still finishes."""
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="finished"))

    def _park(self, request: Request, depth: int) -> None:
        """Hold an undated page until the pending sources are read."""
        # Queued later through the engine, past DepthMiddleware: set what it would set.
        request.meta["depth"] = depth
        request.priority -= depth * self.depth_priority
        self._parked.append(request)

    def _release_parked(self) -> None:
        """Queue the parked pages (or drop them if the budget is spent meanwhile)."""
        parked, self._parked = self._parked, []
        if self._budget_spent:
            self.crawler.stats.inc_value("discovery/not_scheduled", len(parked))
            return
        for request in parked:
            self.crawler.engine.crawl(request)
