"""Boilerplate removal on the tree: scripts, hidden parts, navigation and page furniture."""

from __future__ import annotations

import lxml.etree
from lxml.html import HtmlElement

from crawler.extract import patterns

# Removed outright: these never hold article prose.
_ALWAYS_JUNK = (
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
    "canvas", "video", "audio", "button", "select", "input", "textarea", "option", "link",
    "meta", "head", "picture", "img", "map", "label", "legend", "figcaption", "h1", "source",
    "track", "title", "base",
)  # fmt: skip
# Structural furniture, removed unless it holds most of the page's text (broken layouts).
_GUARDED_TAGS = frozenset(
    {"nav", "aside", "footer", "header", "figure", "menu", "dialog", "fieldset", "form"}
)
_GUARD_SHARE = 0.4


def clean_tree(tree: HtmlElement) -> None:
    """Remove everything that cannot be article text from ``tree``, in place."""
    lxml.etree.strip_elements(tree, *_ALWAYS_JUNK, lxml.etree.Comment, with_tail=False)
    body_len = _text_len(tree)
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.getparent() is None:
            continue
        if _is_hidden(element):
            element.drop_tree()
        elif _is_furniture(element) and _text_len(element) <= body_len * _GUARD_SHARE:
            element.drop_tree()


def _text_len(element: HtmlElement) -> int:
    return len("".join(element.itertext()).strip())


def _is_hidden(element: HtmlElement) -> bool:
    if element.get("hidden") is not None:
        return True
    style = element.get("style")
    if style:
        style = style.replace(" ", "").lower()
        return "display:none" in style or "visibility:hidden" in style
    return False


def _is_furniture(element: HtmlElement) -> bool:
    """True for navigation, asides, share boxes, teasers, captions and similar page parts."""
    tag = element.tag
    if tag in ("html", "body", "main", "article"):
        return False
    if tag in _GUARDED_TAGS:
        return True
    role = element.get("role")
    if role and role.lower() in patterns.JUNK_ROLES:
        return True
    names = " ".join(filter(None, (element.get("class"), element.get("id"))))
    if not names or len(names) > 300:
        return False
    if patterns.BODY_CLASS.search(names):
        return False
    return patterns.JUNK_CLASS.search(names) is not None
