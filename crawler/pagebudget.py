"""Downloader middleware that spends the page budget (``CRAWL_MAX_PAGES``, ``--max-pages``).

Stats: ``discovery/budget_exhausted`` (requests refused once the budget was spent).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest, NotConfigured

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request


class PageBudgetMiddleware:
    """Spends the page budget as requests reach the downloader, so priority decides its use.

    Placed after RobotsTxtMiddleware and IncrementalMiddleware: disallowed and skipped URLs
    cost nothing. robots.txt (role ``robots`` or Scrapy's own, without a role) and internal
    requests are free. Retries and redirects copy the meta, so the mark counts them once.
    A refused request is a plain IgnoreRequest (not an error) with meta ``page_budget_refused``.
    """

    FREE_ROLES = frozenset({"robots", "internal"})

    def __init__(self, crawler: Crawler, limit: int) -> None:
        self.crawler = crawler
        self.limit = limit
        self.spent = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageBudgetMiddleware:
        """The spider's ``max_pages`` (spider argument or setting); NotConfigured if none."""
        config = getattr(getattr(crawler, "spider", None), "config", None)
        limit = getattr(config, "max_pages", None)
        if limit is None:
            limit = crawler.settings.getint("CRAWL_MAX_PAGES", 0)
        if limit <= 0:
            raise NotConfigured("no page budget")
        return cls(crawler, limit)

    def process_request(self, request: Request) -> None:
        """Count the request against the budget, or raise IgnoreRequest past it."""
        role = request.meta.get("page_role")
        if role is None or role in self.FREE_ROLES or request.meta.get("page_budget_counted"):
            return None
        if self.spent >= self.limit:
            self.crawler.stats.inc_value("discovery/budget_exhausted")
            request.meta["page_budget_refused"] = True
            raise IgnoreRequest(f"page budget of {self.limit} spent: {request.url}")
        self.spent += 1
        request.meta["page_budget_counted"] = True
        if self.spent >= self.limit:
            # Tell the spider to stop scheduling and to end once nothing is in flight.
            hook = getattr(self.crawler.spider, "page_budget_spent", None)
            if hook is not None:
                hook()
        return None
