"""Redirects that go round in a loop are given up, and counted, not silently dropped.

A loop (``A -> B -> A``, or ``A -> A``) used to end in one of two silent ways: the second
visit of ``A`` was dropped as a URL seen before, or Scrapy gave up after ``REDIRECT_MAX_TIMES``
hops with a plain IgnoreRequest; either way the URL was counted nowhere. Both now raise
:class:`RedirectLoop`, which the spider counts: a seed that loops is a seed problem, a found
URL that loops is shown in the summary (``pages/redirect_loop``), like a broken link.
"""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request


class RedirectLoop(IgnoreRequest):
    """A redirect chain came back to a URL it had passed, or went on for too many hops."""


class LoopGuard:
    """Mixin for Scrapy's redirect middlewares: a loop raises :class:`RedirectLoop`."""

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        chain = [*request.meta.get("redirect_urls", ()), request.url]
        if redirected.url in chain:
            raise RedirectLoop(f"redirect loop: {' -> '.join([*chain, redirected.url])}")
        try:
            result: Request = super()._redirect(redirected, request, reason)  # type: ignore[misc]
        except RedirectLoop:
            raise
        except IgnoreRequest as exc:  # Scrapy's "max redirections reached"
            raise RedirectLoop(f"too many redirects ({exc}) from {chain[0]}") from exc
        return result


class LoopGuardRedirectMiddleware(LoopGuard, RedirectMiddleware):
    """Scrapy's RedirectMiddleware (HTTP 3xx) with loops given up and counted."""
