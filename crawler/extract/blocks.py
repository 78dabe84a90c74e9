"""Typed blocks of an article's main text, their JSON form, plain text and CommonMark (pure).

The extractor keeps the structure of the main text as a tuple of :class:`Block` in document
order, the standfirst (``lead``) first. ``ExtractResult.text`` is :func:`plain_text` of the
blocks and ``ExtractResult.markdown`` is :func:`to_markdown` of them: both leave the standfirst
out unless asked for (``lead=True``), as the text always has; it is ``ExtractResult.lead``.
The store keeps :func:`blocks_to_json` with every text version.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

#: The kinds of block, in the order a reader meets them in documentation.
BLOCK_KINDS = ("heading", "paragraph", "list", "quote", "table", "pre", "figure")

# Characters that would change CommonMark's reading of inline text.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
# A line start that CommonMark would read as a heading, list item, quote, rule or fence.
_LINE_START_SPECIAL = re.compile(r"^(\s*)([#>+\-=~]|\d{1,9}[.)])")


@dataclass(frozen=True, slots=True)
class Block:
    """One block of the main text.

    ``kind`` is one of :data:`BLOCK_KINDS`. Text kinds (heading, paragraph, quote, pre) hold
    ``text``; ``links`` are the (anchor text, href) pairs inside it, in order. A heading has a
    ``level`` (1-6). A list has ``ordered`` and ``items``, each item a tuple of blocks (its
    paragraph and any nested list). A table has ``rows`` of cell texts, the first
    ``header_rows`` of them its header. A figure has ``src`` (image URL), ``alt``, ``caption``
    and ``credit``. ``lead`` marks the standfirst paragraph that opens an article.
    """

    kind: str
    text: str = ""
    level: int = 0
    links: tuple[tuple[str, str], ...] = ()
    ordered: bool = False
    items: tuple[tuple[Block, ...], ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    header_rows: int = 0
    src: str = ""
    alt: str = ""
    caption: str = ""
    credit: str = ""
    lead: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with only the fields this kind uses (``type`` names the kind)."""
        data: dict[str, Any] = {"type": self.kind}
        for name in _FIELDS:
            value = getattr(self, name)
            if value == _DEFAULTS[name]:
                continue
            if name == "items":
                value = [[block.to_dict() for block in item] for item in value]
            elif name in ("links", "rows"):
                value = [list(pair) for pair in value]
            data[name] = value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Block:
        """Rebuild a block from :meth:`to_dict` output (unknown keys are ignored)."""
        fields: dict[str, Any] = {"kind": str(data.get("type", "paragraph"))}
        for name in _FIELDS:
            if name not in data:
                continue
            value = data[name]
            if name == "items":
                value = tuple(tuple(cls.from_dict(b) for b in item) for item in value)
            elif name in ("links", "rows"):
                value = tuple(tuple(str(x) for x in pair) for pair in value)
            fields[name] = value
        return cls(**fields)


_FIELDS = ("text", "level", "links", "ordered", "items", "rows", "header_rows", "src", "alt",
           "caption", "credit", "lead")
_DEFAULTS: dict[str, Any] = {name: getattr(Block("paragraph"), name) for name in _FIELDS}


def blocks_to_json(blocks: tuple[Block, ...]) -> str:
    """Compact JSON of a block tuple (what the store and the exports keep)."""
    return json.dumps([b.to_dict() for b in blocks], ensure_ascii=False, separators=(",", ":"))


def blocks_from_json(text: str | None) -> tuple[Block, ...]:
    """Blocks from :func:`blocks_to_json` output (``()`` for none)."""
    if not text:
        return ()
    return tuple(Block.from_dict(item) for item in json.loads(text))


def plain_text(blocks: tuple[Block, ...], *, lead: bool = False) -> str:
    """The blocks' words as plain text: blocks apart by blank lines, no figures; the
    standfirst (the block marked ``lead``) only when asked for, as ``ExtractResult.text``
    leaves it out."""
    parts = [_block_text(block) for block in blocks
             if block.kind != "figure" and (lead or not block.lead)]
    return "\n\n".join(part for part in parts if part)


def _block_text(block: Block) -> str:
    if block.kind == "list":
        return "\n".join(filter(None, (_block_text(b) for item in block.items for b in item
                                        if b.kind != "figure")))
    if block.kind == "table":
        return "\n".join(" ".join(cell for cell in row if cell) for row in block.rows)
    return block.text


def to_markdown(
    blocks: tuple[Block, ...], *, figures: bool = False, links: bool = False, lead: bool = False
) -> str:
    """The blocks as CommonMark with GFM tables; figures, links and the standfirst only when
    asked for (by default the same words as :func:`plain_text`)."""
    parts = [_markdown(block, figures, links) for block in blocks if lead or not block.lead]
    return "\n\n".join(part for part in parts if part) + ("\n" if parts else "")


def _markdown(block: Block, figures: bool, links: bool) -> str:
    """One block as Markdown ("" for a figure when figures are not asked for)."""
    kind = block.kind
    if kind == "heading":
        return "#" * min(max(block.level, 1), 6) + " " + _inline(block, links)
    if kind == "quote":
        return "\n".join("> " + line if line else ">" for line in
                         _inline(block, links).split("\n"))
    if kind == "pre":
        fence = "~~~~" if "```" in block.text else "```"
        return f"{fence}\n{block.text}\n{fence}"
    if kind == "list":
        return _list_markdown(block, figures, links)
    if kind == "table":
        return _table_markdown(block)
    if kind == "figure":
        return _figure_markdown(block) if figures else ""
    return _inline(block, links)


def _inline(block: Block, links: bool) -> str:
    """A text block's text, escaped, its links written as Markdown links when asked for."""
    text = block.text
    if not links or not block.links:
        return _escape(text)
    out, pos = [], 0
    for anchor, href in block.links:
        at = text.find(anchor, pos) if anchor else -1
        if at < 0 or not href:
            continue
        out.append(_escape(text[pos:at]))
        out.append(f"[{_escape(anchor)}](<{href.replace('>', '%3E')}>)")
        pos = at + len(anchor)
    out.append(_escape(text[pos:]))
    return "".join(out)


def _escape(text: str) -> str:
    """Escape what CommonMark would read as markup, line by line."""
    lines = _INLINE_SPECIAL.sub(r"\\\1", text).split("\n")
    return "\n".join(_LINE_START_SPECIAL.sub(_escape_line_start, line) for line in lines)


def _escape_line_start(match: re.Match[str]) -> str:
    marker = match.group(2)
    if marker[0].isdigit():
        return match.group(1) + marker[:-1] + "\\" + marker[-1]
    return match.group(1) + "\\" + marker


def _list_markdown(block: Block, figures: bool, links: bool) -> str:
    """A list, nested lists indented under their item."""
    lines = []
    for number, item in enumerate(block.items, 1):
        marker = f"{number}. " if block.ordered else "- "
        body = "\n\n".join(filter(None, (_markdown(b, figures, links) for b in item)))
        indent = " " * len(marker)
        first, *rest = (body or "").split("\n")
        lines.append(marker + first)
        lines.extend(indent + line if line else "" for line in rest)
    return "\n".join(lines)


def _table_markdown(block: Block) -> str:
    """A GFM table; a table with no header row gets an empty one (GFM requires it)."""
    if not block.rows:
        return ""
    width = max(len(row) for row in block.rows)

    def line(cells: tuple[str, ...]) -> str:
        padded = [_escape(c).replace("\n", " ") for c in cells] + [""] * (width - len(cells))
        return "| " + " | ".join(padded) + " |"

    header = block.rows[0] if block.header_rows else ("",) * width
    body = block.rows[1:] if block.header_rows else block.rows
    return "\n".join([line(header), "|" + "---|" * width, *(line(r) for r in body)])


def _figure_markdown(block: Block) -> str:
    """An image with its caption and credit as the paragraph below it."""
    image = f"![{_escape(block.alt)}](<{block.src}>)" if block.src else ""
    note = " ".join(filter(None, (block.caption, f"({block.credit})" if block.credit else "")))
    return "\n".join(filter(None, (image, _escape(note))))
