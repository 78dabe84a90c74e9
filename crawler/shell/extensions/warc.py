"""WarcWriterExtension: writes every captured HTTP exchange into WARC files (settings ``WARC_*``).

Listens to ``crawler.shell.signals.exchange_captured`` (sent by crawler.shell.handlers for every
exchange),
writes request/response (or revisit) records with crawler.archive.WarcWriter, notes where in
the request's :class:`crawler.frontier.CrawlTask` (``task.warc``) before the response reaches
the spider, and shares the writer through :func:`warc_writer_for`. Responses that did not
come through the wire-capture handler are written as reconstructed records, marked with a
``WARC-Reconstructed`` header.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import weakref
from typing import Any
from urllib.parse import urldefrag, urlsplit

import scrapy
import twisted
from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.archive import DedupIndex, QueuedDedupIndex, WarcWriter, WireExchange, WriterOptions
from crawler.archive.hops import requisite_fields
from crawler.exceptions import ArchiveError
from crawler.frontier import sharedcrawl
from crawler.frontier.redisstate import RedisDedupIndex
from crawler.frontier.requisites import REQUISITE
from crawler.frontier.seedgate import SeedGate
from crawler.frontier.task import TASK_META_KEY, CrawlTask
from crawler.shell.extensions.fatal import stop_crawl
from crawler.shell.signals import exchange_captured, seed_checked
from crawler.shell.sqlitethread import SqliteThread

logger = logging.getLogger(__name__)
_WRITERS: weakref.WeakKeyDictionary[Any, WarcWriter] = weakref.WeakKeyDictionary()


def warc_writer_for(crawler: Any) -> WarcWriter | None:
    """The WARC writer of a crawl (None when WARC writing is off)."""
    return _WRITERS.get(crawler)


def _task(request: Request) -> CrawlTask | None:
    found = request.meta.get(TASK_META_KEY)
    return found if isinstance(found, CrawlTask) else None


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

    def __init__(
        self, crawler: Any, writer: WarcWriter, dedup: QueuedDedupIndex | None = None,
        dedup_thread: SqliteThread | None = None,
    ) -> None:
        self.crawler = crawler
        self.writer = writer
        #: The archive's dedup index, its writes on a thread of its own (off the reactor).
        self.dedup = dedup
        self._dedup_thread = dedup_thread
        self._captured: weakref.WeakSet[Response] = weakref.WeakSet()
        self._seeds = crawler.settings.getlist("CRAWL_SEEDS")
        #: Holds a seed's exchanges until it is known usable (spiders with ``checks_seeds``).
        self._gate: SeedGate[tuple[WireExchange, Request]] | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> WarcWriterExtension:
        """Build the writer from WARC_* settings; ArchiveError if ARCHIVE_DIR is unwritable."""
        settings = crawler.settings
        if not settings.getbool("WARC_ENABLED", True):
            raise NotConfigured("WARC_ENABLED is off")
        writer = WarcWriter(settings.get("ARCHIVE_DIR") or "archives", writer_options(settings))
        dedup, thread = None, None
        if isinstance(writer.dedup, DedupIndex):
            # Its writes wait for the file's lock while another crawl into the archive (or
            # another worker) writes it: on the reactor that would stop the crawl meanwhile.
            thread = SqliteThread(f"the WARC dedup index {writer.dedup.path}", "warc-dedup")
            dedup = writer.dedup = QueuedDedupIndex(writer.dedup, thread.submit)
        if settings.get("FRONTIER_REDIS_URL") and dedup is not None:
            # A shared crawl: revisits refer to captures any worker made.
            client = sharedcrawl.connect_resilient(settings["FRONTIER_REDIS_URL"],
                                                   settings.getfloat("FRONTIER_REDIS_WAIT", 30))
            writer.dedup = RedisDedupIndex(client, local=dedup)
        ext = cls(crawler, writer, dedup, thread)
        _WRITERS[crawler] = writer
        crawler.signals.connect(ext.exchange_captured, signal=exchange_captured)
        crawler.signals.connect(ext.seed_checked, signal=seed_checked)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def spider_opened(self, spider: Any) -> None:
        """Fill the warcinfo fields (seeds from CRAWL_SEEDS, else the spider's start URLs)."""
        seeds = self._seeds or [str(u) for u in getattr(spider, "start_urls", []) or []]
        self.writer.options.warcinfo = warcinfo_fields(self.crawler.settings, seeds)
        if getattr(spider, "checks_seeds", False):
            self._gate = SeedGate()

    def exchange_captured(
        self, exchange: WireExchange, request: Request, response: Response | None, **_: Any
    ) -> None:
        """Write one captured exchange and note where its main record went."""
        if response is not None:
            self._captured.add(response)
        if self._gate is None:
            self._write(exchange, request)
            return
        exchange.retained = True  # it may wait: keep its bytes until written or dropped
        for item in self._gate.offer(_task(request), (exchange, request)):
            self._write_released(*item)

    def seed_checked(self, request: Request, accepted: bool, **_: Any) -> None:
        """Write a usable seed's held exchanges (robots.txt first); drop a rejected seed's."""
        task = _task(request)
        if self._gate is None or task is None:
            return
        write, drop = self._gate.verdict(task, accepted)
        for item in write:
            self._write_released(*item)
        for exchange, _request in drop:
            self._stats().inc_value("warc/rejected_seed_exchanges")
            exchange.release(force=True)

    def _write_released(self, exchange: WireExchange, request: Request) -> None:
        self._write(exchange, request)
        exchange.release(force=True)

    def response_downloaded(self, response: Response, request: Request, **_: Any) -> None:
        """Archive, as reconstructed, an HTTP response that no wire tap saw."""
        if response in self._captured or not request.url.startswith(("http://", "https://")):
            return
        self._write(reconstruct_exchange(request, response), request)

    def _write(self, exchange: WireExchange, request: Request) -> None:
        if self._stats().get_value("crawl/fatal_error"):
            self._stats().inc_value("warc/not_written")  # stopping: in flight when it failed
            self._not_archived(request)
            return
        task = _task(request)
        requisite = task is not None and task.role == REQUISITE
        # A requisite's payload may be archived under another URL (one logo, many URLs).
        exchange.dedup_any_url = requisite
        if requisite and task is not None:
            # Marked as an embed, so re-extraction never takes it for a page.
            exchange.metadata = requisite_fields(task.via, task.hops, task.referrer)
        size = len(exchange.response_bytes)
        try:
            location = self.writer.write_exchange(exchange)
        except (ArchiveError, OSError, sqlite3.Error) as exc:
            self._stats().inc_value("warc/write_errors")
            logger.error("WARC: could not archive %s: %s", exchange.url, exc)
            stop_crawl(self.crawler, f"cannot write WARC records in {self.writer.warc_dir}", exc)
            self._not_archived(request)
            return
        if location is not None:
            if requisite:
                self._stats().inc_value("requisites/archived_bytes", size)
            if task is None:
                task = request.meta[TASK_META_KEY] = CrawlTask(request.url)
            task.warc = location
        self._sync_stats()

    @staticmethod
    def _not_archived(request: Request) -> None:
        """The response is in no WARC (a redirect's record may be): not a capture to keep."""
        task = _task(request)
        if task is not None:
            task.warc = None

    def _stats(self) -> Any:
        return self.crawler.stats

    def _sync_stats(self) -> None:
        stats = self._stats()
        for key, value in self.writer.stats.items():
            stats.set_value(f"warc/{key}", value)

    async def spider_closed(self, spider: Any) -> None:
        """Drop what no usable seed confirmed, finish the file (rename, index), wait for the
        dedup index's writes off the reactor, log a summary."""
        for exchange, _ in self._gate.drain() if self._gate is not None else []:
            exchange.release(force=True)
        self._close()
        if self.dedup is not None:
            try:
                await asyncio.wrap_future(self.dedup.flushed())
            except sqlite3.Error as exc:
                logger.error("WARC: could not write the dedup index: %s", exc)
        files = self.writer.finished_files
        counts = self.writer.stats
        logger.info(
            "WARC: %d response, %d revisit, %d request records in %d file(s) under %s",
            counts["records/response"], counts["records/revisit"], counts["records/request"],
            len(files), self.writer.warc_dir,
        )

    def engine_stopped(self) -> None:
        """Close again in case something was written after spider_closed; close the dedup
        index (its queue is empty by now unless the crawl was forced to stop)."""
        self._close()
        if self.dedup is None or self._dedup_thread is None:
            return
        try:
            self.dedup.close()
        except sqlite3.Error as exc:
            logger.error("WARC: could not write the dedup index: %s", exc)
        finally:
            self._dedup_thread.shutdown()
            self.dedup = None

    def _close(self) -> None:
        try:
            self.writer.close()
        except (ArchiveError, OSError) as exc:
            logger.error("WARC: could not finish the WARC files: %s", exc)
        except sqlite3.Error as exc:
            logger.error("WARC: could not write the dedup index: %s", exc)
        self._sync_stats()
