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

from scrapy.exceptions import IgnoreRequest

from crawler.extensions.warc import warc_writer_for
from crawler.scheduler import frontier_for, task_of

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
