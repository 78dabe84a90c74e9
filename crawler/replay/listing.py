"""Archived pages newest first: from the text store, or the indexes' HTML captures without one."""

from __future__ import annotations

import heapq
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from crawler.exceptions import UserError
from crawler.replay.layout import ArchiveLayout

#: Most entries the listing page shows (newest first); the rest stay searchable by URL in pywb.
LISTING_LIMIT = 5000


@dataclass(frozen=True, order=True)
class ListedPage:
    """One archived page: 14-digit capture timestamp, URL and title (ordered by capture time)."""

    timestamp: str
    url: str
    title: str = ""
    #: WARC file holding the capture, when known (base name).
    warc: str = field(default="", compare=False)

    @property
    def captured(self) -> str:
        """Capture time as ``YYYY-MM-DD HH:MM:SS UTC``."""
        t = self.timestamp.ljust(14, "0")
        return f"{t[0:4]}-{t[4:6]}-{t[6:8]} {t[8:10]}:{t[10:12]}:{t[12:14]} UTC"

    @property
    def iso(self) -> str:
        """Capture time as ISO 8601 (``2026-01-02T03:04:05Z``)."""
        t = self.timestamp.ljust(14, "0")
        return f"{t[0:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}Z"


def to_timestamp(value: Any) -> str | None:
    """Turn an ISO date/time (or datetime) into a 14-digit UTC timestamp; None if unparseable."""
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y%m%d%H%M%S")


def _field(row: Any, name: str) -> Any:
    if isinstance(row, dict):
        return row.get(name)
    return getattr(row, name, None)


def articles_from_store(layout: ArchiveLayout) -> Iterator[ListedPage] | None:
    """Articles of the text store (latest version each); None when there is no usable store."""
    if not layout.store_path.is_file():
        return None
    try:
        from crawler.store import open_store
    except ImportError:
        return None
    return _iter_store(layout, open_store)


def _iter_store(layout: ArchiveLayout, open_store: Any) -> Iterator[ListedPage]:
    try:
        with open_store(layout.root, create=False) as store:
            for article in store.iter_articles():
                ts = to_timestamp(_field(article, "fetched_at"))
                url = _field(article, "url")
                warc = os.path.basename(str(_field(article, "warc_filename") or ""))
                if ts and url:
                    yield ListedPage(ts, str(url), str(_field(article, "title") or ""), warc)
    except (sqlite3.Error, UserError):
        # A store being created or migrated right now: show nothing rather than crash replay.
        return


def pages_from_indexes(layout: ArchiveLayout) -> Iterator[ListedPage]:
    """HTML 200 captures listed in the CDXJ indexes (used when there is no text store)."""
    files = layout.index_files() + sorted(layout.extra_index_dir.glob("*.cdxj"))
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                page = _page_from_cdxj(line)
                if page:
                    yield page


def _page_from_cdxj(line: str) -> ListedPage | None:
    parts = line.split(" ", 2)
    if len(parts) < 3 or not parts[2].startswith("{"):
        return None
    try:
        fields = json.loads(parts[2])
    except ValueError:
        return None
    if fields.get("status") != "200" or "html" not in str(fields.get("mime", "")):
        return None
    return ListedPage(parts[1], fields.get("url", ""), "", fields.get("filename", ""))


def newest(pages: Iterable[ListedPage], limit: int) -> tuple[list[ListedPage], int]:
    """The newest ``limit`` pages, newest first (bounded memory), and how many there were."""
    heap: list[ListedPage] = []
    total = 0
    for page in pages:
        total += 1
        if len(heap) < limit:
            heapq.heappush(heap, page)
        else:
            heapq.heappushpop(heap, page)
    return sorted(heap, reverse=True), total


def listed_pages(layout: ArchiveLayout, limit: int = LISTING_LIMIT) -> tuple[list[ListedPage], int]:
    """The newest archived articles (from the store; HTML captures of the indexes without one)."""
    source = articles_from_store(layout)
    if source is not None:
        pages, total = newest(source, limit)
        if total:
            return pages, total
    return newest(pages_from_indexes(layout), limit)
