"""Value types of discovery: a discovered URL with what we know about it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Discovered:
    """A URL found in a page, feed or sitemap.

    ``role`` is what the URL is expected to be (``article``, ``list``, ``feed``, ``sitemap``,
    ``unknown``); ``lastmod`` an ISO 8601 UTC date from the feed or sitemap, if any;
    ``modified`` the entry's modification date alone (sitemap ``<lastmod>``, feed
    ``<updated>``/``<modified>``), which incremental crawling compares with its last capture.
    """

    url: str
    role: str = "unknown"
    lastmod: str | None = None
    modified: str | None = None


@dataclass(frozen=True, slots=True)
class Requisite:
    """A URL a page needs to render: a stylesheet, script, image, font, media file...

    ``kind`` is one of :data:`crawler.discovery.requisites.KINDS`.
    """

    url: str
    kind: str = "image"
