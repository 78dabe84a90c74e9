"""Boilerplate removal on the tree: scripts, hidden parts, navigation and page furniture."""

from __future__ import annotations

import re

import lxml.etree
from lxml.html import HtmlElement

from crawler.extract import patterns
from crawler.extract.measure import Sizer

# Removed outright: these never hold article prose.
_ALWAYS_JUNK = (
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
    "canvas", "video", "audio", "button", "select", "input", "textarea", "option", "link",
    "meta", "head", "picture", "img", "map", "label", "legend", "figcaption", "source",
    "track", "title", "base",
)  # fmt: skip
# Structural furniture, removed unless it holds most of the page's text (broken layouts).
_GUARDED_TAGS = frozenset(
    {"nav", "aside", "footer", "header", "figure", "menu", "dialog", "fieldset", "form"}
)
_BLOCK_CONTENT = ("p", "article", "main", "section", "h1", "h2", "table")
_GUARD_SHARE = 0.4
_SECTION_BOUND = frozenset({"header", "footer"})
_NEVER_FURNITURE = frozenset({"html", "body", "main", "article"})
_SECTIONING = frozenset({"article", "aside", "main", "nav", "section"})
_SMALL_CHARS = 300
_PARAGRAPH_CHARS = 120
_SURE, _STRONG, _WEAK = 3, 2, 1
_CAMEL = re.compile(r"([a-z])([A-Z])")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SUBHEADINGS = ("h2", "h3", "h4", "h5", "h6")
# What a section's header may hold besides its heading (a kicker, "Step 2").
_SECTION_HEADER_EXTRA = 40
_SLUG_WORD = re.compile(r"[^\W\d_]{2,}")
# An anchor id made of a heading's own words may miss one (a cut or stop word) when it is
# this long ("comments-title" over "8 Comments" names a box).
_SLUG_MISS_WORDS = 4


def clean_tree(tree: HtmlElement, strict: bool = True) -> bool:
    """Remove everything that cannot be article text from ``tree``, in place.

    ``strict=False`` is the second reading of a page the strict one left without text
    (forum threads inside "comments" containers, content hidden until a script shows it):
    only structural furniture goes (nav, aside, footer, header, ARIA roles of furniture).
    Returns True when a subscription-wall prompt was among what was removed.
    """
    _unwrap_misnested(tree, ("button", "label") if strict else ("button", "label", "noscript"))
    lxml.etree.strip_elements(tree, *_ALWAYS_JUNK, lxml.etree.Comment, with_tail=False)
    sizer = Sizer(tree)
    prose = sizer.prose
    verdicts: dict[str, int] = {}  # class/id strings repeat a lot within a page
    paywall = False
    doomed: list[HtmlElement] = []
    # Top-down: the children of a removed element are never visited. Removal waits for the
    # end of the walk (it would cut the walk short); no decision depends on it, as removing
    # an element only changes text outside the subtrees visited after it.
    walk = lxml.etree.iterwalk(tree, events=("start",), tag=lxml.etree.Element)
    next(walk)  # the root stays
    for _, element in walk:
        if _should_drop(element, sizer, prose, verdicts, strict):
            paywall = paywall or _is_paywall_prompt(element)
            doomed.append(element)
            walk.skip_subtree()
    for element in doomed:
        element.drop_tree()
    return paywall


def _unwrap_misnested(tree: HtmlElement, tags: tuple[str, ...]) -> None:
    """Keep the paragraphs inside elements that are removed whole otherwise.

    A button or label never holds paragraphs in a browser, but libxml2 leaves the rest of a
    page inside an unclosed one; a ``<noscript>`` full of paragraphs is the page as a reader
    without JavaScript (and a crawler) sees it (forum software renders whole threads so).
    """
    for control in list(tree.iter(*tags)):
        if next(control.iter(*_BLOCK_CONTENT), None) is not None:
            control.drop_tag()


def _is_paywall_prompt(element: HtmlElement) -> bool:
    names = " ".join(filter(None, (element.get("class"), element.get("id"))))
    if not names or not patterns.PAYWALL_CLASS.search(names):
        return False
    return patterns.PAYWALL_TEXT.search(" ".join(element.itertext())) is not None


def _should_drop(
    element: HtmlElement, sizer: Sizer, prose: int, verdicts: dict[str, int], strict: bool
) -> bool:
    if not strict:
        return _structural(element) and sizer.prose_of(element) <= prose * _GUARD_SHARE
    # Hidden, then furniture by tag, ARIA role or class/id names (0 to _SURE), in one frame
    # with each attribute read once: this runs for every element of the page.
    get = element.get
    if get("hidden") is not None:
        return True
    style = get("style")
    if style:
        style = style.replace(" ", "").lower()
        if "display:none" in style or "visibility:hidden" in style:
            return True
    tag = element.tag
    if tag in _NEVER_FURNITURE:
        return False
    if tag in _GUARDED_TAGS and not _heads_a_section(element):
        furniture = _STRONG
    else:
        role = get("role")
        if role and role.lower() in patterns.JUNK_ROLES:
            furniture = _STRONG
        else:
            names = _names(element)
            if not names:
                return False
            furniture = verdicts.get(names, -1)
            if furniture < 0:
                furniture = verdicts[names] = _names_verdict(names)
    if furniture == _SURE:
        return True
    if furniture == _STRONG:
        return sizer.prose_of(element) <= prose * _GUARD_SHARE
    return furniture == _WEAK and sizer.is_small(element, _SMALL_CHARS, _PARAGRAPH_CHARS)


def _heads_a_section(element: HtmlElement) -> bool:
    """A ``<header>`` inside an article or section that holds a subheading and next to
    nothing else (``<header><h2>Choosing a method</h2></header>``): the section's heading,
    not a banner."""
    if element.tag != "header" or next(element.iter("h1"), None) is not None:
        return False
    headings = sum(len("".join(h.text_content().split())) for h in element.iter(*_SUBHEADINGS))
    rest = len("".join(element.text_content().split())) - headings
    if not headings or rest > _SECTION_HEADER_EXTRA:
        return False
    return any(a.tag in ("article", "section") for a in element.iterancestors())


def _names(element: HtmlElement) -> str | None:
    """The class and id an element is judged by (a heading's anchor id is no name)."""
    classes, name = element.get("class"), element.get("id")
    if name and element.tag in _HEADINGS and _is_own_anchor(name, element):
        name = None  # "what-is-social-media-marketing" names the text, not a box
    return f"{classes} {name}" if classes and name else classes or name


def _is_own_anchor(name: str, heading: HtmlElement) -> bool:
    """Whether a heading's id is an anchor made of its own words (a table of contents links
    to it), not the name of a box."""
    slug = _SLUG_WORD.findall(name.lower())
    if len(slug) < 2:
        return False
    words = set(_SLUG_WORD.findall(heading.text_content().lower()))
    misses = sum(word not in words for word in slug)
    return misses == 0 or (misses == 1 and len(slug) >= _SLUG_MISS_WORDS)


def _structural(element: HtmlElement) -> bool:
    """Furniture by tag or ARIA role alone (no class names). A header or footer inside
    sectioning content heads that section (a teaser card): the page's banner or footer only
    outside it, as HTML-AAM maps them to ARIA roles."""
    if element.tag in _SECTION_BOUND:
        return not any(a.tag in _SECTIONING for a in element.iterancestors())
    if element.tag in _GUARDED_TAGS:
        return True
    role = element.get("role")
    return role is not None and role.lower() in patterns.JUNK_ROLES


def _names_verdict(names: str) -> int:
    # camelCase class names ("imageEmbedCaption", "signupTitle") become separate words
    # (all lower case: nothing to split).
    if not names.islower():
        names = _CAMEL.sub(_hyphenate, names)
    if len(names) > 300:
        return 0
    if patterns.BODY_CLASS.search(names):
        return 0
    if patterns.STRONG_JUNK_CLASS.search(names):
        # A comment thread can outweigh the story; only a layout wrapper needs the guard.
        if patterns.COMMENT_CLASS.search(names) and not patterns.WRAPPER_CLASS.search(names):
            return _SURE
        return _STRONG
    return _WEAK if patterns.WEAK_JUNK_CLASS.search(names) else 0


def _hyphenate(match: re.Match[str]) -> str:
    return f"{match[1]}-{match[2]}"
