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
_BLOCK_CONTENT = ("p", "article", "main", "section", "h1", "h2", "h3", "h4", "h5", "h6", "table")
_GUARD_SHARE = 0.4
_SECTION_BOUND = frozenset({"header", "footer"})
_NEVER_FURNITURE = frozenset({"html", "body", "main", "article"})
_SECTIONING = frozenset({"article", "aside", "main", "nav", "section"})
_SMALL_CHARS = 300
_PARAGRAPH_CHARS = 120
_SURE, _STRONG, _WEAK = 3, 2, 1
_CAMEL = re.compile(r"([a-z])([A-Z])")
_WORDS = re.compile(r"[^\W_]+")
_SUBHEADINGS = ("h2", "h3", "h4", "h5", "h6")


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
    """Keep the paragraphs and headings inside elements that are removed whole otherwise.

    A button or label never holds paragraphs in a browser, but libxml2 leaves the rest of a
    page inside an unclosed one; an accordion's toggle is a button that holds the heading of
    its panel (an FAQ's question); a ``<noscript>`` full of paragraphs is the page as a
    reader without JavaScript (and a crawler) sees it (forum software renders whole threads
    so).
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
    if tag in _GUARDED_TAGS and not (tag == "header" and _heads_section(element)):
        furniture = _STRONG
    else:
        role = get("role")
        if role and role.lower() in patterns.JUNK_ROLES:
            furniture = _STRONG
        else:
            classes, name = get("class"), get("id")
            names = f"{classes} {name}" if classes and name else classes or name
            if not names:
                return False
            furniture = verdicts.get(names, -1)
            if furniture < 0:
                furniture = verdicts[names] = _first_verdict(element, classes, name, names)
    if furniture == _SURE:
        return True
    if furniture == _STRONG:
        return sizer.prose_of(element) <= prose * _GUARD_SHARE
    return furniture == _WEAK and sizer.is_small(element, _SMALL_CHARS, _PARAGRAPH_CHARS)


def _first_verdict(element: HtmlElement, classes: str | None, name: str | None, names: str) -> int:
    """The verdict on a names string, judged on the first element that carries it. A
    heading's id that spells its words goes unjudged; the verdict holds for the other
    elements with the same names too, as an id is the page's only one."""
    verdict = _names_verdict(names)
    if verdict and name and element.tag in patterns.HEADING_TAGS:
        return _heading_verdict(element, classes, name, verdict)
    return verdict


def _heads_section(header: HtmlElement) -> bool:
    """A ``<header>`` inside sectioning content that holds a subheading and no page headline
    heads a section of the text (HTML-AAM: no banner there), not the page."""
    heading = next(header.iter(*_SUBHEADINGS), None)
    if heading is None or next(header.iter("h1"), None) is not None:
        return False
    # Only the heading: a header with more (a date, a kicker) or a linked heading is a
    # teaser card's.
    text = " ".join(heading.text_content().split())
    if not text or " ".join(header.text_content().split()) != text:
        return False
    if next(heading.iter("a"), None) is not None:
        return False
    ancestors = [a.tag for a in header.iterancestors()]
    return "a" not in ancestors and any(tag in _SECTIONING for tag in ancestors)


def _heading_verdict(element: HtmlElement, classes: str | None, name: str, verdict: int) -> int:
    """A heading's verdict without its id when the id spells the heading's own words: an
    anchor for links to the section ("h-membership-discount"), whose words say nothing of
    its role (unless the words themselves are a prompt: "Related stories")."""
    text = " ".join(element.text_content().split())
    if not text or patterns.JUNK_TEXT.match(text) or not _spells(name, text):
        return verdict
    return _names_verdict(classes) if classes else 0


def _spells(name: str, text: str) -> bool:
    """Whether an id is a slug of ``text``: two or more of its words are the text's, and
    all of them but one (a prefix such as "h" or "toc"); the last may be cut short."""
    words = _WORDS.findall(name.lower())
    words = [w for w in words if not w.isdigit()]
    if len(words) < 2:
        return False
    own = set(_WORDS.findall(text.lower().replace("\u2019", "").replace("'", "")))
    found = sum(w in own for w in words[:-1])
    last = words[-1]
    found += last in own or any(w.startswith(last) for w in own)
    return found >= max(2, len(words) - 1)


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
