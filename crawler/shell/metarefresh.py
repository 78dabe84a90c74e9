"""Meta refresh redirects, looked for in a page's first kilobytes without decoding the rest."""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Request, Response

from crawler.shell.redirects import LoopGuard

#: Scrapy reads the tag in the first 4,096 characters; 4 bytes a character at the most.
HEAD_BYTES = 16_384


class HeadMetaRefreshMiddleware(LoopGuard, MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware, shown only the start of each page (loops given up).

    Scrapy decodes the whole body (``response.text``) to read its first 4,096 characters, and
    the decoded copy then lives as long as the response: for a 300 kB news page, a millisecond
    of the reactor thread and a megabyte or more of memory per response in flight, on every
    page. The same question is answered by a copy of the response cut to ``HEAD_BYTES``.
    """

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        """Redirect as Scrapy would, deciding on the page's first ``HEAD_BYTES`` bytes."""
        if not isinstance(response, HtmlResponse) or len(response.body) <= HEAD_BYTES:
            return super().process_response(request, response)
        # Not response.replace(): it reads response.encoding, which decodes the whole body.
        head = HtmlResponse(
            response.url, status=response.status, headers=response.headers,
            body=response.body[:HEAD_BYTES], request=response.request,
        )
        result = super().process_response(request, head)
        return response if result is head else result
