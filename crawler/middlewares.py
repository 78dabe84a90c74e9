"""FrontierMiddleware: the downloader side of the crawl policy (see crawler/frontier/).

As a request reaches the downloader (after RobotsTxtMiddleware, so disallowed URLs cost
nothing) it spends a page of the budget (``CRAWL_MAX_PAGES``; refused past it with a plain
IgnoreRequest) and gets the conditional headers the incremental policy chose; every response
is recorded for the incremental policy (a 304 counts as a capture; a response the WARC
extension could not archive does not, when the crawl writes WARCs), and the end of each
download frees its host's politeness slot in a shared crawl. Stats:
``discovery/budget_exhausted``, ``frontier/not_archived`` and ``incremental/*``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.extensions.warc import warc_writer_for
from crawler.frontier.requisites import REQUISITE
from crawler.scheduler import frontier_for, task_of
from crawler.spiders.failures import error_kind

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

    from crawler.frontier import Frontier


class FrontierMiddleware:
    """Spends the page budget, adds conditional headers, records fetches."""

    def __init__(self, frontier: Frontier, crawler: Crawler | None = None) -> None:
        self.frontier = frontier
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Use the crawl's frontier."""
        return cls(frontier_for(crawler), crawler)

    def process_request(self, request: Request) -> None:
        """Let the request through (with its validators) or raise IgnoreRequest past the budget."""
        task = task_of(request)
        if task is None:
            return None
        if task.role == REQUISITE and self.frontier.host_down(request.url):
            raise IgnoreRequest(f"host unreachable: {request.url}")
        if not self.frontier.spend(task):
            raise IgnoreRequest(
                f"page budget of {self.frontier.config.max_pages} spent: {request.url}"
            )
        for name, value in task.headers.items():
            request.headers.setdefault(name, value)
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        """Record the fetch and pass the response on unchanged."""
        task = task_of(request)
        if task is not None:
            self.frontier.downloaded(task)
            if task.role == REQUISITE and self.crawler is not None and self.crawler.stats:
                # Counted apart from pages in the progress display and the summary.
                self.crawler.stats.inc_value("requisites/responses")
            # Without WARC writing every response counts; with it, only what reached a WARC.
            writes_warcs = self.crawler is not None and warc_writer_for(self.crawler) is not None
            self.frontier.fetched(
                task, request.url, response.status, _header(response, b"ETag"),
                _header(response, b"Last-Modified"), request.meta.get("redirect_urls", ()),
                archived=task.warc is not None or not writes_warcs,
            )
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        """A download failed for good (or was refused): its host's slot is free again."""
        task = task_of(request)
        if task is not None:
            self.frontier.downloaded(task)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class RequisiteHostsMiddleware:
    """Unreachable requisite hosts fail fast (before RobotsTxtMiddleware, priority 95).

    Real pages name CDNs and ad hosts that may not answer. A host first reached by a
    requisite gets its robots.txt fetched with the requisite's timeout and no retry; once a
    requisite or that robots.txt fails to connect (DNS, refused, timeout) the host is marked
    down and its other requisites are dropped at once (counted as failed, ``unreachable``).
    A requisite redirected to a loopback or private address is dropped too, unless a seed is
    on such an address (crawler/frontier/requisites.py).
    """

    def __init__(self, frontier: Frontier, crawler: Crawler) -> None:
        self.frontier = frontier
        self.crawler = crawler
        self._page_hosts: set[str] = set()
        self._requisite_hosts: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Use the crawl's frontier; NotConfigured when requisites are off."""
        frontier = frontier_for(crawler)
        if not frontier.config.requisites.enabled:
            raise NotConfigured("CRAWL_REQUISITES is off")
        return cls(frontier, crawler)

    def process_request(self, request: Request) -> None:
        """Drop a requisite of a host marked down; give a requisite host's robots.txt limits."""
        task = task_of(request)
        host = urlsplit(request.url).netloc
        if task is None:
            if (request.meta.get("dont_obey_robotstxt") and request.url.endswith("/robots.txt")
                    and host in self._requisite_hosts and host not in self._page_hosts):
                request.meta.setdefault("download_timeout",
                                        self.frontier.config.requisites.timeout)
                request.meta.setdefault("max_retry_times", 0)
            return None
        if task.role != REQUISITE:
            if len(self._page_hosts) < 100_000:
                self._page_hosts.add(host)
            return None
        if self.frontier.host_down(request.url):
            raise IgnoreRequest(f"host unreachable: {request.url}")
        if not self.frontier.config.requisites.host_allowed(request.url):
            # A redirect from a public host to a private address: not ours to fetch.
            raise IgnoreRequest(f"private address: {request.url}")
        if len(self._requisite_hosts) < 100_000:
            self._requisite_hosts.add(host)
        return None

    def process_exception(self, request: Request, exception: Exception) -> None:
        """A requisite (or its host's robots.txt) could not connect: mark the host down."""
        host = urlsplit(request.url).netloc
        task = task_of(request)
        requisite = task is not None and task.role == REQUISITE
        robots = task is None and host in self._requisite_hosts and host not in self._page_hosts
        if (requisite or robots) and error_kind(exception) in ("dns", "connection", "timeout"):
            self.frontier.mark_host_down(request.url)
        return None
