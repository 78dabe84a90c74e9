"""The kept text corrected by the page's structure: what the block scorer dropped that the
markup puts inside it, and collapsed boxes it kept.

The scorer judges one block at a time: a short heading ("Canon EOS RP", a linked product name)
or the rows of a data table (numbers, short labels) read like page furniture to it. Where the
markup says otherwise, they come back: a heading whose section the scorer kept, a data
table that stands between kept blocks in their container, and whole sections (subheadings
and prose the scorer doubted) between kept blocks of one container.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml.html import HtmlElement

from crawler.extract import filters, patterns, tables
from crawler.extract.text import Block

_SUBHEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
# How far above a kept block its container may be (a heading or table and the prose it goes
# with share a parent or grandparent).
_CONTAINER_DEPTH = 3
_BOX_DEPTH = 6
# A collapsed box that holds more than this share of the kept text is the text itself.
_BOX_SHARE = 0.4
# How far above a <details> box its accordion's other boxes may stand.
_ACCORDION_DEPTH = 2
#: The least probability each block of a dropped section needs to come back.
SECTION_FLOOR = 0.3
#: The same, for a section set among the kept text's own paragraphs (siblings of the kept
#: blocks on both sides): the markup vouches for it where the scorer doubts a whole page.
SIBLING_FLOOR = 0.1
# A section's prose: little link text, and one paragraph at least this long.
_SECTION_LINKS = 0.3
_SECTION_PROSE = 80


def restore(
    blocks: list[Block], chosen: list[Block], scores: Sequence[float] | None = None
) -> list[Block]:
    """``chosen`` (a subset of ``blocks``, in order) with the headings, sections and data
    tables that belong to it put back, in document order. ``scores``: the scorer's
    probability of each block (sections come back only with them)."""
    if len(chosen) < 2:
        return chosen
    kept = {id(b) for b in chosen}
    first = next(i for i, b in enumerate(blocks) if id(b) in kept)
    last = next(i for i in range(len(blocks) - 1, -1, -1) if id(blocks[i]) in kept)
    # Tables first: a table that comes back is kept text a section beside it may follow.
    kept |= _table_rows(blocks, kept, first, last)
    if scores is not None:
        kept = sections(blocks, kept, scores)
    # A heading over its section: the kept block just after it (prose, or a table's row).
    back: set[int] = set()
    for index in range(first + 1, last):
        block = blocks[index]
        if id(block) not in kept and _heads(block, blocks[index + 1], kept):
            back.add(id(block))
    return [b for b in blocks if id(b) in kept or id(b) in back]


def _table_rows(blocks: list[Block], kept: set[int], first: int, last: int) -> set[int]:
    """The blocks of data tables' rows dropped between kept blocks of their container (the
    span from ``first`` to ``last``)."""
    following_of: list[Block | None] = [None] * (last + 1)
    following: Block | None = None
    for index in range(last, first - 1, -1):
        following_of[index] = following
        if id(blocks[index]) in kept:
            following = blocks[index]
    back: set[int] = set()
    previous = blocks[first]
    table_ok: dict[HtmlElement, bool] = {}
    for index in range(first + 1, last):
        block = blocks[index]
        following = following_of[index]
        if id(block) in kept:
            previous = block
        elif following is not None and _table_row(block, previous, following, table_ok):
            back.add(id(block))
    return back


def sections(blocks: list[Block], kept: set[int], scores: Sequence[float]) -> set[int]:
    """``kept`` (ids of blocks) with the sections the scorer dropped between kept text of one
    container put back. A gap between two kept blocks comes back whole or not at all: when
    it holds a subheading, and every block of it is one (:func:`_heading_ok`) or prose
    (:func:`_prose_ok`), in the container of the kept blocks on both sides (a gap set among
    the kept paragraphs themselves needs less of the scorer: :data:`SIBLING_FLOOR`)."""
    indexes = [i for i, b in enumerate(blocks) if id(b) in kept]
    back: set[int] = set()
    for before, after in zip(indexes, indexes[1:], strict=False):
        if after - before < 3:  # a lone dropped block is the scorer's call to make
            continue
        gap = range(before + 1, after)
        if _gap_ok([blocks[i] for i in gap], [scores[i] for i in gap],
                   blocks[before], blocks[after]):
            back.update(id(blocks[i]) for i in gap)
    return kept | back


def _gap_ok(gap: list[Block], scores: list[float], previous: Block, following: Block) -> bool:
    """Whether a run of dropped blocks is sections of the text: a gap beside a dropped box of
    teasers or a prompt is more likely of a piece with them than with the text."""
    heads = [b.element.tag in _SUBHEADINGS for b in gap]
    if not any(heads):
        return False
    prose = (len(b.text) for b, head in zip(gap, heads, strict=True) if not head)
    if max(prose, default=0) < _SECTION_PROSE:
        return False
    before, after = _unit(previous), _unit(following)
    floor = SIBLING_FLOOR if _among(gap, before, after) else SECTION_FLOOR
    for index, (block, score) in enumerate(zip(gap, scores, strict=True)):
        if heads[index]:
            # A linked heading heads a section only over prose; alone, it is a teaser.
            over_prose = index + 1 < len(gap) and not heads[index + 1]
            if not _heading_ok(block) or (block.link_density > _SECTION_LINKS and not over_prose):
                return False
        elif not _prose_ok(block, score, floor):
            return False
    return all(
        _shares_container(b.element, before) and _shares_container(b.element, after)
        for b in gap
    )


def _unit(kept: Block) -> HtmlElement:
    """The element a kept block stands for among the text's elements: a row's or cell's
    table (a table sits in wrappers of its own), else the block's element."""
    row = tables.row_of(kept.element)
    table = tables.table_of(row) if row is not None else None
    return kept.element if table is None else table


def _heading_ok(head: Block) -> bool:
    """A subheading's wording: not a box's label ("Related", "Comments"), nor furniture."""
    text = head.text
    if len(text) < 2 or len(text) > 200 or filters.is_junk_block(head, links=False):
        return False
    return not (patterns.RELATED_MARKER.match(text) or patterns.COMMENT_MARKER.match(text))


def _among(gap: list[Block], before: HtmlElement, after: HtmlElement) -> bool:
    """Whether a gap stands among the kept text's own paragraphs: every block of it a sibling
    of the kept elements on both sides."""
    parent = before.getparent()
    return parent is not None and after.getparent() is parent and all(
        b.element.getparent() is parent for b in gap
    )


def _prose_ok(block: Block, score: float, floor: float = SECTION_FLOOR) -> bool:
    """A block of a section: the scorer's doubt, not its refusal; little link text."""
    return (
        score >= floor
        and block.link_density <= _SECTION_LINKS
        and not filters.is_junk_block(block)
    )


def _heads(block: Block, after: Block, kept: set[int]) -> bool:
    """A subheading whose section (the very next block) was kept, in the same container."""
    if block.element.tag not in _SUBHEADINGS or id(after) not in kept:
        return False
    if not _heading_ok(block):
        return False
    text = block.text
    # The section it heads is in its container: a teaser's headline is alone in its box
    # (or an item of a list of them).
    node = block.element
    for _ in range(_BOX_DEPTH):
        parent = node.getparent()
        if parent is None or len(" ".join(parent.text_content().split())) > len(text):
            break
        node = parent
        if node.tag == "li":
            return False
    container = node.getparent()
    return container is not None and _descends(after.element, container)


def _table_row(
    block: Block, previous: Block, following: Block, table_ok: dict[HtmlElement, bool]
) -> bool:
    """A block of a data table's row that stands between kept blocks of its container (or
    kept rows of its own)."""
    row = tables.row_of(block.element)
    if row is None:
        return False
    table = tables.table_of(row)
    if table is None:
        return False
    verdict = table_ok.get(table)
    if verdict is None:
        verdict = table_ok[table] = (
            _beside(table, previous) and _beside(table, following) and tables.is_data_table(table)
        )
    return verdict


def _beside(table: HtmlElement, kept: Block) -> bool:
    """Whether a kept block is of the table's text: in the table's container, or a row or
    cell of the table itself (the scorer kept part of it; a cell is no container of it)."""
    return _descends(kept.element, table) or _shares_container(table, kept.element)


def _shares_container(element: HtmlElement, kept: HtmlElement) -> bool:
    """Whether ``element`` lies inside the container of a kept block (its parent, or an
    ancestor up to :data:`_CONTAINER_DEPTH` levels above it)."""
    node = kept.getparent()
    for _ in range(_CONTAINER_DEPTH):
        if node is None or node.tag in ("body", "html"):
            return False
        if _descends(element, node):
            return True
        node = node.getparent()
    return False


def _descends(element: HtmlElement, ancestor: HtmlElement) -> bool:
    return any(a is ancestor for a in element.iterancestors())


def drop_collapsed(chosen: list[Block]) -> list[Block]:
    """``chosen`` without the blocks of a collapsed ``<details>`` box set alone among the text
    (an info or fact box a reader may open): not prose of the article. Dropped here, after the
    scorer's choice, so that its input (and its training rows) stay the page as cleaned."""
    memo: dict[HtmlElement, HtmlElement | None] = {}
    boxes = [_box_of(block.element, memo) for block in chosen]
    if not any(box is not None for box in boxes):
        return chosen
    total = sum(len(b.text) for b in chosen)
    inside: dict[HtmlElement, int] = {}
    for block, box in zip(chosen, boxes, strict=True):
        if box is not None:
            inside[box] = inside.get(box, 0) + len(block.text)
    dropped = {box for box, chars in inside.items() if chars <= total * _BOX_SHARE}
    return [b for b, box in zip(chosen, boxes, strict=True) if box not in dropped]


def _box_of(
    element: HtmlElement, memo: dict[HtmlElement, HtmlElement | None]
) -> HtmlElement | None:
    """The collapsed box around an element, if any (ancestors' answers are remembered)."""
    chain = []
    node: HtmlElement | None = element
    found: HtmlElement | None = None
    while node is not None:
        if node in memo:
            found = memo[node]
            break
        chain.append(node)
        if node.tag == "details" and is_collapsed_box(node):
            found = node
            break
        node = node.getparent()
    for step in chain:
        memo[step] = found
    return found


def is_collapsed_box(details: HtmlElement) -> bool:
    """A ``<details>`` box the page sets collapsed, alone among the text (an info or fact box
    a reader may open: not prose of the article). Boxes in a row are an accordion: the page's
    sections or its questions and answers, set so to save room."""
    if details.get("open") is not None:
        return False
    node = details
    for _ in range(_ACCORDION_DEPTH):
        parent = node.getparent()
        if parent is None:
            break
        if any(other is not details for other in parent.iter("details")):
            return False
        node = parent
    return True
