"""The standfirst: the summary paragraph news pages set under the headline, before the body.

Pages set it above or beside the body, often outside the body's container and under class
names that cleaning removes (``standfirst``, ``dek``, ``summary``), so the candidates are read
before cleaning; the one kept is the last candidate between the headline and the body's first
block (see :func:`choose`).
"""

from __future__ import annotations

import re
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
_CONTAINERS = frozenset({"li", "a", "nav", "aside", "footer", "figure", "button", "form"})
_LEAD_TAGS = ("p", "div", "h2", "h3", "span", "section", "header")
# Tags read for a copy of the description (named candidates may be any of the above).
_PLAIN_TAGS = frozenset({"p", "h2", "h3"})
_SENTENCE = re.compile(r"[.!?…:;\"'”’)»。]$")


@dataclass(frozen=True, slots=True)
class LeadCandidate:
    """A paragraph that may be the standfirst, read before cleaning."""

    element: HtmlElement
    text: str


def candidates(tree: HtmlElement, description: str | None, title: str | None) -> list[
        LeadCandidate]:
    """Elements that look like a standfirst: named so, marked up so, or the page's
    description set as a paragraph near the headline."""
    found: list[LeadCandidate] = []
    wanted = _fold(description) if description and len(description) >= _MIN_CHARS else None
    folded_title = _fold(title) if title else ""
    seen: set[HtmlElement] = set()
    for element in tree.iter(*_LEAD_TAGS):
        named = _named(element)
        if not named and (wanted is None or element.tag not in _PLAIN_TAGS):
            continue
        text = _text(element)
        if text is None or _fold(text) == folded_title:
            continue
        if named or _same_text(_fold(text), wanted):
            if any(a in seen for a in element.iterancestors()) or _in_container(element):
                continue
            seen.add(element)
            found.append(LeadCandidate(element, text))
    return found


def _named(element: HtmlElement) -> bool:
    if (element.get("itemprop") or "").lower() in ("description", "abstract"):
        return True
    names = " ".join(filter(None, (element.get("class"), element.get("id"))))
    if not names or len(names) > 200:
        return False
    if not names.islower():
        names = _CAMEL.sub(r"\1-\2", names)
    return _LEAD_NAMES.search(names) is not None and _NOT_LEAD.search(names) is None


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


def choose(
    found: list[LeadCandidate],
    order: dict[HtmlElement, int],
    headline: int,
    body_start: int,
    body_texts: list[str],
) -> LeadCandidate | None:
    """The standfirst: the last candidate after the headline (position ``headline``) and
    before the body's first block (``body_start``) whose text the body does not hold."""
    best: LeadCandidate | None = None
    folded = [_fold(t) for t in body_texts[:3]]
    for candidate in found:
        at = order.get(candidate.element, -1)
        if not headline < at < body_start:
            continue
        text = _fold(candidate.text)
        if any(text in body or body in text for body in folded if len(body) >= _MIN_CHARS):
            continue
        if best is None or at > order.get(best.element, -1):
            best = candidate
    return best


def looks_like_prose(text: str) -> bool:
    """A standfirst ends like a sentence (a label or kicker does not)."""
    return _SENTENCE.search(text) is not None
