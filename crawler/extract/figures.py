"""Figures of a page, read before cleaning: image URL, alt text, caption and credit.

Cleaning removes images, ``<figure>`` and captions (they are not prose). Before it runs,
:func:`harvest` reads each figure and leaves an empty marker element in its place; the markers
that survive cleaning say where the body's figures stand among its paragraphs. A ``<figure>``
that holds a data table (how editors set tables: WordPress's ``wp-block-table``, papers'
"Table 1") is text of the article: its wrapper goes and the table stays for the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml.html import HtmlElement

from crawler.extract import patterns, tables
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
_MAX_WRAPPER_CHILDREN = 3


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure of the body: image URL, alt text, caption and credit."""

    src: str
    alt: str = ""
    caption: str = ""
    credit: str = ""


@dataclass(frozen=True, slots=True)
class FigureRef:
    """A figure as found before cleaning: the ``<figure>`` or ``<img>`` taken out of the page
    (its marker stands in its place) and a caption element set beside it. Read with
    :func:`read` only when the figure is kept: most images of a page are not."""

    element: HtmlElement
    caption: HtmlElement | None = None


def harvest(tree: HtmlElement) -> list[FigureRef]:
    """Take the page's figures out, each replaced with a ``<x-figure data-i=N>`` marker."""
    found: list[FigureRef] = []
    # Images of scripts' fallbacks, and those a figure holds (read with it): a figure comes
    # before its images in page order.
    skip = {img for box in tree.iter("noscript", "template") for img in box.iter("img")}
    for element in list(tree.iter("figure", "img")):
        if element.getparent() is None or element in skip:
            continue
        if element.tag == "img":
            if _is_small(element):
                continue  # an icon, a logo, a tracking pixel
            ref = FigureRef(element, _nearby_caption(element))
            target = _picture_of(element)
        else:
            if _holds_data_table(element):
                # Unwrapped, not harvested: cleaning removes <figure> whole, and the table
                # is the article's data (its images, if any, are read one by one).
                element.drop_tag()
                continue
            skip.update(element.iter("img"))
            if _wraps_prose(element):
                continue  # a figure that wraps prose: left to the cleaning rules
            ref = FigureRef(element)
            target = element
        parent = target.getparent()
        if parent is None:
            continue
        marker = target.makeelement(MARKER, {"data-i": str(len(found))})
        marker.tail = target.tail
        parent.replace(target, marker)
        found.append(ref)
    return found


def read(ref: FigureRef, url: str | None) -> Figure | None:
    """The figure's image URL (absolute), alt text, caption and credit; None without an image."""
    element = ref.element
    image = element if element.tag == "img" else next(element.iter("img"), None)
    if image is None:
        return None
    src = _image_src(image)
    if not src:
        return None
    if url and not src.startswith(("http://", "https://")):
        src = urljoin(url, src)
    caption_el = ref.caption
    if caption_el is None and element.tag == "figure":
        caption_el = next(element.iter("figcaption"), None)
    caption, credit = _caption_of(caption_el) if caption_el is not None else ("", "")
    return Figure(src, normalize(image.get("alt") or ""), caption, credit)


def _picture_of(img: HtmlElement) -> HtmlElement:
    """The element an image stands in: its ``<picture>`` (removed whole by cleaning) or itself."""
    parent = img.getparent()
    return parent if parent is not None and parent.tag == "picture" else img


def _holds_data_table(figure: HtmlElement) -> bool:
    """A figure that sets a data table (rows of values), not an image."""
    return any(tables.is_data_table(table) for table in figure.iter("table"))


def _wraps_prose(figure: HtmlElement) -> bool:
    """A figure holding more text than a caption (a layout wrapper, an embedded post)."""
    if next(figure.iter("img"), None) is None:
        return True
    text = len(figure.text_content())
    caption = next(figure.iter("figcaption"), None)
    if caption is not None:
        text -= len(caption.text_content())
    return text > _MAX_FIGURE_TEXT


def _is_small(img: HtmlElement) -> bool:
    for side in ("width", "height"):
        value = img.get(side)
        if value and value.strip().removesuffix("px").isdigit():
            if int(value.strip().removesuffix("px")) < _MIN_SIDE:
                return True
    names = img.get("class") or img.get("id") or ""
    return bool(names) and _ICON_NAMES.search(names) is not None


def _image_src(img: HtmlElement) -> str:
    """The image's URL: the largest ``srcset`` candidate, else ``src``/lazy-loading attributes."""
    candidates: list[str] = []
    for attr in _SRCSET_ATTRS:
        best = _largest(img.get(attr) or "")
        if best:
            candidates.append(best)
    candidates.extend((img.get(a) or "").strip() for a in _SRC_ATTRS)
    for value in candidates:
        if value and not value.startswith(("data:", "about:", "javascript:")):
            return value
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


def _nearby_caption(element: HtmlElement) -> HtmlElement | None:
    """A caption set beside the image: a caption-named sibling of it or of a small wrapper."""
    node: HtmlElement | None = element
    for _ in range(3):
        if node is None:
            break
        for sibling in (node.getnext(), node.getprevious()):
            if sibling is None or not isinstance(sibling.tag, str):
                continue
            if sibling.tag == "figcaption":
                return sibling
            names = sibling.get("class") or sibling.get("id")
            if names and _CAPTION_NAMES.search(names) and not patterns.BODY_CLASS.search(names):
                return sibling
        parent = node.getparent()
        # Climb only through small wrappers of the image (a link, a media div).
        if parent is None or len(parent) > _MAX_WRAPPER_CHILDREN:
            break
        node = parent
    return None
