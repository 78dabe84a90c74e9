"""The standfirst: the summary paragraph news pages set under the headline, before the body.

Pages set it above or beside the body, often outside the body's container and under class
names that cleaning removes (``standfirst``, ``dek``, ``summary``), so the candidates are read
before cleaning with their place in the page; the one kept is the last candidate between the
headline and the body's first block (see :func:`choose`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml.html import HtmlElement

from crawler.extract import patterns
from crawler.extract.text import normalize

_LEAD_NAMES = re.compile(
    r"(?:^|[\s_-])(?:standfirst|stand-first|dek|deck|lede|lead|leadin|lead-in|intro|"
    r"introduction|summary|subtitle|sub-title|subheadline|sub-headline|strapline|"
    r"excerpt|abstract|description|synopsis|teaser-text|kurztext|chapo|chapeau|"
    r"entradilla|sottotitolo|bajada|bigode|linha-fina|olho)(?:$|[\s_-])",
    re.IGNORECASE,
)
_CAMEL = re.compile(r"([a-z])([A-Z])")
_NOT_LEAD = re.compile(r"image|img|photo|video|media|caption|figure|credit|list|item|card|"
                       r"teaser(?!-text)|related|promo|nav|menu|table|toc|box", re.IGNORECASE)
_MIN_CHARS, _MAX_CHARS = 40, 700
_WINDOW = 8  # paragraphs after the headline that may still be the standfirst
_CONTAINERS = frozenset({"li", "a", "nav", "aside", "footer", "figure", "button", "form"})
_LEAD_TAGS = ("p", "div", "h2", "h3")
# Tags read for a copy of the description (named candidates may be any of the above).
_PLAIN_TAGS = frozenset({"p", "h2", "h3"})
_SENTENCE = re.compile(r"[.!?…:;\"'”’)»。]$")


@dataclass(frozen=True, slots=True)
class LeadCandidate:
    """A paragraph that may be the standfirst, read before cleaning."""

    element: HtmlElement
    text: str
    #: Its place among the elements read after the headline (see :class:`Leads`).
    position: int = 0


@dataclass(frozen=True, slots=True)
class Leads:
    """The standfirst candidates of a page, and the place of every element read after the
    headline (cleaning may remove a candidate's container: its place is kept here)."""

    found: tuple[LeadCandidate, ...] = ()
    positions: dict[HtmlElement, int] | None = None


def candidates(tree: HtmlElement, description: str | None, title: str | None) -> Leads:
    """Elements that look like a standfirst: named so, marked up so, or the page's
    description set as a paragraph near the headline."""
    found: list[LeadCandidate] = []
    positions: dict[HtmlElement, int] = {}
    wanted = _fold(description) if description and len(description) >= _MIN_CHARS else None
    folded_title = _fold(title) if title else ""
    seen: set[HtmlElement] = set()
    verdicts: dict[str, bool] = {}
    paragraphs = 0
    # Only what follows the headline, up to the first few paragraphs (the body starts there).
    for element in _after_headline(tree):
        positions[element] = len(positions)
        if element.tag == "p":
            paragraphs += 1
            if paragraphs > _WINDOW:
                break
        named = _named(element, verdicts)
        if not named and (wanted is None or element.tag not in _PLAIN_TAGS
                          or not _may_be(element, wanted)):
            continue
        text = _text(element)
        if text is None or _fold(text) == folded_title:
            continue
        if named or _same_text(_fold(text), wanted):
            if any(a in seen for a in element.iterancestors()) or _in_container(element):
                continue
            seen.add(element)
            found.append(LeadCandidate(element, text, positions[element]))
    return Leads(tuple(found), positions) if found else Leads()


def _may_be(element: HtmlElement, wanted: str) -> bool:
    """Whether the element's first words can open ``wanted`` (a cheap test before its text)."""
    head = element.text
    if not head or not head.strip():
        return True
    start = _fold(head)[:24]
    return wanted.startswith(start)


def _after_headline(tree: HtmlElement) -> Iterator[HtmlElement]:
    """The elements that may hold a standfirst after the first ``<h1>``, in page order (the
    whole page when it has none)."""
    headline = next(tree.iter("h1"), None)
    if headline is None:
        yield from tree.iter(*_LEAD_TAGS)
        return
    node: HtmlElement | None = headline
    while node is not None:
        for sibling in node.itersiblings():
            yield from sibling.iter(*_LEAD_TAGS)
        node = node.getparent()


def _named(element: HtmlElement, verdicts: dict[str, bool]) -> bool:
    if (element.get("itemprop") or "").lower() in ("description", "abstract"):
        return True
    names = " ".join(filter(None, (element.get("class"), element.get("id"))))
    if not names or len(names) > 200:
        return False
    verdict = verdicts.get(names)
    if verdict is None:
        spaced = names if names.islower() else _CAMEL.sub(r"\1-\2", names)
        verdict = _LEAD_NAMES.search(spaced) is not None and _NOT_LEAD.search(spaced) is None
        verdicts[names] = verdict
    return verdict


def _text(element: HtmlElement) -> str | None:
    """The element's text when it reads as one short paragraph of prose."""
    if next(element.iter("h1", "ul", "ol", "table", "figure", "img"), None) is not None:
        return None
    blocks = sum(1 for _ in element.iter("p", "div", "br"))
    if blocks > 3:
        return None
    text = normalize(element.text_content().replace("\n", " "))
    if not _MIN_CHARS <= len(text) <= _MAX_CHARS or len(text.split()) < 6:
        return None
    links = sum(len(a.text_content()) for a in element.iter("a"))
    if links > len(text) * 0.3:
        return None
    if patterns.PROMPT_TEXT.search(text) or patterns.BYLINE_TEXT.match(text):
        return None
    return text


def _in_container(element: HtmlElement) -> bool:
    """Inside a teaser card, a link, or furniture: not the page's own standfirst."""
    for index, ancestor in enumerate(element.iterancestors()):
        if ancestor.tag in _CONTAINERS and (ancestor.tag != "aside" or index < 3):
            return True
    return False


def _same_text(text: str, wanted: str | None) -> bool:
    if not wanted:
        return False
    if text == wanted:
        return True
    # Descriptions are often the standfirst cut short with an ellipsis.
    stem = wanted.rstrip(".…").rstrip()
    return len(stem) >= _MIN_CHARS and text.startswith(stem)


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


def choose(leads: Leads, body_start: HtmlElement, body_texts: list[str]) -> LeadCandidate | None:
    """The standfirst: the last candidate read before the body's first block (``body_start``)
    whose text the body does not hold already."""
    if leads.positions is None:
        return None
    start = leads.positions.get(body_start)
    folded = [_fold(t) for t in body_texts[:3]]
    best: LeadCandidate | None = None
    for candidate in leads.found:
        if start is not None and candidate.position >= start:
            break
        text = _fold(candidate.text)
        if any(text in body or body in text for body in folded if len(body) >= _MIN_CHARS):
            continue
        best = candidate
    return best


def looks_like_prose(text: str) -> bool:
    """A standfirst ends like a sentence (a label or kicker does not)."""
    return _SENTENCE.search(text) is not None
