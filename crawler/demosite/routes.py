"""Map a request path of the demo site to a page: status, content type, body, Last-Modified."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from crawler.demosite import content, images, pages, xmldocs
from crawler.demosite.model import Site

HTML_TYPE = "text/html; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"
_PAGED = re.compile(r"^(?P<base>/(?:[a-z]+/|author/[a-z0-9-]+/|tag/[a-z]+/))(?:page/(?P<n>\d+)/)?$")


@dataclass(frozen=True)
class Page:
    """One answer of the demo site."""

    status: int
    content_type: str
    body: bytes
    last_modified: datetime | None = None


def not_found(site: Site) -> Page:
    """The 404 page."""
    html = pages.simple_page(site, "Page not found", "Sorry, we could not find that page.")
    return Page(404, HTML_TYPE, html.encode())


def route(site: Site, path: str, base: str) -> Page:
    """Answer ``path`` (query string removed) for the site served at ``base``."""
    xml = _xml_route(site, path, base)
    if xml is not None:
        return Page(200, xml[0], xml[1].encode(), site.updated)
    if path in ("/", "/index.html"):
        return Page(200, HTML_TYPE, pages.home(site).encode(), site.updated)
    article = site.by_path.get(path)
    if article is not None:
        html = pages.article_page(site, article, base)
        return Page(200, HTML_TYPE, html.encode(), article.modified)
    listed = _list_route(site, path)
    if listed is not None:
        return Page(200, HTML_TYPE, listed.encode(), site.updated)
    return _static_route(site, path) or not_found(site)


def _xml_route(site: Site, path: str, base: str) -> tuple[str, str] | None:
    """robots.txt, the feed and the sitemaps."""
    if path == "/robots.txt":
        return "text/plain; charset=utf-8", xmldocs.robots_txt(base)
    makers = {
        "/feed.xml": ("application/rss+xml; charset=utf-8", xmldocs.rss),
        "/sitemap_index.xml": (XML_TYPE, xmldocs.sitemap_index),
        "/sitemap-news.xml": (XML_TYPE, xmldocs.news_sitemap),
        "/sitemap-pages.xml": (XML_TYPE, xmldocs.pages_sitemap),
    }
    if path not in makers:
        return None
    ctype, make = makers[path]
    return ctype, make(site, base)


def _list_route(site: Site, path: str) -> str | None:
    """Section, author and tag pages, paginated."""
    match = _PAGED.match(path)
    if not match:
        return None
    base, page = match.group("base"), int(match.group("n") or 1)
    parts = [p for p in base.split("/") if p]
    if len(parts) == 1:
        label = dict(content.SECTIONS).get(parts[0])
        return pages.listing(site, label, base, site.in_section(parts[0]), page) if label else None
    if parts[0] == "author":
        names = {content.slugify(a): a for a in site.authors}
        name = names.get(parts[1])
        return pages.listing(site, name, base, site.by_author(name), page) if name else None
    if parts[1] in content.TAGS:
        return pages.listing(site, f"Topic: {parts[1]}", base, site.tagged(parts[1]), page)
    return None


def _static_route(site: Site, path: str) -> Page | None:
    """About, opinion, search, private pages, the stylesheet and the images."""
    if path == "/opinion/":
        html = pages.opinion_page(site)
    elif path == "/about/":
        html = pages.simple_page(site, "About us", "The Daily Demo is a made-up newspaper.")
    elif path == "/search":
        html = pages.simple_page(site, "Search", "Type a word to search the archive.")
    elif path.startswith("/private/"):
        html = pages.simple_page(site, "Staff only", "This page must never be crawled.")
    elif path == "/static/site.css":
        css = b"body{font-family:serif}.site-header{background:url(masthead.png) repeat-x}"
        return Page(200, "text/css", css, site.updated)
    elif images.image(path) is not None:
        ctype, body = images.image(path) or ("", b"")
        return Page(200, ctype, body, site.updated)
    else:
        return None
    return Page(200, HTML_TYPE, html.encode(), site.updated)
