"""Download handler that captures every HTTP exchange's wire bytes and announces them by signal.

It is Scrapy's HTTP/1.1 handler with a tapped connection protocol (crawler.shell.wire): the
spider still gets Scrapy's normal decoded Response, while
``crawler.shell.signals.exchange_captured`` carries the exact bytes sent and received, for
successful and failed downloads alike.

Scrapy has no public API for the bytes on the wire, so this module extends its HTTP/1.1
handler through private names, laid out as in Scrapy 2.18 (the version floor):
``_ScrapyAgent``, ``_LenientHTTP11ClientProtocol``/``Factory`` and
``scrapy.utils._download_handlers.wrap_twisted_exceptions`` (so failures reach the engine as
the same Scrapy exceptions). Nothing else in the project uses private Scrapy names.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urldefrag

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _LenientHTTP11ClientFactory,
    _LenientHTTP11ClientProtocol,
    _ScrapyAgent,
)
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
)
from scrapy.http import Response
from scrapy.utils._download_handlers import wrap_twisted_exceptions
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.archive.exchange import WireExchange
from crawler.shell.signals import exchange_captured
from crawler.shell.wire import CaptureSlot, SlotAgent, WireTapMixin

logger = logging.getLogger(__name__)


class _TappedProtocol(WireTapMixin, _LenientHTTP11ClientProtocol):
    """Scrapy's lenient HTTP/1.1 client protocol with the wire tap in front."""


class _TappedFactory(_LenientHTTP11ClientFactory):
    """Builds tapped protocols for the connection pool."""

    def buildProtocol(self, addr: Any) -> _TappedProtocol:  # noqa: N802 - Twisted API
        """Build one tapped protocol."""
        # Twisted's HTTP11ClientProtocol.__init__ has no annotations.
        return _TappedProtocol(self._quiescentCallback)  # type: ignore[no-untyped-call]


class _TappedAgent(_ScrapyAgent):
    """Scrapy's agent whose Twisted agent hands the started exchange to ``self.slot``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.slot = CaptureSlot()

    def _get_agent(self, request: Request, timeout: float) -> Any:
        return SlotAgent(super()._get_agent(request, timeout), self.slot)


def truncation_reason(
    exchange: WireExchange, response: Response | None, error: BaseException | None, maxsize: int
) -> str | None:
    """Why the response body was cut (a WARC-Truncated value), or None if it was not."""
    if error is None:
        flags = (response.flags if response is not None else None) or []
        if "dataloss" in flags:
            return "disconnect"
        if "download_stopped" in flags and not exchange.response_complete:
            return "unspecified"
        return None
    if exchange.response_complete:
        return None
    if isinstance(error, DownloadTimeoutError):
        return "time"
    if isinstance(error, DownloadCancelledError):
        return "length" if maxsize else "unspecified"
    if isinstance(error, ResponseDataLossError | DownloadFailedError):
        return "disconnect"
    return "unspecified"


class WireCaptureDownloadHandler(HTTP11DownloadHandler):
    """HTTP/1.1 download handler that taps the wire and sends ``exchange_captured``."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._pool._factory = _TappedFactory

    def _make_agent(self) -> _TappedAgent:
        spider = self._crawler.spider
        return _TappedAgent(
            contextFactory=self._contextFactory,
            bindAddress=self._bind_address,
            pool=self._pool,
            maxsize=getattr(spider, "download_maxsize", self._default_maxsize),
            warnsize=getattr(spider, "download_warnsize", self._default_warnsize),
            fail_on_dataloss=self._fail_on_dataloss,
            crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging,
        )

    async def download_request(self, request: Request) -> Response:
        """Download like Scrapy's HTTP/1.1 handler, then announce the captured exchange."""
        agent = self._make_agent()
        try:
            with wrap_twisted_exceptions():
                response = await maybe_deferred_to_future(agent.download_request(request))
        except Exception as exc:
            self._announce(request, agent, None, exc)
            if isinstance(exc, ResponseDataLossError) and not self._fail_on_dataloss_warned:
                logger.warning("Got data loss in %s; to process broken responses set "
                               "DOWNLOAD_FAIL_ON_DATALOSS = False (said once per crawl)",
                               request.url)
                self._fail_on_dataloss_warned = True
            raise
        self._announce(request, agent, response, None)
        return response

    def _announce(
        self,
        request: Request,
        agent: _TappedAgent,
        response: Response | None,
        error: BaseException | None,
    ) -> None:
        stats = self._crawler.stats
        exchange = agent.slot.exchange
        if exchange is None:
            # Failed before a connection carried the request (DNS, refused, connect timeout).
            if stats is not None:
                stats.inc_value("warc/exchanges_not_sent")
            return
        exchange.close()
        exchange.url = urldefrag(request.url)[0]
        if error is not None:
            exchange.error = f"{type(error).__name__}: {error}"
        maxsize = request.meta.get("download_maxsize", agent._maxsize)
        exchange.truncated = truncation_reason(exchange, response, error, maxsize)
        try:
            self._crawler.signals.send_catch_log(
                signal=exchange_captured, exchange=exchange, request=request, response=response,
                spider=self._crawler.spider,
            )
        finally:
            exchange.release()
