"""The lines printed around the headline: where bylines and date lines stand on most pages."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property

from lxml import etree
from lxml.html import HtmlElement

# Text lines looked at: a few above the headline (a kicker, a date over the title), more below
# (standfirst, byline, date line and share buttons come before the body).
LINES_BEFORE, LINES_AFTER = 6, 20
_NOT_TEXT = frozenset({"script", "style", "noscript", "template", "option", "textarea", "svg"})

#: One line: its text and the element it is printed in.
Line = tuple[str, HtmlElement]


class HeadlineLines:
    """The lines near the headline of one page, read on first use (most pages never need them)."""

    def __init__(self, tree: HtmlElement) -> None:
        self._tree = tree

    @cached_property
    def lines(self) -> list[Line]:
        """See :func:`lines_near_headline`."""
        return lines_near_headline(self._tree)


def lines_near_headline(tree: HtmlElement) -> list[Line]:
    """Non-blank text lines just before and after the page's first ``<h1>``, in page order."""
    headline = next(tree.iter("h1"), None)
    if headline is None:
        return []
    before = _take(_texts_before(headline), LINES_BEFORE)
    return before[::-1] + _take(_texts_after(headline), LINES_AFTER)


def _take(lines: Iterator[Line], limit: int) -> list[Line]:
    taken: list[Line] = []
    for text, element in lines:
        if text.strip():
            taken.append((text, element))
            if len(taken) == limit:
                break
    return taken


def _own_texts(element: HtmlElement) -> Iterator[Line]:
    """Texts inside ``element`` in page order (script, style, svg not entered)."""
    walker = etree.iterwalk(element, events=("start", "end"))
    for event, node in walker:
        if event == "start":
            if not isinstance(node.tag, str) or node.tag in _NOT_TEXT:
                walker.skip_subtree()
            elif node.text:
                yield node.text, node
        elif node is not element and node.tail:
            parent = node.getparent()  # inside ``element``: never None
            yield node.tail, parent if parent is not None else node


def _own_texts_backwards(element: HtmlElement) -> Iterator[Line]:
    """Texts inside ``element``, last first (a long sidebar above is never read whole)."""
    if not isinstance(element.tag, str) or element.tag in _NOT_TEXT:
        return
    for child in reversed(element):
        if child.tail:
            yield child.tail, element
        yield from _own_texts_backwards(child)
    if element.text:
        yield element.text, element


def _texts_after(element: HtmlElement) -> Iterator[Line]:
    """Texts after ``element`` (not inside it) in page order, walking up the tree."""
    node: HtmlElement | None = element
    while node is not None and node.tag != "html":
        parent = node.getparent()
        if node.tail:
            yield node.tail, parent if parent is not None else node
        for sibling in node.itersiblings():
            yield from _own_texts(sibling)
            if sibling.tail:
                yield sibling.tail, parent if parent is not None else sibling
        node = parent


def _texts_before(element: HtmlElement) -> Iterator[Line]:
    """Texts before ``element`` (not its ancestors' own text), nearest first."""
    node: HtmlElement | None = element
    while node is not None and node.tag != "html":
        parent = node.getparent()
        for sibling in node.itersiblings(preceding=True):
            if sibling.tail:
                yield sibling.tail, parent if parent is not None else sibling
            yield from _own_texts_backwards(sibling)
        node = node.getparent()
