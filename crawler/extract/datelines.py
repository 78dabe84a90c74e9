"""Visible date lines: the date printed by the headline or the byline, when no markup says it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from lxml.html import HtmlElement

from crawler.extract.dates import find_date_in_text, find_short_numeric_date
from crawler.extract.headline import Line

_MAX_LINE = 100
# A date after these words is when the page changed, not when it was published.
_CHANGED = re.compile(
    r"\b(?:updated|modified|edited|revised|aktualisiert|geändert|mis à jour|actualizado|"
    r"atualizado|aggiornato)\b",
    re.IGNORECASE,
)
# Class attributes that name a date line (substrings, case-sensitive, as XPath contains()).
_CLASS_WORDS = re.compile("date|time|publish|posted|byline|meta")
_MAX_CLASS_LINES = 50
_MAX_CLASS_LINE = 200


def headline_date(lines: list[Line]) -> date | None:
    """The first publication date written in a short line near the headline."""
    for text, element in lines:
        found = line_date(text)
        if found is None and len(text.strip()) < 12:
            # "December <b>13</b>, 2025": the date spans elements; read the element's line.
            found = line_date(element.text_content())
        if found is not None:
            return found
    return None


def class_date(tree: HtmlElement) -> date | None:
    """A date in a short element whose class names a date, time, byline or meta line."""
    for element in _classed(tree):
        text = _short_text(element, _MAX_CLASS_LINE)
        found = find_date_in_text(text) if text is not None else None
        if found is not None:
            return found
    return None


def _classed(tree: HtmlElement) -> Iterator[HtmlElement]:
    """The first elements in the body whose class names a date line (walked lazily: the
    date is usually near the top, and a whole-tree query costs milliseconds)."""
    body = tree.find("body")
    if body is None:
        return
    found = 0
    for element in body.iterdescendants():
        names = element.get("class")
        if names and _CLASS_WORDS.search(names):
            yield element
            found += 1
            if found >= _MAX_CLASS_LINES:
                return


def _short_text(element: HtmlElement, limit: int) -> str | None:
    """The element's text when it is at most ``limit`` characters (a class such as "meta"
    may name a whole column: stop reading as soon as it is too long)."""
    parts = []
    size = 0
    for part in element.itertext():
        size += len(part) + 1
        if size > limit + 1:
            return None
        parts.append(part)
    return " ".join(parts)


def line_date(text: str) -> date | None:
    """The publication date of one short line of text (the part before "updated" only)."""
    text = text.strip()
    if not text or len(text) > _MAX_LINE:
        return None
    changed = _CHANGED.search(text)
    if changed:
        text = text[: changed.start()]
    # Two numbers and a year are read only in a line that looks like a date line.
    return find_date_in_text(text) or find_short_numeric_date(text)
