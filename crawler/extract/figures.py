"""Figures of a page, read before cleaning: image URL, alt text, caption and credit.

Cleaning removes images, ``<figure>`` and captions (they are not prose). Before it runs,
:func:`harvest` reads each figure and leaves an empty marker element in its place; the markers
that survive cleaning say where the body's figures stand among its paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml.html import HtmlElement

from crawler.extract import patterns
from crawler.extract.text import normalize

#: Tag of the marker left where a figure was (no text, no class: cleaning keeps it).
MARKER = "x-figure"
_SRC_ATTRS = ("src", "data-src", "data-lazy-src", "data-original", "data-url", "data-hi-res-src")
_SRCSET_ATTRS = ("srcset", "data-srcset", "data-lazy-srcset")
# Small images are icons, avatars, logos and tracking pixels, not figures.
_MIN_SIDE = 120
_ICON_NAMES = re.compile(r"(?:^|[\s_-])(?:icon|logo|avatar|emoji|sprite|badge|spinner|pixel)",
                         re.IGNORECASE)
_CAPTION_NAMES = re.compile(r"caption|figcaption|image-?text|img-?text|photo-?text|legend",
                            re.IGNORECASE)
_CREDIT_NAMES = re.compile(r"credit|copyright|photographer|source|byline|attribution",
                           re.IGNORECASE)
# "Photo: A. Smith", "(Credit: Reuters)", "© AFP", "Getty Images" set after a caption.
_CREDIT_TAIL = re.compile(
    r"\s*[(\[]?\s*((?:photo(?:graph)?s?|image|picture|credit|foto|bild|source)\s*(?:by|:)\s*"
    r"[^()\[\]]{2,80}|©\s*[^()\[\]]{2,80}|(?:photo|image)\s+courtesy\s+of\s+[^()\[\]]{2,80})"
    r"\s*[)\]]?\s*\.?$",
    re.IGNORECASE,
)
# A figure whose own text (caption aside) is longer than this is a layout wrapper: left alone.
_MAX_FIGURE_TEXT = 300
_MAX_CAPTION = 600


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure of the page, as found before cleaning."""

    src: str
    alt: str = ""
    caption: str = ""
    credit: str = ""


def harvest(tree: HtmlElement, url: str | None) -> list[Figure]:
    """Read the page's figures and replace each with a ``<x-figure data-i=N>`` marker."""
    found: list[Figure] = []
    seen: set[str] = set()
    for element in list(tree.iter("figure", "img")):
        if element.getparent() is None or _inside_marker_or_noscript(element):
            continue
        if element.tag == "img":
            if next(element.iterancestors("figure"), None) is not None:
                continue  # read with its figure
            figure = _standalone(element, url)
            target = _picture_of(element)
        else:
            figure = _figure(element, url)
            target = element
        if figure is None or figure.src in seen:
            continue
        seen.add(figure.src)
        marker = target.makeelement(MARKER, {"data-i": str(len(found))})
        marker.tail = target.tail
        parent = target.getparent()
        if parent is None:
            continue
        parent.replace(target, marker)
        found.append(figure)
    return found


def _inside_marker_or_noscript(element: HtmlElement) -> bool:
    return any(a.tag in ("noscript", "template", MARKER) for a in element.iterancestors())


def _picture_of(img: HtmlElement) -> HtmlElement:
    """The element an image stands in: its ``<picture>`` (removed whole by cleaning) or itself."""
    parent = img.getparent()
    return parent if parent is not None and parent.tag == "picture" else img


def _figure(element: HtmlElement, url: str | None) -> Figure | None:
    images = list(element.iter("img"))
    if not images:
        return None
    src = _image_src(images[0], url)
    if not src:
        return None
    caption_el = next(element.iter("figcaption"), None)
    caption, credit = _caption_of(caption_el) if caption_el is not None else ("", "")
    rest = normalize(element.text_content())
    if len(rest) - len(caption) > _MAX_FIGURE_TEXT:
        return None  # a figure that wraps prose: leave it to the cleaning rules
    if not caption:
        caption, credit = _nearby_caption(element)
    return Figure(src, normalize(images[0].get("alt") or ""), caption, credit)


def _standalone(img: HtmlElement, url: str | None) -> Figure | None:
    if _is_small(img):
        return None
    src = _image_src(img, url)
    if not src:
        return None
    caption, credit = _nearby_caption(img)
    return Figure(src, normalize(img.get("alt") or ""), caption, credit)


def _is_small(img: HtmlElement) -> bool:
    for side in ("width", "height"):
        value = (img.get(side) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) < _MIN_SIDE:
            return True
    names = " ".join(filter(None, (img.get("class"), img.get("id"), img.get("alt"))))
    return bool(names) and _ICON_NAMES.search(names) is not None


def _image_src(img: HtmlElement, url: str | None) -> str:
    """The image's URL: the largest ``srcset`` candidate, else ``src``/lazy-loading attributes."""
    candidates: list[str] = []
    for attr in _SRCSET_ATTRS:
        best = _largest(img.get(attr) or "")
        if best:
            candidates.append(best)
    candidates.extend((img.get(a) or "").strip() for a in _SRC_ATTRS)
    for value in candidates:
        if value and not value.startswith(("data:", "about:", "javascript:")):
            return urljoin(url or "", value)
    return ""


def _largest(srcset: str) -> str:
    best, best_size = "", -1.0
    for part in srcset.split(","):
        bits = part.split()
        if not bits:
            continue
        size = 0.0
        if len(bits) > 1:
            try:
                size = float(bits[1].rstrip("wxWX"))
            except ValueError:
                size = 0.0
        if size > best_size:
            best, best_size = bits[0], size
    return best


def _caption_of(element: HtmlElement) -> tuple[str, str]:
    """Caption text and credit: a credit element inside, else a credit phrase at the end."""
    credit = ""
    for child in element.iter():
        names = " ".join(filter(None, (child.get("class"), child.get("itemprop"))))
        if child is not element and names and _CREDIT_NAMES.search(names):
            credit = normalize(child.text_content())
            break
    text = normalize(element.text_content())
    if credit and text.endswith(credit):
        text = text[: -len(credit)].rstrip()
    elif credit and text.startswith(credit):
        text = text[len(credit) :].lstrip()
    elif not credit:
        match = _CREDIT_TAIL.search(text)
        if match and match.start() > 0:
            credit, text = match.group(1).strip(), text[: match.start()].rstrip()
    return text[:_MAX_CAPTION], credit


def _nearby_caption(element: HtmlElement) -> tuple[str, str]:
    """A caption set beside the image: a caption-named sibling of it or of its wrapper."""
    node: HtmlElement | None = element
    for _ in range(3):
        if node is None:
            break
        for sibling in (node.getnext(), node.getprevious()):
            if sibling is None or not isinstance(sibling.tag, str):
                continue
            names = " ".join(filter(None, (sibling.get("class"), sibling.get("id"))))
            if names and _CAPTION_NAMES.search(names) and not patterns.BODY_CLASS.search(names):
                return _caption_of(sibling)
            if sibling.tag == "figcaption":
                return _caption_of(sibling)
        parent = node.getparent()
        # Climb only through wrappers of the image alone (a link, a media div).
        if parent is None or len(normalize(parent.text_content())) > _MAX_CAPTION:
            break
        node = parent
    return "", ""
