"""Items the news spider yields: one per fetched HTML page, article or not."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crawler.frontier.task import CrawlTask


@dataclass
class PageItem:
    """One fetched HTML page with its classification, extraction result and WARC provenance.

    ``warc`` is where the WARC extension archived the response (``CrawlTask.warc``):
    ``filename``, ``offset``, ``length``, ``record_id``, ``payload_digest``, ``date``,
    ``record_type`` (``response`` or ``revisit``); None if WARC writing is off.
    ``extraction`` is a :class:`crawler.extract.ExtractResult`; its ``is_article`` and
    ``discard_reason`` say whether the page is stored as an article and why not. ``task`` is
    the page's crawl task: the crawl is done with it once the item is stored.
    """

    url: str
    requested_url: str
    site: str
    status: int
    fetched_at: str
    crawl_id: str
    extraction: Any
    warc: dict[str, Any] | None = None
    http_headers: dict[str, str] = field(default_factory=dict)
    depth: int = 0
    source: str = "link"
    task: CrawlTask | None = field(default=None, repr=False, compare=False)
