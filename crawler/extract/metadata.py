"""Page metadata: title, authors, dates, language, canonical URL, paywall flag."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from lxml.html import HtmlElement

from crawler.extract import datelines, dates, jsonld
from crawler.extract.authors import find_authors
from crawler.extract.headline import HeadlineLines
from crawler.extract.model import DatedValue
from crawler.extract.text import normalize

_PUBLISHED_META = (
    "article:published_time", "og:published_time", "datepublished", "pubdate",
    "publishdate", "publish-date", "publish_date", "dc.date.issued", "dcterms.created",
    "dc.date", "date", "sailthru.date", "parsely-pub-date", "article.published",
    "cxenseparse:recs:publishtime", "originalpublicationdate", "published", "publication_date",
)  # fmt: skip
_MODIFIED_META = (
    "article:modified_time", "og:updated_time", "datemodified", "dcterms.modified",
    "last-modified", "lastmod", "article.updated",
)  # fmt: skip
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·»]\s+")
_LANG = re.compile(r"^[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8})*$")


@dataclass(slots=True)
class Metadata:
    """What the page says about itself, before text extraction."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    published: DatedValue | None = None
    modified: DatedValue | None = None
    language: str | None = None
    canonical_url: str | None = None
    description: str | None = None
    site_name: str | None = None
    og_type: str | None = None
    ld_types: set[str] = field(default_factory=set)
    ld_body: str | None = None
    paywalled: bool = False
    #: The page's lead image URL: og:image, twitter:image, or JSON-LD ``image``.
    image: str | None = None


def meta_tags(tree: HtmlElement) -> dict[str, str]:
    """``<meta>`` values keyed by lower-cased name/property/itemprop (first one wins)."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (
            meta.get("property")
            or meta.get("name")
            or meta.get("itemprop")
            or meta.get("http-equiv")
        )
        value = meta.get("content")
        if key and value and value.strip():
            found.setdefault(key.strip().lower(), value.strip())
    return found


def _first(meta: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if key in meta:
            return meta[key]
    return None


def _title(tree: HtmlElement, meta: dict[str, str], article: dict[str, Any] | None) -> str | None:
    for candidate in (
        jsonld.text_value(article.get("headline")) if article else None,
        meta.get("og:title"),
        meta.get("twitter:title"),
    ):
        if candidate:
            # og:title is often escaped twice ("M&amp;#038;A"): what a reader sees is "M&A".
            return _without_site_name(normalize(html.unescape(candidate)), meta.get("og:site_name"))
    for h1 in tree.iter("h1"):
        text = normalize(h1.text_content())
        if text:
            return text
    title = tree.find(".//title")
    if title is not None and title.text:
        # "Headline | Site name": keep the longest part.
        parts = _TITLE_SEPARATORS.split(normalize(title.text))
        return max(parts, key=len) or None
    return None


def _without_site_name(title: str, site_name: str | None) -> str:
    """Turn "Headline | Site" into "Headline" when "Site" is the page's og:site_name."""
    parts = _TITLE_SEPARATORS.split(title)
    if site_name and len(parts) > 1:
        site = normalize(site_name).casefold()
        if parts[-1].casefold() == site:
            return title[: title.rfind(parts[-1])].rstrip(" |-–—:·»")
        if parts[0].casefold() == site:
            return title[len(parts[0]) :].lstrip(" |-–—:·»")
    return title


def _dates(
    tree: HtmlElement,
    meta: dict[str, str],
    article: dict[str, Any] | None,
    url: str | None,
    capture: datetime | None,
    near: HeadlineLines,
    walk: datelines.Classed,
) -> tuple[DatedValue | None, DatedValue | None]:
    def from_ld(key: str) -> DatedValue | None:
        value = jsonld.text_value(article.get(key)) if article else None
        return dates.dated(dates.parse_date(value), "json-ld", capture) if value else None

    def from_meta(keys: tuple[str, ...]) -> DatedValue | None:
        value = _first(meta, keys)
        return dates.dated(dates.parse_date(value), "meta", capture) if value else None

    published = from_ld("datePublished") or from_meta(_PUBLISHED_META)
    if published is None:
        for node in tree.iter("time"):
            value = node.get("datetime") or node.text_content()
            published = dates.dated(dates.parse_date(value or ""), "time", capture)
            if published:
                break
    if published is None:
        published = dates.dated(dates.date_from_url(url), "url", capture)
    if published is None:
        published = dates.dated(datelines.headline_date(near.lines), "text", capture)
    if published is None:
        published = dates.dated(datelines.class_date(tree, walk), "text", capture)
    modified = from_ld("dateModified") or from_meta(_MODIFIED_META)
    return published, modified


def _language(
    tree: HtmlElement, meta: dict[str, str], article: dict[str, Any] | None
) -> str | None:
    candidates = [
        tree.get("lang"),
        tree.get("xml:lang"),
        meta.get("content-language"),
        meta.get("og:locale"),
        jsonld.text_value(article.get("inLanguage")) if article else None,
    ]
    for value in candidates:
        value = (value or "").strip().split(",")[0]
        if value and _LANG.match(value):
            return value.replace("_", "-").split("-")[0].lower()
    return None


def _canonical(tree: HtmlElement, meta: dict[str, str], url: str | None) -> str | None:
    for link in tree.iter("link"):
        href = link.get("href")
        if (link.get("rel") or "").lower() == "canonical" and href:
            return urljoin(url or "", href.strip())
    value = meta.get("og:url")
    return urljoin(url or "", value) if value else None


def _paywalled(article: dict[str, Any] | None, meta: dict[str, str]) -> bool:
    def free(value: Any) -> bool:
        return str(value).strip().lower() not in ("false", "0", "no")

    if article is not None:
        if "isAccessibleForFree" in article and not free(article["isAccessibleForFree"]):
            return True
        parts = article.get("hasPart")
        for part in parts if isinstance(parts, list) else [parts]:
            if isinstance(part, dict) and not free(part.get("isAccessibleForFree", True)):
                return True
    return meta.get("article:content_tier", "").lower() in ("locked", "metered", "premium")


def extract_metadata(
    tree: HtmlElement, url: str | None = None, capture_time: datetime | None = None
) -> Metadata:
    """Read the metadata of a page from JSON-LD, meta tags, ``<time>``, the URL and headings."""
    meta = meta_tags(tree)
    objects = jsonld.json_ld_objects(tree)
    article = jsonld.find_article(objects)
    near = HeadlineLines(tree)
    walk = datelines.Classed(tree)
    published, modified = _dates(tree, meta, article, url, capture_time, near, walk)
    body = jsonld.text_value(article.get("articleBody")) if article else None
    return Metadata(
        title=_title(tree, meta, article),
        authors=find_authors(tree, meta, article, near, walk),
        published=published,
        modified=modified,
        language=_language(tree, meta, article),
        canonical_url=_canonical(tree, meta, url),
        description=meta.get("description") or meta.get("og:description"),
        site_name=meta.get("og:site_name"),
        og_type=(meta.get("og:type") or "").lower() or None,
        ld_types={t for obj in objects for t in jsonld.types_of(obj)},
        ld_body=body,
        paywalled=_paywalled(article, meta),
        image=_image(meta, article, url),
    )


def _image(meta: dict[str, str], article: dict[str, Any] | None, url: str | None) -> str | None:
    """og:image (or twitter:image), else the article object's JSON-LD ``image``."""
    value = _first(meta, ("og:image", "og:image:url", "og:image:secure_url", "twitter:image",
                          "twitter:image:src"))
    if not value and article is not None:
        value = _ld_image(article.get("image"))
    if not value or value.startswith("data:"):
        return None
    return urljoin(url or "", html.unescape(value.strip()))


def _ld_image(value: Any, depth: int = 0) -> str | None:
    """A JSON-LD image value: a URL, an ImageObject, or a list of either (the first)."""
    if depth > 3 or value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return _ld_image(value[0], depth + 1) if value else None
    if isinstance(value, dict):
        return _ld_image(value.get("url") or value.get("contentUrl"), depth + 1)
    return None
