"""The cleaned-text store: article versions with WARC provenance in SQLite (pure, no scrapy).

Open it with :func:`open_store` (an archive folder or an ``articles.sqlite`` path), iterate
:class:`Article` versions with filters, and read an article's WARC record back with
:func:`read_warc_record`.

Layer: pure core. It may import ``crawler.extract`` (the block model), ``crawler.archive``,
``crawler.syndication``, ``crawler.discovery``, ``crawler.common`` and ``crawler.exceptions``.
"""

from crawler.store.fingerprint import normalize_text, text_fingerprint
from crawler.store.model import (
    ARTICLE_FIELDS,
    AddResult,
    Article,
    CaptureState,
    Copy,
    Page,
    PageRecord,
    WarcLocation,
)
from crawler.store.reader import SearchHit
from crawler.store.sqlite import STORE_FILENAME, Store, open_store, store_path
from crawler.store.warcrecord import WarcRecordData, open_warc_record, read_warc_record

__all__ = [
    "ARTICLE_FIELDS",
    "STORE_FILENAME",
    "AddResult",
    "Article",
    "CaptureState",
    "Copy",
    "Page",
    "PageRecord",
    "SearchHit",
    "Store",
    "WarcLocation",
    "WarcRecordData",
    "normalize_text",
    "open_store",
    "open_warc_record",
    "read_warc_record",
    "store_path",
    "text_fingerprint",
]
