"""Find the links of an HTML page in an already parsed lxml tree (pure, no scrapy)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from crawler.discovery.model import Discovered
from crawler.discovery.urls import in_scope, looks_like_asset, normalize_url, url_page_hint

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json"}
)
#: Links inside these elements are still followed (navigation finds sections), but a page
#: is never asked to yield more than ``max_links`` of them.
DEFAULT_MAX_LINKS = 2000


@dataclass(frozen=True, slots=True)
class LinkOptions:
    """What to look for: scope, caps, and whether feeds count."""

    allowed_domains: frozenset[str] = frozenset()
    max_links: int = DEFAULT_MAX_LINKS
    find_feeds: bool = True


def page_base(root: HtmlElement, url: str) -> str:
    """The base URL links resolve against: ``<base href>`` if present, else the page URL."""
    base = root.find(".//base[@href]")
    if base is not None:
        return normalize_url(base.get("href", ""), url) or url
    return url


def extract_links(
    root: HtmlElement, url: str, options: LinkOptions | None = None
) -> list[Discovered]:
    """Return the in-scope links of the page rooted at ``root`` (an lxml element), in order.

    ``<a>``/``<area>`` hrefs become pages (role from the URL's shape); ``<link rel=alternate>``
    with a feed type becomes a ``feed``. Assets, nofollow links, off-scope hosts and duplicates
    are left out.
    """
    options = options or LinkOptions()
    base = page_base(root, url)
    seen: set[str] = set()
    hrefs: set[str] = set()
    found: list[Discovered] = []
    for elem in root.iter("a", "area", "link"):
        href = elem.get("href")
        # Most hrefs of a page repeat or leave the site: skip those before normalising.
        if not href or href in hrefs or _off_scope(href, base, options.allowed_domains):
            continue
        hrefs.add(href)
        item = _link_of(elem, base, options)
        if item is None or item.url in seen or not in_scope(item.url, options.allowed_domains):
            continue
        seen.add(item.url)
        found.append(item)
        if len(found) >= options.max_links:
            break
    return found


def _off_scope(href: str, base: str, allowed: frozenset[str]) -> bool:
    """Cheap pre-check: an absolute href whose host is plainly not allowed."""
    if not allowed or not href.startswith(("http://", "https://", "//")):
        return False
    host = href.split("//", 1)[1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    host = host.rsplit("@", 1)[-1]
    if host.startswith("["):  # IPv6 literal: leave it to the full check
        return False
    host = host.split(":", 1)[0].lower()
    return bool(host) and not any(host == d or host.endswith("." + d) for d in allowed)


def _link_of(elem: HtmlElement, base: str, options: LinkOptions) -> Discovered | None:
    """The discovered link of one ``a``/``area``/``link`` element, or None to skip it."""
    href = elem.get("href")
    if not href:
        return None
    rel = (elem.get("rel") or "").lower()
    if elem.tag == "link":
        kind = (elem.get("type") or "").lower()
        if not options.find_feeds or "alternate" not in rel or kind not in _FEED_TYPES:
            return None
        url = normalize_url(href, base)
        return Discovered(url, "feed") if url else None
    if "nofollow" in rel:
        return None
    url = normalize_url(href, base)
    if url is None or looks_like_asset(url):
        return None
    return Discovered(url, url_page_hint(url))
