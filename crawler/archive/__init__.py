"""Pure WARC archiving core (warcio, no scrapy): wire exchanges to WARC/1.1 files, dedup, CDXJ.

Layer: pure core. It may import ``crawler.common`` and ``crawler.exceptions`` only.
"""

from crawler.archive import readlimits  # noqa: F401 - caps brotli decoding in warcio, on import
from crawler.archive.cdxj import index_warc, refresh_indexes
from crawler.archive.dedup import Capture, DedupIndex
from crawler.archive.dedupqueue import QueuedDedupIndex
from crawler.archive.exchange import WireExchange
from crawler.archive.records import RECONSTRUCTED_HEADER, Record
from crawler.archive.spool import ByteSpool
from crawler.archive.writer import WarcWriter, WriterOptions

__all__ = [
    "RECONSTRUCTED_HEADER",
    "ByteSpool",
    "Capture",
    "DedupIndex",
    "QueuedDedupIndex",
    "Record",
    "WarcWriter",
    "WireExchange",
    "WriterOptions",
    "index_warc",
    "refresh_indexes",
]
