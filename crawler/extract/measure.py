"""Subtree sizes in one pass: text, link text, paragraph text and the longest paragraph.

Cleaning asks "how much text, how much of it links, how much prose" of many nested elements;
measuring each on demand costs depth x size on hostile pages, one bottom-up pass costs size.
"""

from __future__ import annotations

from dataclasses import dataclass

import lxml.etree
from lxml.html import HtmlElement


@dataclass(slots=True)
class Size:
    """Characters under one element (text nodes stripped of surrounding whitespace)."""

    text: int = 0
    links: int = 0
    prose: int = 0
    longest_paragraph: int = 0

    def add(self, other: Size) -> None:
        """Fold a child's sizes into this one."""
        self.text += other.text
        self.links += other.links
        self.prose += other.prose
        self.longest_paragraph = max(self.longest_paragraph, other.longest_paragraph)


def measure(root: HtmlElement) -> dict[HtmlElement, Size]:
    """Sizes of ``root`` and every element under it (iterative: deep trees are safe)."""
    sizes: dict[HtmlElement, Size] = {}
    stack: list[Size] = []
    for event, element in lxml.etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            stack.append(Size(text=len((element.text or "").strip())))
            continue
        size = stack.pop()
        tag = element.tag
        if tag == "a":
            size.links = size.text
        elif tag == "p":
            size.prose = size.text
            size.longest_paragraph = max(size.longest_paragraph, size.text)
        sizes[element] = size
        if stack:
            parent = stack[-1]
            parent.add(size)
            parent.text += len((element.tail or "").strip())
    return sizes


def _text(element: HtmlElement) -> int:
    # The XPath string value, as itertext() joined (the tree holds no comments or PIs), is
    # concatenated in C: several times faster on big subtrees.
    return len(element.text_content().strip())


class Sizer:
    """Sizes on demand, measured directly while that is cheap; once repeated measuring has
    cost a few passes over the page (deeply nested furniture), one bottom-up pass answers
    the rest."""

    def __init__(self, root: HtmlElement, passes: int = 4, slack: int = 100_000) -> None:
        """Allow ``passes`` times the page's prose plus ``slack`` characters of direct work."""
        self.root = root
        self._sizes: dict[HtmlElement, Size] | None = None
        self._budget = slack
        self.prose = self.prose_of(root)
        self._budget = self.prose * passes + slack

    def _spend(self, chars: int) -> None:
        self._budget -= chars + 1
        if self._budget < 0 and self._sizes is None:
            self._sizes = measure(self.root)

    def _measured(self, element: HtmlElement) -> Size | None:
        return self._sizes.get(element) if self._sizes is not None else None

    def prose_of(self, element: HtmlElement) -> int:
        """Characters of paragraph text (all text when there are no paragraphs)."""
        size = self._measured(element)
        if size is not None:
            return size.prose or size.text
        prose = sum(len(p.text_content()) for p in element.iter("p"))
        total = prose or _text(element)
        if element is not self.root:
            self._spend(total)
        return total

    def is_small(self, element: HtmlElement, small: int, paragraph: int) -> bool:
        """Under ``small`` characters with no paragraph of ``paragraph``, or mostly links."""
        size = self._measured(element)
        if size is not None:
            if size.text < small:
                return size.longest_paragraph < paragraph
            return size.links > size.text * 0.5
        total = _text(element)
        self._spend(total)
        if total < small:
            return not any(_text(p) >= paragraph for p in element.iter("p"))
        links = sum(_text(a) for a in element.iter("a"))
        return links > total * 0.5
