"""Authors of a page: structured data, meta tags, author markup, then a visible byline."""

from __future__ import annotations

import re
from typing import Any

import lxml.etree
from lxml.html import HtmlElement

from crawler.extract import jsonld
from crawler.extract.datelines import Classed, short_text
from crawler.extract.headline import HeadlineLines, Line
from crawler.extract.text import normalize

AUTHOR_META = ("author", "article:author", "parsely-author", "dc.creator", "sailthru.author",
               "byl", "cxenseparse:author")  # fmt: skip
_BY_PREFIX = re.compile(r"^\s*(?:[^\W\d_]+\s+){0,3}?(?:by|von|par|por)\s+", re.IGNORECASE)
# Microdata author elements and rel=author links, in page order. Found by their attribute
# (``//@itemprop[...]/..``): a test on every element (``//*[@itemprop=...]``) costs 3x more.
_AUTHOR_XPATH = lxml.etree.XPath('//@itemprop[.="author"]/.. | //a[@rel="author"]')
# Class attributes of byline elements (substrings, case-sensitive, as XPath contains()).
_BYLINE_CLASS = re.compile("byline|author")
_MAX_BYLINES = 5
# Longer than this, an element is a column, not a byline (read no further).
_MAX_BYLINE_SOURCE = 2000
# What follows the names in a byline: a date, a role, a separator.
# (A number starts the tail; digits inside a word belong to a user name such as "lulug30".)
_BYLINE_TAIL = re.compile(r"\s*(?:[|•·—–»«]|\s-\s|\bon\b|\bupdated\b|(?<!\w)\d)", re.IGNORECASE)
_NUMBER = re.compile(r"(?<!\w)\d")
_ROLE = re.compile(
    r"editor|correspondent|reporter|writer|staff|contributor|columnist|producer|journalist|"
    r"news|press|agency|bureau|writer|staff|associated|cnn|ap\b",
    re.IGNORECASE,
)
_CALENDAR = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|"
    "april|may|june|july|august|september|october|november|december"
)
_CALENDAR_WORD = re.compile(
    rf"(?:{_CALENDAR}|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?", re.IGNORECASE
)
_CALENDAR_TAIL = re.compile(rf"\s+(?:{_CALENDAR})\b.*$", re.IGNORECASE)
_NAME = re.compile(r"(?:[A-ZÀ-Þ][\w'’.-]+\s){1,3}[A-ZÀ-Þ][\w'’.-]+")
# "By", "Written by", "Posted by", "Author:" (and the same in a few languages) before names.
_BYLINE_LABEL = re.compile(
    r"^(?:(?:written|posted)\s+)?(?:by|von|par|por|door)\b\s*:?\s*|^(?:author|autor|auteur)s?\s*:\s*",
    re.IGNORECASE,
)
# One to four words of a name, the first capitalised ("Ana de la Cruz", "Sofia Gonzalez").
_PERSON = re.compile(r"[A-ZÀ-Þ][\w'’.-]*(?:\s[\w'’.-]+){0,3}")
_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&)\s*")
# Words of a label that stands where a name should ("Topic Author", "Posted by"): no name.
_LABEL_WORDS = frozenset(
    "author authors topic thread starter original poster posted written by guest admin "
    "administrator anonymous member moderator unknown "
    # what lists are sorted "by" ("By Category", "By Price"): not a byline
    "category categories date price topic type popularity relevance newest oldest".split()
)
# How far above the first author element the others may sit (one byline, not many posts).
_GROUP_DEPTH = 3
_MAX_AUTHORS = 5


def find_authors(
    tree: HtmlElement,
    meta: dict[str, str],
    article: dict[str, Any] | None,
    near: HeadlineLines,
    walk: Classed | None = None,
) -> tuple[str, ...]:
    """Author names of the page, tidied, without duplicates or organisations (``walk``: the
    page's classed elements, when another reader walked them)."""
    names = _person_names(article.get("author")) if article else []
    if not names:
        value = next((meta[k] for k in AUTHOR_META if k in meta), None)
        if value and not value.startswith("http"):
            names = _SPLIT.split(value)
    if not names:
        names = [_element_name(e) for e in _one_group(_name_elements(_AUTHOR_XPATH(tree)))]
    if not names:
        names = _byline_names(walk or Classed(tree))
    if not names:
        names = headline_byline(near.lines)
    cleaned: list[str] = []
    for raw in names:
        name = tidy_name(raw)
        if name and len(name) < 80 and name not in cleaned:
            cleaned.append(name)
    return tuple(cleaned[:_MAX_AUTHORS])


def headline_byline(lines: list[Line]) -> list[str]:
    """Names in a "By ..." or "Written by" line near the headline (or in the line after it)."""
    for index, (raw, _element) in enumerate(lines):
        text = normalize(raw)
        label = _BYLINE_LABEL.match(text) if len(text) <= 80 else None
        if label is None:
            continue
        rest = text[label.end() :].strip()
        if not rest and index + 1 < len(lines):
            rest = normalize(lines[index + 1][0])
        rest = _BYLINE_TAIL.split(rest, maxsplit=1)[0]
        names = [part for part in _SPLIT.split(rest) if _PERSON.fullmatch(part)]
        if names:
            return names[:_MAX_AUTHORS]
    return []


def _person_names(value: Any) -> list[str]:
    """JSON-LD author names, leaving out organisations (the publisher is not a byline)."""
    items = value if isinstance(value, list) else [value]
    people = [
        item
        for item in items
        if not (isinstance(item, dict) and jsonld.types_of(item) & {"organization", "corporation"})
    ]
    return jsonld.names_of(people)


def _name_elements(found: list[HtmlElement]) -> list[HtmlElement]:
    """The elements holding the names: a microdata author's ``itemprop=name``, or itself."""
    elements = []
    for element in found[:20]:
        if element.get("itemprop") == "author":
            names = element.xpath('.//*[@itemprop="name"]')
            if names:
                elements.extend(names[:1])
                continue
            if element.get("itemscope") is not None:
                continue
        elements.append(element)
    return elements


def _element_name(element: HtmlElement) -> str:
    """The name an author element carries (a ``<meta content>`` or its text)."""
    if element.tag == "meta":
        return element.get("content") or ""
    return normalize(element.text_content())


def _one_group(elements: list[HtmlElement]) -> list[HtmlElement]:
    """The first author element and those near it: one byline, not every post of a thread."""
    if not elements:
        return []
    anchor = elements[0]
    for _ in range(_GROUP_DEPTH):
        parent = anchor.getparent()
        if parent is None or parent.tag == "body":
            break
        anchor = parent
    return [e for e in elements[:20] if e is anchor or anchor in e.iterancestors()]


def tidy_name(raw: str) -> str:
    """ "By TOM KRISHER, AP Auto Writer" -> "TOM KRISHER"; "Jeff Foust Monday" -> "Jeff Foust"."""
    lines = [line for line in (normalize(part) for part in raw.splitlines()) if line]
    # "Author\nIsaiah Shelton", "StarredSkies\nBig Board Owner": a label above, a role below.
    lines = [line for line in lines if not _is_label(line)]
    name = _BY_PREFIX.sub("", lines[0]) if lines else ""
    name = _BYLINE_TAIL.split(name, maxsplit=1)[0]
    head, comma, tail = name.partition(",")
    if comma and _ROLE.search(tail):
        name = head
    name = _CALENDAR_TAIL.sub("", name).strip(" ,;:")
    if _NUMBER.search(name) or _CALENDAR_WORD.fullmatch(name) or _is_label(name):
        return ""
    return name


def _is_label(text: str) -> bool:
    """True for a label only ("Author", "Written by", "Topic Author")."""
    words = re.findall(r"\w+", text.lower())
    return bool(words) and all(word in _LABEL_WORDS for word in words)


def _byline_names(walk: Classed) -> list[str]:
    """Names in a visible byline ("By Ana Ruiz and Tom Li"), when nothing else names them."""
    for element in walk.matching(_BYLINE_CLASS, _MAX_BYLINES):
        raw = short_text(element, _MAX_BYLINE_SOURCE)
        text = normalize(raw) if raw is not None else ""
        if not 3 < len(text) < 120:
            continue
        if _BY_PREFIX.match(text):
            text = _BYLINE_TAIL.split(_BY_PREFIX.sub("", text), maxsplit=1)[0]
            parts = _SPLIT.split(text)
            return [p for p in parts if p and not _ROLE.search(p)][:_MAX_AUTHORS]
        if _NAME.fullmatch(text):
            return [text]
    return []
