"""The kept text blocks of a page as typed blocks: headings, paragraphs, lists, quotes, tables.

The extractor chooses its main text as a list of text blocks (:class:`crawler.extract.text.Block`,
each with the element that holds it). :func:`build` reads each block's element and ancestors
to give it a kind, groups list items, table rows and quoted paragraphs into one block each, and
sets the page's figures where their markers stand. The words are the chosen blocks' words:
``plain_text`` of the result is the extractor's text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.etree
from lxml.html import HtmlElement

from crawler.extract import patterns, tables
from crawler.extract.blocks import Block
from crawler.extract.figures import Figure
from crawler.extract.text import Block as TextBlock
from crawler.extract.text import normalize

_LIST_TAGS = frozenset({"ul", "ol", "menu"})
_STOP = frozenset({"article", "main", "body", "html"})
_QUOTE_DEPTH = 4
_HEADING_DEPTH = 3  # a block this close under a heading element is the heading's text
_LAYOUT_SHARE = 0.5
# A bold-only paragraph or a line in capitals reads as a subheading when it is short, does not
# end a sentence and is followed by prose.
_MAX_SUBHEAD = 100
_SENTENCE_END = re.compile(r"[.!?…,;:]$|[.!?…][\"'”’)»]$")
# Figures (prices, shares, scores) mark a line of data, not a subheading.
_FIGURES = re.compile(r"[%$€£¥]|(?:\d+\D+){3}")
_MIN_REPEAT = 40
_MAX_REPEAT_BLOCKS = 400
_PULL_NAMES = re.compile(r"pull|callout", re.IGNORECASE)
_BOLD = frozenset({"strong", "b"})
_DASHES = "-–—―"


@dataclass(slots=True)
class _Item:
    """One chosen text block and where it stands: its list items, quote, table row, pre."""

    block: TextBlock
    lis: list[HtmlElement]
    quote: HtmlElement | None
    row: HtmlElement | None
    pre: HtmlElement | None
    heading: HtmlElement | None = None


def build(
    chosen: Sequence[TextBlock],
    base_url: str | None = None,
    figures: Sequence[tuple[tuple[int, ...], Figure]] = (),
    subheads: bool = True,
) -> list[Block]:
    """Typed blocks of ``chosen`` in document order, with ``figures`` (each with its
    :func:`doc_path`) set among them."""
    kept = drop_repeats(list(chosen))
    items = _locate(kept)
    # A page that marks its sections with heading elements sets bold or capital lines as
    # labels and emphasis, not as subheadings.
    subheads = subheads and not any(item.heading is not None for item in items)
    out: list[Block] = []
    pending = sorted(figures, key=lambda pair: pair[0])
    index = 0
    while index < len(items):
        item = items[index]
        if pending:
            at = doc_path(item.block.element)
            while pending and pending[0][0] < at:
                out.append(_figure_block(pending.pop(0)[1]))
        end, block = _next_block(items, index, base_url, subheads)
        if block is not None:
            out.append(block)
        index = end
    out.extend(_figure_block(figure) for _, figure in pending)
    return out


def doc_path(element: HtmlElement) -> tuple[int, ...]:
    """The element's place in document order: child indices from the root (paths compare
    as the elements stand in the page; an ancestor comes before what it holds)."""
    steps = []
    node = element
    parent = node.getparent()
    while parent is not None:
        steps.append(parent.index(node))
        node, parent = parent, parent.getparent()
    return tuple(reversed(steps))


def _next_block(
    items: list[_Item], index: int, base_url: str | None, subheads: bool
) -> tuple[int, Block | None]:
    """The block that starts at ``items[index]`` and the index after its last item."""
    item = items[index]
    if item.lis:
        top = _list_of(item.lis[0])
        end = _run(items, index, lambda it: bool(it.lis) and _list_of(it.lis[0]) is top)
        return end, _list_block(items[index:end], 0, base_url)
    if item.row is not None:
        table = tables.table_of(item.row)
        end = _run(items, index, lambda it: it.row is not None and tables.table_of(it.row) is table)
        return end, _table_block(items[index:end])
    if item.pre is not None:
        pre = item.pre
        end = _run(items, index, lambda it: it.pre is pre)
        texts = [it.block.text for it in items[index:end]]
        raw = _pre_text(pre)
        # The layout as set, unless the scorer kept only part of it (then its words only).
        same = raw.split() == " ".join(texts).split()
        return end, Block("pre", raw if same else "\n".join(texts))
    if item.quote is not None:
        quote = item.quote
        end = _run(items, index, lambda it: it.quote is quote and not it.lis and it.row is None)
        texts = [it.block.text for it in items[index:end]]
        links = tuple(link for it in items[index:end] for link in _links(it.block, base_url))
        return end, Block("quote", "\n\n".join(texts), links=links)
    block = item.block
    if item.heading is not None:
        return index + 1, Block("heading", block.text, level=int(str(item.heading.tag)[1]))
    following = items[index + 1].block if index + 1 < len(items) else None
    if subheads and index > 0 and is_subheading(block, following):
        return index + 1, Block("heading", block.text, level=3)
    return index + 1, Block("paragraph", block.text, links=_links(block, base_url))


def _run(items: list[_Item], start: int, same: Callable[[_Item], bool]) -> int:
    """The index after the run of items from ``start`` that belong together."""
    end = start + 1
    while end < len(items) and same(items[end]):
        end += 1
    return end


def _locate(kept: list[TextBlock]) -> list[_Item]:
    """Each block's list items (outermost first), quote, table row and pre, found once."""
    memo: dict[HtmlElement, _Context] = {}
    data: dict[HtmlElement, bool] = {}
    items = [_place(block, memo, data) for block in kept]
    total = sum(len(b.text) for b in kept) or 1
    under: dict[HtmlElement, int] = {}
    for item in items:
        for li in item.lis:
            under[li] = under.get(li, 0) + len(item.block.text)
    layout = {li for li, chars in under.items() if chars > total * _LAYOUT_SHARE and total > 400}
    if layout:
        for item in items:
            item.lis = [li for li in item.lis if li not in layout]
    return items


#: Where an element stands: its list items (outermost first), nearest blockquote and its
#: distance, nearest pre, nearest heading and its distance.
_Context = tuple[
    tuple[HtmlElement, ...], HtmlElement | None, int, HtmlElement | None, HtmlElement | None, int
]
_OUTSIDE: _Context = ((), None, _QUOTE_DEPTH, None, None, _HEADING_DEPTH)


def _context(element: HtmlElement, memo: dict[HtmlElement, _Context]) -> _Context:
    """The element's :data:`_Context`, built on its parent's (blocks share ancestors: each
    climbs only to the first one already seen)."""
    chain = []
    node: HtmlElement | None = element
    while node is not None and node not in memo and node.tag not in _STOP:
        chain.append(node)
        node = node.getparent()
    context = memo[node] if node is not None and node in memo else _OUTSIDE
    for step in reversed(chain):
        lis, quote, distance, pre, heading, height = context
        distance += 1
        height += 1
        if step.tag == "li":
            lis = (*lis, step)
        elif step.tag == "blockquote":
            quote, distance = step, 0
        elif step.tag == "pre":
            pre = step
        elif step.tag in patterns.HEADING_TAGS:
            heading, height, lis = step, 0, ()  # what a heading holds is the heading
        context = memo[step] = (lis, quote, distance, pre, heading, height)
    return context


def _place(
    block: TextBlock, memo: dict[HtmlElement, _Context], data: dict[HtmlElement, bool]
) -> _Item:
    element = block.element
    # A block of a data table's row (the row's words, a paragraph in a cell) is a part of the
    # row; a layout table is unwrapped: its rows and paragraphs are paragraphs.
    row = tables.row_of(element)
    if row is not None and _in_data_table(row, data):
        return _Item(block, [], None, row, None)
    row = None
    lis, quote, distance, pre, heading, height = _context(element, memo)
    if heading is not None and height < _HEADING_DEPTH:
        # A heading (or a block a heading holds) stands alone, even inside a quote.
        return _Item(block, [], None, None, None, heading)
    return _Item(block, list(lis), quote if distance < _QUOTE_DEPTH else None, row, pre)


def _in_data_table(row: HtmlElement, memo: dict[HtmlElement, bool]) -> bool:
    table = tables.table_of(row)
    if table is None:
        return False
    found = memo.get(table)
    if found is None:
        found = memo[table] = tables.is_data_table(table)
    return found


def _pre_text(pre: HtmlElement) -> str:
    """Preformatted text as set: its spaces and line breaks (``<br>`` included) kept."""
    parts: list[str] = []
    for event, node in lxml.etree.iterwalk(pre, events=("start", "end")):
        if event == "start":
            if node.tag == "br":
                parts.append("\n")
            parts.append(node.text or "")
        elif node is not pre:
            parts.append(node.tail or "")
    return "".join(parts).strip("\n").rstrip()


def _list_of(li: HtmlElement) -> HtmlElement:
    parent = li.getparent()
    return parent if parent is not None else li


def _list_block(members: list[_Item], depth: int, base_url: str | None) -> Block:
    """A list from items that share their list at ``depth``; deeper lists nest in items."""
    list_element = _list_of(members[0].lis[depth])
    entries: list[tuple[Block, ...]] = []
    index = 0
    while index < len(members):
        li = members[index].lis[depth]
        end = index + 1
        while end < len(members) and members[end].lis[depth] is li:
            end += 1
        entries.append(tuple(_item_blocks(members[index:end], depth, base_url)))
        index = end
    return Block("list", ordered=list_element.tag == "ol", items=tuple(entries))


def _item_blocks(members: list[_Item], depth: int, base_url: str | None) -> Iterator[Block]:
    index = 0
    while index < len(members):
        member = members[index]
        if len(member.lis) <= depth + 1:
            yield Block("paragraph", member.block.text, links=_links(member.block, base_url))
            index += 1
            continue
        nested = _list_of(member.lis[depth + 1])
        end = index + 1
        while (
            end < len(members)
            and len(members[end].lis) > depth + 1
            and _list_of(members[end].lis[depth + 1]) is nested
        ):
            end += 1
        yield _list_block(members[index:end], depth + 1, base_url)
        index = end


def _table_block(members: list[_Item]) -> Block:
    rows: list[tuple[str, ...]] = []
    header = 0
    chosen: dict[HtmlElement, list[str]] = {}
    for member in members:
        if member.row is not None:
            chosen.setdefault(member.row, []).append(member.block.text)
    for row, texts in chosen.items():
        cells = tuple(tables.cell_text(c) for c in row if c.tag in tables.CELL_TAGS)
        if " ".join(cells).split() != " ".join(texts).split():
            # The scorer kept part of the row (a cell split by line breaks): its words only.
            cells = (" ".join(texts),)
        is_header = tables.is_header_row(row)
        if is_header and header == len(rows):
            header += 1
        rows.append(cells)
    return Block("table", rows=tuple(rows), header_rows=header)


def _links(block: TextBlock, base_url: str | None) -> tuple[tuple[str, str], ...]:
    """The (anchor text, URL) pairs of the block's own links, in order."""
    if not block.link_chars:
        return ()
    element = block.element
    found = []
    for anchor in element.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:")):
            continue
        if _owner(anchor, element) is not element:
            continue
        text = normalize(anchor.text_content())
        if text and text in block.text:
            absolute = href.startswith(("http://", "https://")) or not base_url
            found.append((text, href if absolute else urljoin(base_url or "", href)))
    return tuple(found)


def _owner(node: HtmlElement, limit: HtmlElement) -> HtmlElement | None:
    """The nearest block element around ``node`` (inline elements are skipped)."""
    for ancestor in node.iterancestors():
        if ancestor is limit or ancestor.tag in patterns.BLOCK_TAGS:
            return ancestor
    return None


def is_subheading(block: TextBlock, following: TextBlock | None) -> bool:
    """A short paragraph set all in bold, or in capitals, that introduces the prose after it."""
    text = block.text
    if (
        following is None
        or len(text) > _MAX_SUBHEAD
        or len(text) < 3
        or "\n" in text
        or _SENTENCE_END.search(text)
        or len(following.text) < len(text)
        or following.element.tag in patterns.HEADING_TAGS
    ):
        return False
    if block.element.tag not in ("p", "div") or _FIGURES.search(text):
        return False
    if block.link_density > 0.5 or text[0] in _DASHES:
        return False  # a teaser's link, or the attribution of a quote ("– Ann")
    return _all_bold(block.element, text) or _in_capitals(text)


def _all_bold(element: HtmlElement, text: str) -> bool:
    """The element's text is all inside ``<strong>``/``<b>`` (one run of bold)."""
    if (element.text or "").strip():
        return False
    children = [c for c in element if isinstance(c.tag, str)]
    if len(children) != 1 or children[0].tag not in _BOLD or (children[0].tail or "").strip():
        return False
    return normalize(children[0].text_content()) == text


def _in_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    words = text.split()
    return len(letters) >= 6 and len(words) >= 2 and all(c.isupper() for c in letters)


def drop_repeats(blocks: list[TextBlock]) -> list[TextBlock]:
    """Without pull quotes: a block set as a quote or callout whose text a longer kept block
    holds (a quote of an earlier post, in a forum, is whole and stays)."""
    if len(blocks) < 3 or len(blocks) > _MAX_REPEAT_BLOCKS:
        return blocks
    pulled = [i for i, b in enumerate(blocks) if len(b.text) >= _MIN_REPEAT and _is_pull(b)]
    if not pulled:
        return blocks
    folded = [" ".join(b.text.lower().split()) for b in blocks]
    dropped = {
        i for i in pulled
        if any(j != i and len(other) > len(folded[i]) and folded[i] in other
               for j, other in enumerate(folded))
    }  # fmt: skip
    return [b for i, b in enumerate(blocks) if i not in dropped]


def _is_pull(block: TextBlock) -> bool:
    """Set apart as a pull quote or callout (by its or its near ancestors' class names)."""
    node: HtmlElement | None = block.element
    for _ in range(3):
        if node is None:
            return False
        names = " ".join(filter(None, (node.get("class"), node.get("id"))))
        if node.tag == "aside" or (names and _PULL_NAMES.search(names)):
            return True
        node = node.getparent()
    return False


def _figure_block(figure: Figure) -> Block:
    return Block("figure", src=figure.src, alt=figure.alt, caption=figure.caption,
                 credit=figure.credit)
