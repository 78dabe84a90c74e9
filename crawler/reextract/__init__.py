"""Re-extraction of cleaned text from WARCs (ours or any tool's) into the store (no scrapy).

Layer: pure core. It may import ``crawler.archive``, ``crawler.extract``, ``crawler.store``,
``crawler.syndication``, ``crawler.discovery``, ``crawler.common``, ``crawler.exceptions`` and
the defaults of ``crawler.settings``.
"""

from crawler.reextract.run import ReextractReport, find_warcs, reextract, usable_files
from crawler.reextract.scan import Capture, WarcScanner

__all__ = ["Capture", "ReextractReport", "WarcScanner", "find_warcs", "reextract",
           "usable_files"]
