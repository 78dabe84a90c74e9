"""An article's lead image for the archive browser: which URL, and whether the archive holds it.

The URL is the store's ``lead_image`` when the store has that field (extraction fills it: og:image,
JSON-LD ``image``, the body's first figure); for stores without it, the archived page's own
``og:image`` / ``twitter:image`` / ``link rel=image_src`` is read from its WARC record. The image is
shown only when an index has a capture of it (the crawl archives lead images as page
requisites), and always through the replay origin, never fetched live.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from pathlib import Path
from typing import Any

import surt
from lxml import etree
from lxml import html as lxml_html
from pywb.utils.binsearch import iter_exact

from crawler.replay.layout import ArchiveLayout

#: The most of an archived page read to find its lead image (the <head> comes first).
HEAD_BYTES = 512 * 1024
_META_XPATH = (
    "//meta[@property='og:image' or @property='og:image:url' or @property='og:image:secure_url'"
    " or @name='twitter:image' or @name='twitter:image:src']/@content"
    " | //link[@rel='image_src']/@href"
)
_STATUS_RE = re.compile(rb'"status":\s*"(\d{3})"')
_MIME_RE = re.compile(rb'"mime":\s*"([^"]*)"')


def image_from_html(payload: bytes, page_url: str) -> str | None:
    """The lead image URL an HTML page declares (absolute http(s)), or None."""
    head = payload[:HEAD_BYTES]
    if not head.strip():
        return None
    try:
        tree = lxml_html.fromstring(head)
    except (ValueError, etree.ParserError):
        return None
    for value in tree.xpath(_META_XPATH):
        url = _absolute(str(value), page_url)
        if url:
            return url
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        url = _absolute(_jsonld_image(str(script)) or "", page_url)
        if url:
            return url
    return None


def _jsonld_image(text: str) -> str | None:
    try:
        data: Any = json.loads(text)
    except ValueError:
        return None
    for item in data if isinstance(data, list) else [data]:
        image = item.get("image") if isinstance(item, dict) else None
        if isinstance(image, list) and image:
            image = image[0]
        if isinstance(image, dict):
            image = image.get("url")
        if isinstance(image, str):
            return image
    return None


def _absolute(value: str, base: str) -> str | None:
    if not value.strip():  # an empty content="" would resolve to the page itself
        return None
    url = urllib.parse.urljoin(base, value.strip())
    return url if urllib.parse.urlsplit(url).scheme in ("http", "https") else None


def lead_image_url(article: Any, layout: ArchiveLayout) -> str | None:
    """The article's lead image URL: the stored field, else read from its archived page."""
    stored = getattr(article, "lead_image", None)
    if stored:
        return str(stored)
    from crawler.store import read_warc_record

    try:
        record = read_warc_record(article, layout.root)
    except Exception:  # noqa: BLE001 - a missing or damaged record: no image, the page still shows
        return None
    content_type = next((v for k, v in record.http_headers if k.lower() == "content-type"), "")
    if "html" not in content_type.lower():
        return None
    return image_from_html(record.payload, article.url)


def archived_capture(layout: ArchiveLayout, url: str) -> str | None:
    """The 14-digit timestamp of a successful image capture of ``url`` in the indexes, or None."""
    try:
        key = surt.surt(url).encode("utf-8")
    except Exception:  # noqa: BLE001 - a URL surt cannot parse is not in any index
        return None
    files: list[Path] = [*layout.index_files(), *sorted(layout.extra_index_dir.glob("*.cdxj"))]
    for path in files:
        try:
            with open(path, "rb") as fh:
                for line in iter_exact(fh, key):
                    status, mime = _STATUS_RE.search(line), _MIME_RE.search(line)
                    if status and status.group(1) == b"200" and mime and \
                            mime.group(1).startswith(b"image/"):
                        return str(line.split(b" ", 2)[1].decode("ascii", "replace"))
        except OSError:
            continue
    return None
