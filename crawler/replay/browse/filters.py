"""Template helpers of the archive browser: times, replay links, query links, marked snippets."""

from __future__ import annotations

import urllib.parse

from jinja2 import Environment
from markupsafe import Markup, escape

from crawler.store.browse import MARK_END, MARK_START


def when(value: str | None) -> str:
    """A store time (``2026-12-05T23:25:18Z``) as ``2026-12-05 23:25 UTC``; "" for None."""
    if not value:
        return ""
    text = str(value)
    if len(text) >= 16 and text[10] == "T":
        return f"{text[:10]} {text[11:16]} UTC"
    return text


def ts14(value: str) -> str:
    """A store time as pywb's 14-digit timestamp (``20261205232518``)."""
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    return digits[:14].ljust(14, "0")


def marked(snippet: str) -> Markup:
    """A search snippet, escaped, with its matched words in ``<mark>``."""
    text = str(escape(snippet))
    return Markup(text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a cleaned text (one per line; blank lines dropped)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def href(path: str, **params: object) -> str:
    """``path`` with the non-empty parameters as its query string."""
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return path + ("?" + urllib.parse.urlencode(kept) if kept else "")


def list_href(form: dict[str, str], **extra: object) -> str:
    """The article list with the same search and filters (plus ``extra``, e.g. a cursor)."""
    return href("/", **{**form, **extra})


def thousands(number: int) -> str:
    """An integer with thousands separators."""
    return f"{number:,}"


def install(env: Environment) -> None:
    """Register the helpers as filters and globals of ``env``."""
    env.filters.update(when=when, ts14=ts14, marked=marked, paragraphs=paragraphs,
                       thousands=thousands)
    env.globals.update(href=href, list_href=list_href)
