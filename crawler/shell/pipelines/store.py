"""StorePipeline: every PageItem into the cleaned-text store, plus conversion records in the WARC.

Settings: ``STORE_ENABLED`` (switch), ``STORE_PATH`` (default ``ARCHIVE_DIR/articles.sqlite``),
``STORE_CONVERSION_RECORDS`` (write each new article version's text into the WARC as a
``conversion`` record), ``STORE_COMMIT_EVERY`` (writes per SQLite commit; 1 in a crawl
shared in Redis: each page is committed before its task is finished, and the workers writing
one store hold its lock briefly), ``STORE_COMMIT_IDLE`` (seconds after which a batch is
committed even when no page follows it: a slow crawl's pages reach readers of the store
without waiting for the next page; 0: never by time alone). Stats: ``store/*``. An
article's syndication sketch (MinHash) is computed in the analysis process pool, off the
reactor thread; the store clusters it with the copies already stored. Every store call (open,
writes, commits, counts, close) runs on one thread of the pipeline's own (storethread.py),
awaited from ``process_item``: a write waiting for the file's lock, which another worker of
a shared crawl may hold, never stops the reactor. Conversion records are written into the
WARC on the reactor thread. The first write the disk refuses stops the crawl
(crawler/shell/extensions/fatal.py); a page whose WARC write failed is not stored.
"""

from __future__ import annotations

import logging
import sqlite3
import weakref
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.task import LoopingCall

from crawler.exceptions import ArchiveError
from crawler.shell.extensions.fatal import is_disk_failure, stop_crawl
from crawler.shell.extensions.warc import warc_writer_for
from crawler.shell.items import PageItem
from crawler.shell.pipelines.storethread import StoreThread
from crawler.shell.spiders.pool import AnalysisPool, default_workers
from crawler.store import PageRecord, WarcLocation
from crawler.store.model import OUTCOME_NEW_VERSION, OUTCOME_UPDATED
from crawler.syndication import Sketch, sketch_text

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

#: Pipelines whose store is open: a crawl stopped at once (a second Ctrl-C) never closes them.
_OPEN: weakref.WeakSet[StorePipeline] = weakref.WeakSet()


def extractor_version() -> str:
    """The extractor's version string (``crawler.extract.EXTRACTOR_VERSION``), '' if absent."""
    import crawler.extract

    return str(getattr(crawler.extract, "EXTRACTOR_VERSION", ""))


def _header(headers: dict[str, str], name: str) -> str | None:
    """Case-insensitive lookup in a plain header dict."""
    lowered = name.lower()
    for key, value in (headers or {}).items():
        if key.lower() == lowered:
            return value
    return None


def page_record(item: PageItem, version: str) -> PageRecord:
    """Turn the spider's PageItem into the store's input record."""
    return PageRecord.from_extraction(
        item.extraction,
        url=item.url,
        requested_url=item.requested_url,
        site=item.site,
        status=item.status,
        fetched_at=item.fetched_at,
        crawl_id=item.crawl_id,
        extractor_version=version,
        warc=WarcLocation.from_dict(item.warc),
        etag=_header(item.http_headers, "ETag"),
        last_modified=_header(item.http_headers, "Last-Modified"),
        depth=item.depth,
        source=item.source,
    )


class StorePipeline:
    """Stores each page's decision and each new article version, with its WARC provenance."""

    def __init__(
        self, path: Path, conversion_records: bool = True, commit_every: int = 500,
        crawler: Crawler | None = None, commit_idle: float = 2.0,
    ) -> None:
        """Plain values in; the store opens when the spider opens."""
        self.path = path
        self.conversion_records = conversion_records
        self.commit_every = commit_every
        self.commit_idle = commit_idle
        self._timer: LoopingCall | None = None
        self.crawler = crawler
        self.writer: StoreThread | None = None
        self._closed = False  # by close_spider or a forced stop: items are no longer stored
        self.pool: AnalysisPool | None = None
        self.version = extractor_version()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Read the ``STORE_*`` settings; ``STORE_ENABLED = False`` switches the pipeline off."""
        settings = crawler.settings
        if not settings.getbool("STORE_ENABLED", True):
            raise NotConfigured("STORE_ENABLED is off")
        path = settings.get("STORE_PATH") or Path(settings.get("ARCHIVE_DIR", "archives"))
        return cls(
            Path(path),
            conversion_records=settings.getbool("STORE_CONVERSION_RECORDS", True),
            commit_every=(1 if settings.get("FRONTIER_REDIS_URL")
                          else settings.getint("STORE_COMMIT_EVERY", 500)),
            crawler=crawler,
            commit_idle=settings.getfloat("STORE_COMMIT_IDLE", 2.0),
        )

    async def open_spider(self) -> None:
        """Open (or create) the store on its thread; share the process's analysis pool."""
        writer = self.writer = StoreThread(self.path, self.commit_every)
        _OPEN.add(self)
        try:
            path = await writer.open()
        except BaseException:
            _OPEN.discard(self)
            self.writer = None
            raise
        self.pool = AnalysisPool.acquire(self._workers())
        if self.commit_idle > 0 and self.commit_every > 1:
            # Checked twice per idle time: a batch waits at most 1.5 x STORE_COMMIT_IDLE.
            self._timer = LoopingCall(self._commit_if_idle)
            self._timer.start(self.commit_idle / 2, now=False)
        logger.info("Storing cleaned text in %s", path)

    def _commit_if_idle(self) -> Deferred[None] | None:
        """The timer's tick: commit a batch no page has followed for STORE_COMMIT_IDLE seconds.

        The commit runs on the store's thread after the writes handed over before it, so a
        batch never holds half a page; the next tick waits for it.
        """
        writer = self.writer
        if writer is None:
            return None
        return deferred_from_coro(self._idle_commit(writer))

    async def _idle_commit(self, writer: StoreThread) -> None:
        """Commit the idle batch on the store's thread; count it, or stop on a full disk."""
        try:
            if await writer.commit_if_due(self.commit_idle):
                self._inc("store/idle_commits")
        except sqlite3.OperationalError as exc:  # locked: the next tick tries again
            if is_disk_failure(exc) and self.crawler is not None:
                self._stop_timer()
                stop_crawl(self.crawler, f"cannot write to the article store {self.path}", exc)
                return
            logger.warning("Store: the idle batch could not be committed yet (%s)", exc)

    def _stop_timer(self) -> None:
        """Stop the idle-commit timer, if it runs."""
        timer, self._timer = self._timer, None
        if timer is not None and timer.running:
            timer.stop()

    def _workers(self) -> int:
        """Pool size if this pipeline starts the pool (the news spider normally has)."""
        settings = self.crawler.settings if self.crawler is not None else {}
        workers = str(settings.get("EXTRACT_WORKERS", "auto")).strip().lower()
        return default_workers() if workers in ("", "auto", "none") else int(workers)

    async def close_spider(self) -> None:
        """Commit and close the store (ending its thread), logging what it holds."""
        self._stop_timer()
        self._closed = True
        if self.pool is not None:
            self.pool.release()
            self.pool = None
        writer, self.writer = self.writer, None
        if writer is None:
            return
        # Forgotten before the wait: should the reactor stop meanwhile, the close is queued
        # on the store's thread already, and the interpreter waits for that thread at exit.
        _OPEN.discard(self)
        try:
            counts = await writer.close()
        except sqlite3.Error as exc:  # the disk filled up: the last batch is in the WARC only
            if self.crawler is not None:
                stop_crawl(self.crawler, f"cannot write to the article store {self.path}", exc,
                           close=False)
            return
        logger.info(
            "Store: %(articles)d articles (%(versions)d versions) from %(pages)d pages", counts
        )

    def commit_and_close(self) -> None:
        """After a forced stop (the reactor stopped): keep what the open batch holds and
        release the file's write lock, which the fetch log waits for. The write in progress
        on the store's thread ends first (no page is half-written); pages still queued
        there are left to the WARCs, from which the next crawl stores them."""
        self._stop_timer()
        self._closed = True
        _OPEN.discard(self)
        writer, self.writer = self.writer, None
        if writer is None:
            return
        try:
            writer.close_now()
        except sqlite3.Error as exc:  # the next crawl stores these pages from the WARCs
            logger.warning("Store: the last batch was not committed at the forced stop (%s)",
                           exc)

    async def process_item(self, item: Any) -> Any:
        """Store a PageItem; pass every other item through unchanged."""
        if not isinstance(item, PageItem) or item.extraction is None:
            return item
        if item.warc is None and self._writes_warcs():
            self._inc("store/not_archived")  # the WARC write failed: not a capture to keep
            return item
        if self.writer is None and not self._closed:
            await self.open_spider()
        record = page_record(item, self.version)
        if record.is_article and record.text:
            record = replace(record, sketch=await self._sketch(record.text))
        writer = self.writer
        if writer is None:  # closed while the sketch was computed
            return item
        if self.pool is None:
            return await self._store_page(writer, item, record)
        async with self.pool.holding():  # a page waiting for the store is one in hand
            return await self._store_page(writer, item, record)

    async def _store_page(self, writer: StoreThread, item: PageItem, record: PageRecord) -> Any:
        """Store the page on the store's thread, its conversion record in the WARC between;
        count the outcome, or the error (a full disk stops the crawl)."""
        try:
            result = await writer.add_page(record)
            if result is None:  # a forced stop: the WARC has the page
                return item
            conversion = None
            if result.outcome in (OUTCOME_NEW_VERSION, OUTCOME_UPDATED) and record.text:
                conversion = self._write_conversion(record, result.page_id)
            commit = self.commit_every <= 1  # durable before the crawl counts the page as done
            if conversion is not None or commit:
                await writer.finish_page(result.page_id, conversion, commit)
        except sqlite3.OperationalError as exc:  # locked or full disk: the WARC still has it
            self._inc("store/errors")
            if is_disk_failure(exc) and self.crawler is not None:
                stop_crawl(self.crawler, f"cannot write to the article store {self.path}", exc)
                return item
            logger.error("Could not store %s (%s); the next crawl adds it from the WARC",
                         item.url, exc)
            self._inc("errors/store")
            return item
        if conversion is not None:
            self._inc("store/conversion_records")
        self._inc(f"store/{result.outcome}")
        return item

    def _writes_warcs(self) -> bool:
        """True if this crawl writes WARCs (then only archived pages are stored)."""
        return self.crawler is not None and warc_writer_for(self.crawler) is not None

    async def _sketch(self, text: str) -> Sketch | None:
        """The text's sketch from a pool worker; None (the store computes it) if that fails."""
        if self.pool is None:
            return None
        try:
            return await self.pool.run(sketch_text, text)
        except Exception as exc:  # noqa: BLE001 - the store computes it instead
            logger.debug("Sketch computed in the store instead: %s", exc)
            return None

    def _write_conversion(self, record: PageRecord, page_id: int | None) -> WarcLocation | None:
        """Write the article text into the WARC as a conversion record referring to the page;
        return where it went (None if not written). On the reactor thread: the WARC writer
        is not thread-safe."""
        writer = warc_writer_for(self.crawler) if self.crawler else None
        if not self.conversion_records or writer is None or record.warc is None:
            return None
        if page_id is None or not record.warc.record_id:
            return None
        try:
            location = writer.write_conversion(
                record.url, refers_to=record.warc.record_id, text=record.text,
                date=record.fetched_at,
            )
        except (OSError, ArchiveError, sqlite3.Error) as exc:
            self._inc("store/conversion_failed")
            logger.error("Could not write the conversion record of %s: %s", record.url, exc)
            stop_crawl(self.crawler, f"cannot write WARC records in {writer.warc_dir}", exc)
            return None
        return WarcLocation.from_dict(location)

    def _inc(self, key: str) -> None:
        """Increase a stats counter (when running under a crawler)."""
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)


def close_left_open() -> None:
    """Commit and close the stores of crawls stopped at once (a second Ctrl-C): their
    pipelines never closed. Each store's thread finishes the write it is doing first, so a
    batch never holds half a page."""
    for pipeline in list(_OPEN):
        pipeline.commit_and_close()
