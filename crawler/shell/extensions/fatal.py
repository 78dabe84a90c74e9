"""Stop a crawl that cannot keep what it fetches (disk full, archive folder gone or read-only).

Fetching on after the archive stopped taking records only wastes the site's bandwidth and
reports pages as archived that are not. The first such failure records its one-line
message in the stats (``crawl/fatal_error``, printed by ``crawler crawl`` with exit status 1)
and closes the spider with reason ``archive_error``; later ones are only counted.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from scrapy.utils.defer import deferred_from_coro

logger = logging.getLogger(__name__)

#: SQLite result codes that mean the disk, not the data, is the problem.
_DISK_CODES = frozenset({
    getattr(sqlite3, name) for name in ("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_READONLY",
                                        "SQLITE_CANTOPEN") if hasattr(sqlite3, name)
})


def is_disk_failure(exc: BaseException) -> bool:
    """True for an OSError or an SQLite error caused by the disk (full, read-only, gone)."""
    if isinstance(exc, OSError):
        return True
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _DISK_CODES
    text = str(exc).lower()
    return isinstance(exc, sqlite3.Error) and ("disk" in text or "readonly" in text)


def reason_of(exc: BaseException) -> str:
    """The OS's words for a failure (``No space left on device``), else its message."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror
        cause = cause.__cause__
    return str(exc).split(":")[-1].strip() or type(exc).__name__


def stop_crawl(crawler: Any, what: str, exc: BaseException, close: bool = True) -> None:
    """Record ``what`` failed (and why) and close the spider, once per crawl."""
    stats = crawler.stats
    if stats.get_value("crawl/fatal_error"):
        return
    stats.inc_value("errors/archive")
    folder = crawler.settings.get("ARCHIVE_DIR") or "archives"
    message = (f"{what} ({reason_of(exc)}): the crawl stopped; make sure {folder} is there, "
               "writable and has free space, or choose another --archive-dir")
    stats.set_value("crawl/fatal_error", message)
    logger.error("%s", message)
    engine = getattr(crawler, "engine", None)
    if close and engine is not None and getattr(engine, "spider", None) is not None:
        deferred_from_coro(engine.close_spider_async(reason="archive_error"))
