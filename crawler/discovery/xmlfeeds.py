"""Read RSS, Atom, RDF feeds and XML sitemaps into discovered URLs, streaming, no scrapy.

Both are parsed with lxml's ``iterparse`` and elements are freed as they are read, so a
50 MB sitemap never becomes a whole tree in memory. Entities are not resolved and nothing
is fetched from the network (hostile XML).
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from lxml import etree

from crawler.discovery.dates import parse_date
from crawler.discovery.model import Discovered
from crawler.discovery.seeds import maybe_gunzip
from crawler.discovery.urls import normalize_url

#: Sitemaps may hold 50,000 URLs (the protocol's limit); more are ignored.
MAX_ENTRIES = 50_000
_ITEM_TAGS = {"item", "entry"}
_DATE_TAGS = ("published", "pubdate", "updated", "date", "issued", "modified")


def _local(tag: object) -> str:
    """Local name of an element tag, lower case, without namespace."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def _events(body: bytes, tags: set[str]) -> Iterator[etree._Element]:
    """Yield each finished element whose local name is in ``tags``; recover from bad XML."""
    stream = io.BytesIO(maybe_gunzip(body))
    parser = etree.iterparse(
        stream, events=("end",), recover=True, resolve_entities=False, no_network=True,
        huge_tree=False, remove_comments=True,
    )
    try:
        for _event, elem in parser:
            if _local(elem.tag) in tags:
                yield elem
                elem.clear(keep_tail=False)
                # Drop the cleared siblings too, or the root keeps one empty element per entry.
                parent = elem.getparent()
                while parent is not None and elem.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError:
        return


def xml_problem(body: bytes) -> str | None:
    """What is wrong with an XML document (``truncated or malformed XML: ...``), or None.

    A strict streaming parse, for a feed or sitemap that gave no entries with recovery on.
    """
    parser = etree.iterparse(io.BytesIO(maybe_gunzip(body)), events=("end",),
                             resolve_entities=False, no_network=True, huge_tree=False)
    try:
        for _event, elem in parser:
            elem.clear(keep_tail=False)
    except etree.XMLSyntaxError as exc:
        return f"truncated or malformed XML: {str(exc).splitlines()[0][:120]}"
    return None


def parse_feed(body: bytes, base_url: str) -> list[Discovered]:
    """Return the article links of an RSS 2.0, RSS 1.0 (RDF) or Atom feed, with their dates."""
    found: list[Discovered] = []
    for item in _events(body, _ITEM_TAGS):
        link, date, modified = _feed_item(item)
        url = normalize_url(link, base_url) if link else None
        if url:
            found.append(Discovered(url, "article", parse_date(date), parse_date(modified)))
        if len(found) >= MAX_ENTRIES:
            break
    return found


def _feed_item(item: etree._Element) -> tuple[str | None, str | None, str | None]:
    """The link, best date and modification date of one feed ``item``/``entry`` element."""
    link: str | None = None
    dates: dict[str, str] = {}
    for child in item:
        name = _local(child.tag)
        if name == "link":
            rel = child.get("rel", "alternate")
            href = child.get("href") or (child.text or "").strip()
            if href and rel == "alternate" and link is None:
                link = href
        elif name == "guid" and link is None and child.get("isPermaLink", "true") == "true":
            link = (child.text or "").strip() or None
        elif name in _DATE_TAGS and child.text:
            dates.setdefault(name, child.text)
    date = next((dates[t] for t in _DATE_TAGS if t in dates), None)
    return link, date, dates.get("updated") or dates.get("modified")


def parse_sitemap(body: bytes, base_url: str) -> list[Discovered]:
    """Return the URLs of a sitemap, sitemap index or Google News sitemap.

    Entries of an index get role ``sitemap``; those of a urlset get ``article`` when they carry
    Google News markup or look like articles later, else ``unknown``.
    """
    found: list[Discovered] = []
    for elem in _events(body, {"url", "sitemap"}):
        loc, lastmod, is_news, modified = _sitemap_entry(elem)
        url = normalize_url(loc, base_url) if loc else None
        if url:
            role = "article" if is_news else "unknown"
            if _local(elem.tag) == "sitemap":
                role = "sitemap"
            found.append(Discovered(url, role, parse_date(lastmod), parse_date(modified)))
        if len(found) >= MAX_ENTRIES:
            break
    return found


def _sitemap_entry(elem: etree._Element) -> tuple[str | None, str | None, bool, str | None]:
    """``loc``, best date, whether the entry has ``news:news`` markup, and ``lastmod``."""
    loc = lastmod = news_date = None
    is_news = False
    for child in elem.iter():
        name = _local(child.tag)
        if name == "loc" and loc is None:
            loc = (child.text or "").strip() or None
        elif name == "lastmod":
            lastmod = child.text
        elif name == "news":
            is_news = True
        elif name == "publication_date":
            news_date = child.text
    return loc, news_date or lastmod, is_news, lastmod


def parse_text_sitemap(body: bytes, base_url: str) -> list[Discovered]:
    """Return the URLs of a plain-text sitemap (one URL per line)."""
    found: list[Discovered] = []
    for line in maybe_gunzip(body).decode("utf-8", "replace").splitlines():
        line = line.strip()
        url = normalize_url(line) if line.startswith(("http://", "https://")) else None
        if url:
            found.append(Discovered(url, "unknown"))
        if len(found) >= MAX_ENTRIES:
            break
    return found
