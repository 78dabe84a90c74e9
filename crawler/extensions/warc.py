"""WarcWriterExtension: writes every captured HTTP exchange into WARC files (settings ``WARC_*``).

Listens to ``crawler.signals.exchange_captured`` (sent by crawler.handlers for every exchange),
writes request/response (or revisit) records with crawler.archive.WarcWriter, notes where in
the request's :class:`crawler.frontier.CrawlTask` (``task.warc``) before the response reaches
the spider, and shares the writer through :func:`warc_writer_for`. Responses that did not
come through the wire-capture handler are written as reconstructed records, marked with a
``WARC-Reconstructed`` header.
"""

from __future__ import annotations

import logging
import weakref
from typing import Any
from urllib.parse import urldefrag, urlsplit

import scrapy
import twisted
from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.archive import DedupIndex, WarcWriter, WireExchange, WriterOptions
from crawler.exceptions import ArchiveError
from crawler.frontier import sharedcrawl
from crawler.frontier.redisstate import RedisDedupIndex
from crawler.frontier.task import TASK_META_KEY, CrawlTask
from crawler.signals import exchange_captured

logger = logging.getLogger(__name__)
_WRITERS: weakref.WeakKeyDictionary[Any, WarcWriter] = weakref.WeakKeyDictionary()


def warc_writer_for(crawler: Any) -> WarcWriter | None:
    """The WARC writer of a crawl (None when WARC writing is off)."""
    return _WRITERS.get(crawler)

_POLITENESS = (
    "ROBOTSTXT_OBEY", "DOWNLOAD_DELAY", "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN",
    "AUTOTHROTTLE_ENABLED", "AUTOTHROTTLE_TARGET_CONCURRENCY", "DEPTH_LIMIT", "DOWNLOAD_MAXSIZE",
    "DOWNLOAD_TIMEOUT",
)


def warcinfo_fields(settings: Any, seeds: list[str]) -> list[tuple[str, str]]:
    """The crawl-specific warcinfo fields: crawl id, seeds, user agent and politeness settings."""
    fields = [
        ("http-client", f"Scrapy/{scrapy.__version__} Twisted/{twisted.__version__}"),
        ("description", "request/response blocks are the bytes sent and received on the "
         "connection (after TLS); records with a WARC-Reconstructed header were rebuilt from "
         "parsed messages instead"),
        ("isPartOf", settings.get("CRAWL_ID") or ""),
        ("robots", "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore"),
        ("http-header-user-agent", settings.get("USER_AGENT") or ""),
    ]
    fields += [("seed", seed) for seed in seeds]
    fields += [(f"scrapy-{name}", str(settings.get(name))) for name in _POLITENESS]
    return fields


def writer_options(settings: Any) -> WriterOptions:
    """Read the WARC_* settings."""
    return WriterOptions(
        prefix=settings.get("WARC_PREFIX") or "crawl",
        max_size=settings.getint("WARC_MAX_SIZE", 1024**3),
        gzip=settings.getbool("WARC_GZIP", True),
        dedup=settings.getbool("WARC_DEDUP", True),
        dedup_max_entries=settings.getint("WARC_DEDUP_MAX_ENTRIES", 2_000_000),
        cdxj=settings.getbool("WARC_CDXJ", True),
        fsync=settings.getbool("WARC_FSYNC", False),
    )


def reconstruct_exchange(request: Request, response: Response) -> WireExchange:
    """Rebuild HTTP messages from Scrapy objects (only for responses no wire tap saw)."""
    url = urldefrag(request.url)[0]
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    exchange = WireExchange(url=url, method=request.method, reconstructed=True)
    exchange.peer_ip = str(response.ip_address) if response.ip_address else None
    head = [f"{request.method} {target} HTTP/1.1".encode(), b"Host: " + parts.netloc.encode()]
    head += [k + b": " + v for k, vs in request.headers.items() for v in vs]
    exchange.add_sent(b"\r\n".join(head) + b"\r\n\r\n" + (request.body or b""))
    protocol = (response.protocol or "HTTP/1.1").upper()
    lines = [f"{protocol} {response.status}".encode()]
    lines += [k + b": " + v for k, vs in response.headers.items() for v in vs]
    exchange.add_received(b"\r\n".join(lines) + b"\r\n\r\n" + response.body)
    exchange.close()
    return exchange


class WarcWriterExtension:
    """Scrapy extension that archives every HTTP exchange of the crawl as WARC records."""

    def __init__(self, crawler: Any, writer: WarcWriter) -> None:
        self.crawler = crawler
        self.writer = writer
        self._captured: weakref.WeakSet[Response] = weakref.WeakSet()
        self._seeds = crawler.settings.getlist("CRAWL_SEEDS")

    @classmethod
    def from_crawler(cls, crawler: Any) -> WarcWriterExtension:
        """Build the writer from WARC_* settings; ArchiveError if ARCHIVE_DIR is unwritable."""
        settings = crawler.settings
        if not settings.getbool("WARC_ENABLED", True):
            raise NotConfigured("WARC_ENABLED is off")
        writer = WarcWriter(settings.get("ARCHIVE_DIR") or "archives", writer_options(settings))
        if settings.get("FRONTIER_REDIS_URL") and isinstance(writer.dedup, DedupIndex):
            # A shared crawl: revisits refer to captures any worker made.
            client = sharedcrawl.connect(settings["FRONTIER_REDIS_URL"])
            writer.dedup = RedisDedupIndex(client, local=writer.dedup)
        ext = cls(crawler, writer)
        _WRITERS[crawler] = writer
        crawler.signals.connect(ext.exchange_captured, signal=exchange_captured)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def spider_opened(self, spider: Any) -> None:
        """Fill the warcinfo fields (seeds from CRAWL_SEEDS, else the spider's start URLs)."""
        seeds = self._seeds or [str(u) for u in getattr(spider, "start_urls", []) or []]
        self.writer.options.warcinfo = warcinfo_fields(self.crawler.settings, seeds)

    def exchange_captured(
        self, exchange: WireExchange, request: Request, response: Response | None, **_: Any
    ) -> None:
        """Write one captured exchange and note where its main record went."""
        if response is not None:
            self._captured.add(response)
        self._write(exchange, request)

    def response_downloaded(self, response: Response, request: Request, **_: Any) -> None:
        """Archive, as reconstructed, an HTTP response that no wire tap saw."""
        if response in self._captured or not request.url.startswith(("http://", "https://")):
            return
        self._write(reconstruct_exchange(request, response), request)

    def _write(self, exchange: WireExchange, request: Request) -> None:
        try:
            location = self.writer.write_exchange(exchange)
        except (ArchiveError, OSError) as exc:
            logger.error("WARC: could not archive %s: %s", exchange.url, exc)
            self._stats().inc_value("warc/write_errors")
            return
        if location is not None:
            task = request.meta.get(TASK_META_KEY)
            if not isinstance(task, CrawlTask):
                task = request.meta[TASK_META_KEY] = CrawlTask(request.url)
            task.warc = location
        self._sync_stats()

    def _stats(self) -> Any:
        return self.crawler.stats

    def _sync_stats(self) -> None:
        stats = self._stats()
        for key, value in self.writer.stats.items():
            stats.set_value(f"warc/{key}", value)

    def spider_closed(self, spider: Any) -> None:
        """Finish the current file (rename, CDXJ index) and log a summary."""
        self._close()
        files = self.writer.finished_files
        counts = self.writer.stats
        logger.info(
            "WARC: %d response, %d revisit, %d request records in %d file(s) under %s",
            counts["records/response"], counts["records/revisit"], counts["records/request"],
            len(files), self.writer.warc_dir,
        )

    def engine_stopped(self) -> None:
        """Close again in case something was written after spider_closed."""
        self._close()

    def _close(self) -> None:
        try:
            self.writer.close()
        except (ArchiveError, OSError) as exc:
            logger.error("WARC: could not finish the WARC files: %s", exc)
        self._sync_stats()
