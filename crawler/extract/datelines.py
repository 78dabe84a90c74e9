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
# What any reader of :class:`Classed` looks for (date lines here, bylines in authors.py).
_ANY_CLASS_WORD = re.compile("date|time|publish|posted|byline|meta|author")
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


class Classed:
    """The body's elements whose class attribute names a date, time, byline, meta line or
    author, walked once for every reader (the date and the byline readers look for both on
    most pages that need them): lazily, in document order."""

    def __init__(self, tree: HtmlElement) -> None:
        """Nothing is walked until a reader asks."""
        self._walk = self._elements(tree)
        self._seen: list[tuple[HtmlElement, str]] = []

    @staticmethod
    def _elements(tree: HtmlElement) -> Iterator[tuple[HtmlElement, str]]:
        body = tree.find("body")
        if body is None:
            return
        for element in body.iterdescendants():
            names = element.get("class")
            if names and _ANY_CLASS_WORD.search(names):
                yield element, names

    def matching(self, words: re.Pattern[str], limit: int) -> Iterator[HtmlElement]:
        """The first ``limit`` elements whose class attribute ``words`` finds, in document
        order (``words`` finds nothing :data:`_ANY_CLASS_WORD` does not). Walked lazily: what
        is looked for is usually near the top, and a whole-tree XPath query costs
        milliseconds on a big page."""
        found = index = 0
        while found < limit:
            if index == len(self._seen):
                step = next(self._walk, None)
                if step is None:
                    return
                self._seen.append(step)
            element, names = self._seen[index]
            index += 1
            if words.search(names):
                found += 1
                yield element


def class_date(tree: HtmlElement, walk: Classed | None = None) -> date | None:
    """A date in a short element whose class names a date, time, byline or meta line."""
    walk = walk or Classed(tree)
    for element in walk.matching(_CLASS_WORDS, _MAX_CLASS_LINES):
        text = short_text(element, _MAX_CLASS_LINE)
        found = find_date_in_text(text) if text is not None else None
        if found is not None:
            return found
    return None


def short_text(element: HtmlElement, limit: int) -> str | None:
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
