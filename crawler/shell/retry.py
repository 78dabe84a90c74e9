"""Retries that bound what a silent or dripping server costs (settings ``RETRY_TIMEOUT_TIMES``).

Scrapy retries a timed-out download ``RETRY_TIMES`` times, each up to ``DOWNLOAD_TIMEOUT``
(which caps a response's whole duration, connect to last byte): a server that accepts and
then says nothing, or drips a byte a second, held a URL for 3 x 60 s. A server that timed out
once is likely to time out again, so timeouts get their own, smaller retry budget; other
failures keep ``RETRY_TIMES``. Worst case per URL: ``(1 + RETRY_TIMEOUT_TIMES) x
DOWNLOAD_TIMEOUT`` (2 x 30 s by default).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import DownloadTimeoutError

if TYPE_CHECKING:
    from scrapy.http import Request


class TimeoutRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, with at most ``RETRY_TIMEOUT_TIMES`` retries of a timeout."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.timeout_retry_times = settings.getint("RETRY_TIMEOUT_TIMES", 1)

    def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> Any:
        """Cap the retries of a timed-out request, then retry as Scrapy does."""
        if isinstance(exception, DownloadTimeoutError | TimeoutError):
            limit = request.meta.get("max_retry_times", self.max_retry_times)
            request.meta["max_retry_times"] = min(limit, self.timeout_retry_times)
        return super().process_exception(request, exception)
