"""Tree to text blocks: one block per paragraph-like run of inline text, whitespace normalized."""

from __future__ import annotations

from dataclasses import dataclass

import lxml.etree
from lxml.html import HtmlElement

from crawler.extract import patterns

_CELLS = frozenset({"td", "th"})
# Marks a <br> in collected text; parse_document strips control characters from pages.
_BR = "\x01"


@dataclass(slots=True)
class Block:
    """A paragraph of text and the block element it sits in."""

    element: HtmlElement
    text: str
    link_chars: int = 0
    #: Whether the wording marks furniture (a prompt, a byline): computed once, on demand.
    wording_junk: bool | None = None

    @property
    def link_density(self) -> float:
        """Share of the block's characters that are link text."""
        return self.link_chars / len(self.text) if self.text else 0.0


def normalize(text: str) -> str:
    """Collapse runs of spaces (NBSP and thin spaces included) inside lines; drop empty lines."""
    if "\n" not in text:
        return " ".join(text.split())
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


class _Collector:
    """Accumulates inline text until a block boundary, then emits a Block."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str] = []  # cleared in place: iter_blocks appends to it directly
        self.link_chars = 0

    def add(self, text: str | None, in_link: bool) -> None:
        """Append inline text (counted as link text inside ``<a>``)."""
        if text:
            self.parts.append(text)
            if in_link:
                self.link_chars += len(text.strip())

    def flush(self, element: HtmlElement) -> None:
        """Close the current paragraph(s), owned by ``element``."""
        if self.parts:
            paragraphs = _split_breaks("".join(self.parts))
            total = sum(len(p) for p in paragraphs) or 1
            for text in paragraphs:
                # Link text is not tracked per line: share it out by length.
                links = min(len(text), round(self.link_chars * len(text) / total))
                self.blocks.append(Block(element, text, links))
            self.parts.clear()
        self.link_chars = 0


def _split_breaks(raw: str) -> list[str]:
    """Inline text to paragraphs: one <br> is a line break, two or more end a paragraph.

    Newlines in the HTML source are plain whitespace, as in a browser.
    """
    if _BR not in raw:  # the common case: one paragraph (or only whitespace)
        line = " ".join(raw.split())
        return [line] if line else []
    paragraphs: list[str] = []
    lines: list[str] = []
    for line in raw.split(_BR):
        line = " ".join(line.split())
        if line:
            lines.append(line)
        elif lines:
            paragraphs.append("\n".join(lines))
            lines = []
    if lines:
        paragraphs.append("\n".join(lines))
    return paragraphs


def iter_blocks(root: HtmlElement) -> list[Block]:
    """Split ``root`` into text blocks in document order (no recursion: deep trees are safe)."""
    collector = _Collector()
    parts = collector.parts
    block_tags = patterns.BLOCK_TAGS
    stack: list[HtmlElement] = [root]  # open block elements; the innermost owns the text
    links = 0
    for event, element in lxml.etree.iterwalk(root, events=("start", "end")):
        tag = element.tag
        if not isinstance(tag, str):
            tag = ""
        elif tag in _CELLS and _is_data_cell(element):
            # A cell of a data table is a word of its row: rows read "1 Kyle Busch 5040".
            tag = "cell"
            if event == "start":
                parts.append(" ")
        if event == "start":
            if tag in block_tags and element is not root:
                collector.flush(stack[-1])
                stack.append(element)
            elif tag == "br":
                parts.append(_BR)
            elif tag == "a":
                links += 1
            collector.add(element.text, links > 0)
        elif element is not root:
            if tag in block_tags:
                collector.flush(element)
                stack.pop()
            elif tag == "a":
                links -= 1
            collector.add(element.tail, links > 0)
    collector.flush(root)
    return collector.blocks


def _is_data_cell(cell: HtmlElement) -> bool:
    """A table cell holding only inline content (layout tables hold paragraphs and divs)."""
    for descendant in cell.iterdescendants():
        if descendant.tag in patterns.BLOCK_TAGS:
            return False
    return True


def join_paragraphs(texts: list[str]) -> str:
    """Article text: paragraphs separated by one blank line."""
    return "\n\n".join(t for t in texts if t)
