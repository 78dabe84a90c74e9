"""The archive browser's pages: each view turns a request into a template name and its context."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup, escape

from crawler.exceptions import UserError
from crawler.replay.layout import ArchiveLayout
from crawler.replay.pywbroot import COLLECTION
from crawler.store import reader
from crawler.store.browse import (
    ORDERS,
    RANK_CAP,
    ArticleFilter,
    distinct_values,
    list_articles,
    list_pages,
)
from crawler.store.model import Article, Page
from crawler.store.textdiff import Style, pick_versions, word_counts, word_diff

#: Most captures the no-store fallback lists (read from the CDXJ indexes).
INDEX_LISTING_LIMIT = 500
#: A number parameter: an optional minus and up to 18 ASCII digits (fits SQLite's 64 bits).
_NUMBER_RE = re.compile(r"-?[0-9]{1,18}")


class NotFound(Exception):
    """The requested article or page is not in the archive (HTTP 404)."""


@dataclass(frozen=True)
class Request:
    """A browser request: its query parameters (last value of each) and the archive folder."""

    params: dict[str, str]
    layout: ArchiveLayout
    #: The replay origin (``http://127.0.0.1:8081``); "" when replay shares this origin.
    replay_base: str = ""

    def get(self, name: str) -> str:
        """A parameter, stripped ("" when absent)."""
        return self.params.get(name, "").strip()

    def number(self, name: str) -> int | None:
        """An integer parameter; None when absent; UserError when not a number."""
        value = self.get(name)
        if not value:
            return None
        # ASCII digits only ("²".isdigit() is true), one sign, and a size SQLite can hold.
        if not _NUMBER_RE.fullmatch(value):
            raise UserError(f"{name}={value[:40]!r} is not a number: use a whole number like 2")
        return int(value)


#: A template's variables.
Context = dict[str, Any]
View = Callable[[sqlite3.Connection | None, Request], tuple[str, Context]]


class HtmlStyle(Style):
    """The word diff as HTML: every word escaped, changes in ``<del>`` and ``<ins>``."""

    def deleted(self, text: str) -> str:
        """Removed words."""
        return f"<del>{escape(text)}</del>"

    def inserted(self, text: str) -> str:
        """Added words."""
        return f"<ins>{escape(text)}</ins>"

    def equal(self, text: str) -> str:
        """Unchanged words."""
        return str(escape(text))


def _day(value: str, name: str) -> date | None:
    """A ``YYYY-MM-DD`` parameter as a date; UserError when it is not one."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{name} date {value!r} is not a date: use YYYY-MM-DD") from None


def article_filter(request: Request) -> ArticleFilter:
    """The list filter a request asks for (the ``to`` day is included)."""
    since, until = _day(request.get("from"), "from"), _day(request.get("to"), "to")
    if until is not None and until == date.max:
        raise UserError(f"to date {until.isoformat()} is too late: use a date before 9999-12-31")
    return ArticleFilter(
        query=request.get("q"),
        site=request.get("site"),
        language=request.get("lang").lower(),
        since=f"{since.isoformat()}T00:00:00Z" if since else "",
        until=f"{(until + timedelta(days=1)).isoformat()}T00:00:00Z" if until else "",
    )


def home(conn: sqlite3.Connection | None, request: Request) -> tuple[str, Context]:
    """The article list: search, filters, keyset paging (captures by URL without a store)."""
    form = {name: request.get(name) for name in ("q", "site", "lang", "from", "to", "sort")}
    if form["sort"] not in ORDERS:
        form["sort"] = "relevance" if form["q"] else "newest"
    context: Context = {"form": form, "error": "", "page": None, "sites": [], "languages": [],
                     "captures": [], "cursor": request.get("after"), "has_store": conn is not None,
                     "rank_cap": RANK_CAP}
    if conn is None:
        from crawler.replay.listing import listed_pages

        context["captures"], context["capture_total"] = listed_pages(
            request.layout, INDEX_LISTING_LIMIT
        )
        return "list.html", context
    context["sites"] = distinct_values(conn, "site")
    context["languages"] = distinct_values(conn, "language")
    try:
        context["page"] = list_articles(
            conn, article_filter(request), request.get("after") or None, form["sort"]
        )
    except UserError as exc:
        context["error"] = str(exc)
    return "list.html", context


def _need_store(conn: sqlite3.Connection | None) -> sqlite3.Connection:
    if conn is None:
        raise NotFound("this archive has no text store (articles.sqlite): crawl into it, or run "
                       "`crawler extract` on its WARC files")
    return conn


def _find_url(
    conn: sqlite3.Connection, typed: str
) -> tuple[str, list[Article], list[Page]]:
    """The URL as stored, its text versions and its captures; NotFound if it was never fetched."""
    from crawler.commands.history import url_variants

    # As typed, and as the crawler stores URLs (no #fragment; with or without a final "/").
    for url in url_variants(typed) if typed else []:
        versions = list(reader.iter_articles(conn, all_versions=True, url=url))
        captures = list(reader.iter_pages(conn, url=url))
        if versions or captures:
            return url, versions, captures
    raise NotFound(f"{typed!r} is not in this archive: give the URL as crawled")


def article(conn: sqlite3.Connection | None, request: Request) -> tuple[str, Context]:
    """One URL: its text (a chosen version), metadata, versions, captures and their decisions."""
    store = _need_store(conn)
    url, versions, captures = _find_url(store, request.get("url"))
    wanted = request.number("v")
    shown = next((v for v in versions if v.version == wanted), versions[-1] if versions else None)
    if wanted is not None and (shown is None or shown.version != wanted):
        raise NotFound(f"{url} has no version {wanted}")
    return "article.html", {
        "lead_image": _lead_image(shown, request) if shown else None,
        "url": url, "versions": versions, "shown": shown, "captures": captures,
        "latest": captures[-1] if captures else None,
        # The story's copies on other URLs (syndication clusters): itself alone is no copy.
        "copies": reader.copies(store, url) if versions else [],
    }


def _lead_image(shown: Article, request: Request) -> str | None:
    """The replay URL of the article's lead image when the archive holds it; else None."""
    from crawler.replay.browse.leadimage import archived_capture, lead_image_url

    image = lead_image_url(shown, request.layout)
    timestamp = archived_capture(request.layout, image) if image else None
    if not image or not timestamp:
        return None
    # im_: pywb serves the image as archived (no rewriting), from the replay origin.
    return f"{request.replay_base}/{COLLECTION}/{timestamp}im_/{image}"


def diff(conn: sqlite3.Connection | None, request: Request) -> tuple[str, Context]:
    """The word diff of two versions of a URL's text (the same diff as ``crawler diff``)."""
    url, versions, _ = _find_url(_need_store(conn), request.get("url"))
    if not versions:
        raise NotFound(f"{url} has no stored article text in this archive (not an article)")
    old, new = pick_versions(versions, request.number("from"), request.number("to"))
    hunks = [Markup(h) for h in word_diff(old.text, new.text, HtmlStyle())]
    added, removed = word_counts(old.text, new.text)
    return "diff.html", {
        "url": url, "versions": versions, "old": old, "new": new, "hunks": hunks,
        "added": added, "removed": removed,
    }


def pages(conn: sqlite3.Connection | None, request: Request) -> tuple[str, Context]:
    """Every fetched page with its article/list decision and reason, newest first."""
    conn = _need_store(conn)
    form = {"site": request.get("site"), "decision": request.get("decision")}
    listing = list_pages(conn, form["site"], form["decision"], request.get("after") or None)
    return "pages.html", {"form": form, "listing": listing, "sites": distinct_values(conn, "site"),
                          "cursor": request.get("after")}
