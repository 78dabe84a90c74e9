"""The news spider's page requisites: their Requests, their stylesheets read, their outcomes.

The policy (which, how many, which hosts, reuse) is the frontier's
(crawler/frontier/requisites.py); this module turns a requisite task into a Request with
its own limits (``CRAWL_REQUISITE_MAX_SIZE`` as ``download_maxsize``,
``CRAWL_REQUISITE_TIMEOUT`` as ``download_timeout``, one retry), reads a fetched stylesheet
for its ``@import``, fonts and images (in the analysis pool), and counts what happened.
A failed requisite is never an error of the crawl: it is counted apart.

Stats: ``requisites/fetched``, ``requisites/fetched/<kind>``, ``requisites/bytes`` (decoded
bodies), ``requisites/not_modified`` (a 304 to a conditional request: reused),
``requisites/unchanged_pages`` (pages answered 304 whose requisites were read from their
archived capture; ``requisites/unchanged_unread`` when the archive held no readable one),
``requisites/robots_blocked``, ``requisites/failed``, ``requisites/failed/<kind>``,
``requisites/over_limit`` (and ``.../size``, ``.../crawl_bytes``), plus the frontier's
``requisites/queued``, ``requisites/reused``, ``requisites/private_host``, and
``requisites/responses`` and ``requisites/archived_bytes`` counted as they are downloaded
and archived.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError

from crawler import analysis
from crawler.common.headers import charset_of
from crawler.discovery import RequisiteOptions
from crawler.frontier import TASK_META_KEY, CrawlTask
from crawler.frontier.requisites import MAX_NESTING, REQUISITE
from crawler.frontier.unchanged import archived_page, archived_requisites
from crawler.shell.scheduler import task_of
from crawler.shell.spiders.failures import count_failure, error_kind

if TYPE_CHECKING:
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

#: What a browser accepts for each kind (some servers pick a format by it).
ACCEPT = {
    "stylesheet": "text/css,*/*;q=0.1",
    "image": "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8",
    "font": "*/*",
    "script": "*/*",
    "media": "*/*",
}


class RequisiteFetcher:
    """Builds, reads and counts the requisite requests of one spider."""

    def __init__(self, spider: Any) -> None:
        self.spider = spider
        self.config = spider.frontier.config.requisites
        self.options: RequisiteOptions | None = (
            RequisiteOptions(self.config.kinds, self.config.per_page)
            if self.config.enabled else None
        )

    @property
    def stats(self) -> Any:
        """The crawl's stats collector."""
        return self.spider.crawler.stats

    def request_for(self, task: CrawlTask) -> Request:
        """The Request of a requisite task: its own size and time limits, one retry."""
        return Request(
            task.url, callback=self.parse, errback=self.failed, priority=task.priority,
            headers={"Accept": ACCEPT.get(task.via, "*/*")},
            meta={TASK_META_KEY: task, "depth": 0, "download_maxsize": self.config.max_size,
                  "download_timeout": self.config.timeout, "max_retry_times": 1},
        )

    async def parse(self, response: Response) -> None:
        """Count a fetched requisite; read a stylesheet for what it needs in turn."""
        task = _task(response)
        try:
            size = len(response.body)
            self.stats.inc_value("requisites/fetched")
            self.stats.inc_value(f"requisites/fetched/{task.via or 'other'}")
            self.stats.inc_value("requisites/bytes", size)
            self.spider.frontier.requisite_fetched(size)
            if self._is_stylesheet(response, task):
                await self._read_stylesheet(response, task)
        finally:
            self.spider.frontier.release(task)

    def _is_stylesheet(self, response: Response, task: CrawlTask) -> bool:
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        wanted = self.options is not None and task.depth < MAX_NESTING
        return wanted and ("css" in ctype or (not ctype and task.via == "stylesheet"))

    async def _read_stylesheet(self, response: Response, task: CrawlTask) -> None:
        assert self.options is not None
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        charset = charset_of(ctype)
        try:
            found = await self.spider.pool.run(analysis.analyze_stylesheet, response.body,
                                               response.url, charset, self.options)
        except Exception:  # noqa: BLE001 - a bad stylesheet must not stop the crawl
            logger.exception("could not read the stylesheet %s", response.url)
            self.stats.inc_value("requisites/css_errors")
            return
        self.stats.inc_value("requisites/stylesheets_read")
        self.spider.frontier.add_requisites(found, task)

    def wants_unchanged(self, failure: Failure) -> bool:
        """True if ``failure`` is a page's 304 whose archived requisites should be checked."""
        error = failure.value
        request = getattr(failure, "request", None)
        task = task_of(request) if request is not None else None
        return (self.options is not None and task is not None and task.role != REQUISITE
                and isinstance(error, HttpError) and error.response.status == 304)

    async def unchanged_page(self, failure: Failure) -> None:
        """A page answered 304: admit the requisites of its archived capture (see
        crawler/frontier/unchanged.py); the page's task ends when they are admitted."""
        task = task_of(failure.request)  # type: ignore[attr-defined]
        assert task is not None and self.options is not None
        frontier = self.spider.frontier
        try:
            store = frontier.incremental.store if frontier.incremental is not None else None
            page = archived_page(store, failure.request.url)  # type: ignore[attr-defined]
            found = None
            if page is not None:
                try:
                    found = await self.spider.pool.run(archived_requisites, page, self.options)
                except Exception as exc:  # noqa: BLE001 - a missing WARC must not stop the crawl
                    logger.warning("could not read the archived capture of %s: %s", page.url, exc)
            if found is None:
                self.stats.inc_value("requisites/unchanged_unread")
            else:
                self.stats.inc_value("requisites/unchanged_pages")
                frontier.add_requisites(found, task)
        finally:
            count_failure(self.stats, failure)
            frontier.release(task)

    def failed(self, failure: Failure) -> None:
        """Count a requisite that was not fetched: by robots.txt, a limit, or a failure."""
        request = getattr(failure, "request", None)
        task = task_of(request) if request is not None else None
        try:
            self.stats.inc_value(f"requisites/{requisite_outcome(failure)}")
            kind = requisite_failure_kind(failure)
            if kind:
                self.stats.inc_value(f"requisites/failed/{kind}")
            elif isinstance(failure.value, DownloadCancelledError):
                self.stats.inc_value("requisites/over_limit/size")
        finally:
            if task is not None:
                self.spider.frontier.release(task)


def requisite_outcome(failure: Any) -> str:
    """``not_modified``, ``robots_blocked``, ``over_limit``, ``private_host``, ``failed``..."""
    error = failure.value
    if isinstance(error, HttpError):  # an IgnoreRequest too: first
        return "not_modified" if error.response.status == 304 else "failed"
    if isinstance(error, IgnoreRequest) and "robots.txt" in str(error).lower():
        return "robots_blocked"
    if isinstance(error, DownloadCancelledError):
        return "over_limit"
    if isinstance(error, IgnoreRequest) and str(error).startswith("host unreachable"):
        return "failed"
    if isinstance(error, IgnoreRequest) and str(error).startswith("private address"):
        return "private_host"
    if isinstance(error, IgnoreRequest):
        return "dropped"
    return "failed"


def requisite_failure_kind(failure: Any) -> str | None:
    """The error kind (``http-404``, ``dns``, ``timeout``...) of a failed requisite, else None."""
    if requisite_outcome(failure) != "failed":
        return None
    error = failure.value
    if isinstance(error, HttpError):
        return f"http-{error.response.status}"
    if isinstance(error, IgnoreRequest):
        return "unreachable"
    return error_kind(error)


def _task(response: Response) -> CrawlTask:
    found = task_of(response.request) if response.request is not None else None
    return found or CrawlTask(response.url, role=REQUISITE)
