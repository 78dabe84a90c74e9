"""StorePipeline: every PageItem into the cleaned-text store, plus conversion records in the WARC.

Settings: ``STORE_ENABLED`` (switch), ``STORE_PATH`` (default ``ARCHIVE_DIR/articles.sqlite``),
``STORE_CONVERSION_RECORDS`` (write each new article version's text into the WARC as a
``conversion`` record), ``STORE_COMMIT_EVERY`` (writes per SQLite commit; 1 in a crawl
shared in Redis: each page is committed before its task is finished, and the workers writing
one store hold its lock briefly). Stats: ``store/*``.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured

from crawler.exceptions import ArchiveError
from crawler.extensions.warc import warc_writer_for
from crawler.items import PageItem
from crawler.store import PageRecord, Store, WarcLocation
from crawler.store.model import OUTCOME_NEW_VERSION, OUTCOME_UPDATED

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


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
        crawler: Crawler | None = None,
    ) -> None:
        """Plain values in; the store opens when the spider opens."""
        self.path = path
        self.conversion_records = conversion_records
        self.commit_every = commit_every
        self.crawler = crawler
        self.store: Store | None = None
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
        )

    def open_spider(self) -> None:
        """Open (or create) the store."""
        self.store = Store(self.path, commit_every=self.commit_every)
        logger.info("Storing cleaned text in %s", self.store.path)

    def close_spider(self) -> None:
        """Commit and close the store, logging what it holds."""
        if self.store is not None:
            counts = self.store.counts()
            self.store.close()
            self.store = None
            logger.info(
                "Store: %(articles)d articles (%(versions)d versions) from %(pages)d pages", counts
            )

    def process_item(self, item: Any) -> Any:
        """Store a PageItem; pass every other item through unchanged."""
        if not isinstance(item, PageItem) or item.extraction is None:
            return item
        if self.store is None:
            self.open_spider()
        record = page_record(item, self.version)
        store = self.store
        assert store is not None
        try:
            result = store.add_page(record)
            if self.commit_every <= 1:
                store.commit()  # durable before the crawl counts the page as done
        except sqlite3.OperationalError as exc:  # locked or full disk: the WARC still has it
            logger.error("Could not store %s (%s); run `crawler extract` on the crawl's WARCs "
                         "to add it later", item.url, exc)
            self._inc("store/errors")
            return item
        self._inc(f"store/{result.outcome}")
        if result.outcome in (OUTCOME_NEW_VERSION, OUTCOME_UPDATED) and record.text:
            self._write_conversion(record, result.page_id)
            if self.commit_every <= 1:
                store.commit()
        return item

    def _write_conversion(self, record: PageRecord, page_id: int | None) -> None:
        """Write the article text into the WARC as a conversion record referring to the page."""
        writer = warc_writer_for(self.crawler) if self.crawler else None
        if not self.conversion_records or writer is None or record.warc is None:
            return
        if page_id is None or not record.warc.record_id:
            return
        try:
            location = writer.write_conversion(
                record.url, refers_to=record.warc.record_id, text=record.text,
                date=record.fetched_at,
            )
        except (OSError, ArchiveError) as exc:
            logger.warning("Could not write the conversion record of %s: %s", record.url, exc)
            self._inc("store/conversion_failed")
            return
        found = WarcLocation.from_dict(location)
        if found is not None:
            self.store.set_conversion(page_id, found)
            self._inc("store/conversion_records")

    def _inc(self, key: str) -> None:
        """Increase a stats counter (when running under a crawler)."""
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)
