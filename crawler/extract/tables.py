"""Data tables and layout tables: which tables hold data (rows of cells) and which lay out a page.

The text blocks of a table are what :func:`crawler.extract.text.iter_blocks` reads (a cell of
inline text is a word of its row, a cell's paragraphs are blocks). The structure then keeps
a data table as a table block, the blocks of each row its cells, and unwraps a layout table:
its rows and paragraphs are paragraphs.
"""

from __future__ import annotations

from collections import Counter

import lxml.etree
from lxml.html import HtmlElement

from crawler.extract import patterns

CELL_TAGS = frozenset({"td", "th"})
_ROW_PARENTS = frozenset({"thead", "tbody", "tfoot"})
# How far above a block the cell it stands in may be (a paragraph in a div in a cell).
_CELL_DEPTH = 4
# What a data table never holds: a table or form of its own.
_LAYOUT_INSIDE = ("table", "form")
_LISTS = ("ul", "ol", "dl")
# A table whose lists hold more than this share of its text is a frame for them.
_LIST_SHARE = 0.5
# A cell longer than this that holds most of the table's text is a column of the page.
_MAX_CELL_CHARS = 1000
_COLUMN_SHARE = 0.5
# Share of rows that must have the table's most common width (spans counted).
_CONSISTENT = 0.75


def table_of(element: HtmlElement) -> HtmlElement | None:
    """The nearest ``<table>`` around a row or cell."""
    for ancestor in element.iterancestors():
        if ancestor.tag == "table":
            return ancestor
    return None


def row_of(element: HtmlElement) -> HtmlElement | None:
    """The row a block belongs to: the element itself when it is a row, else the row of the
    cell it stands in (a paragraph in a cell), within a few levels."""
    node: HtmlElement | None = element
    for _ in range(_CELL_DEPTH):
        if node is None:
            return None
        tag = node.tag
        if tag == "tr":
            return node
        if tag in CELL_TAGS:
            row = node.getparent()
            return row if row is not None and row.tag == "tr" else None
        if tag == "table":
            return None
        node = node.getparent()
    return None


def rows_of(table: HtmlElement) -> list[HtmlElement]:
    """The table's own rows (not those of a table nested in a cell)."""
    rows = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in _ROW_PARENTS:
            rows.extend(row for row in child if row.tag == "tr")
    return rows


def is_data_table(table: HtmlElement) -> bool:
    """Rows of values: two or more rows of two or more cells, a header row or rows of one
    width; no table or form inside; no cell that is a column of the page (long, and most of
    the table's text); not a frame for lists (a GFM cell holds no list)."""
    rows = rows_of(table)
    if len(rows) < 2 or next(table.iterdescendants(*_LAYOUT_INSIDE), None) is not None:
        return False
    total = len(table.text_content())
    if _list_chars(table) > total * _LIST_SHARE:
        return False
    widths = []
    for row in rows:
        width = 0
        for cell in row:
            if cell.tag not in CELL_TAGS:
                continue
            chars = len(cell.text_content())
            if chars > _MAX_CELL_CHARS and chars > total * _COLUMN_SHARE:
                return False
            width += _span(cell)
        widths.append(width)
    width, count = Counter(widths).most_common(1)[0]
    if width < 2:
        return False
    return is_header_row(rows[0]) or count >= _CONSISTENT * len(rows)


def _list_chars(table: HtmlElement) -> int:
    """Characters of the table's outermost lists."""
    return sum(
        len(found.text_content()) for found in table.iterdescendants(*_LISTS)
        if not any(a.tag in _LISTS for a in found.iterancestors(*_LISTS))
    )  # fmt: skip


def _span(cell: HtmlElement) -> int:
    value = cell.get("colspan") or "1"
    return min(int(value), 50) if value.isdigit() and value != "0" else 1


def is_header_row(row: HtmlElement) -> bool:
    """A row of ``<thead>``, or a row of ``<th>`` cells only."""
    parent = row.getparent()
    if parent is not None and parent.tag == "thead":
        return True
    cells = [c for c in row if c.tag in CELL_TAGS]
    return bool(cells) and all(c.tag == "th" for c in cells)


def cell_text(cell: HtmlElement) -> str:
    """A cell's words, its paragraphs and line breaks apart by spaces."""
    parts: list[str] = []
    for event, node in lxml.etree.iterwalk(cell, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if tag == "br" or tag in patterns.BLOCK_TAGS:
                parts.append(" ")
            parts.append(node.text or "" if tag else "")
        elif node is not cell:
            if tag in patterns.BLOCK_TAGS:
                parts.append(" ")
            parts.append(node.tail or "")
    return " ".join("".join(parts).split())
