"""Per-block features for the learned block scorer: the text, its neighbours, its place in the page.

Every feature is generic (lengths, densities, punctuation, tags, the furniture and body
vocabularies of :mod:`crawler.extract.patterns`, where the rule-based selection put the block,
how much of the page's prose its ancestors hold); none names a site. The order of
:data:`FEATURE_NAMES` is the column order the shipped model was trained with.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from lxml.html import HtmlElement

from crawler.extract import patterns
from crawler.extract.content import Selection
from crawler.extract.sitelearn import path_steps
from crawler.extract.text import Block
from crawler.extract.textstats import TEXT_COLUMNS, text_columns

_TAG_GROUPS = {
    "p": 0, "li": 1, "h1": 2, "h2": 3, "h3": 3, "h4": 4, "h5": 4, "h6": 4, "td": 5, "th": 5,
    "blockquote": 6, "pre": 6, "dd": 7, "dt": 7, "div": 8,
}  # fmt: skip
_TAG_COLUMNS = ("tag_p", "tag_li", "tag_h1", "tag_h23", "tag_h456", "tag_cell", "tag_quote",
                "tag_dl", "tag_div", "tag_other")  # fmt: skip
_ANCESTOR_LEVELS = 4
_NEIGHBOURS = 3
_WORD = re.compile(r"\w+")

# Ancestry flags, folded down the tree once per element (bit masks).
_IN_ARTICLE, _IN_LIST, _IN_TABLE, _IN_FURNITURE, _IN_FORM = 1, 2, 4, 8, 16
_BODY_NAME, _STRONG_NAME, _WEAK_NAME, _COMMENT_NAME, _HEADING_NEAR = 32, 64, 128, 256, 512
_FLAG_COLUMNS = (
    ("in_article", _IN_ARTICLE), ("in_list", _IN_LIST), ("in_table", _IN_TABLE),
    ("in_furniture", _IN_FURNITURE), ("in_form", _IN_FORM), ("body_name", _BODY_NAME),
    ("strong_junk_name", _STRONG_NAME), ("weak_junk_name", _WEAK_NAME),
    ("comment_name", _COMMENT_NAME),
)  # fmt: skip
_FURNITURE_TAGS = frozenset({"nav", "aside", "footer", "header", "menu", "dialog", "figure"})

_OWN = TEXT_COLUMNS
_CONTEXT = ("position", "log_page_chars", "page_link_density", "selected", "span_inside",
            "span_before", "span_after", "in_best", "in_best_parent", "in_region50",
            "in_region80", "depth", "kept", "kept_inside", "after_headline", "log_path_repeats",
            "path_link_density")  # fmt: skip
_ANCESTORS = tuple(
    f"{name}{level}" for level in range(1, _ANCESTOR_LEVELS + 1)
    for name in ("mass_share", "anc_link_density", "log_anc_blocks")
)  # fmt: skip
_WINDOW = ("prev_link_density", "next_link_density", "prev_log_chars", "next_log_chars",
           "win_link_density", "win_log_chars", "win_block_score", "win_selected")  # fmt: skip

#: Page-level evidence of the page's role, the same for every block of a page.
PAGE_FEATURES = ("markup_vote", "url_vote", "density_vote", "rule_article", "log_rule_chars")


@dataclass(frozen=True, slots=True)
class PageContext:
    """What the page says about itself, beside its blocks."""

    title: str | None
    description: str | None
    #: The blocks the rules keep (filtered selection).
    kept: list[Block]
    #: Values of :data:`PAGE_FEATURES`.
    page: tuple[float, ...]
    #: The page's element paths (:func:`sitelearn.element_path` memo), shared with the steps
    #: that walk them too.
    paths: dict[HtmlElement, tuple[str, ...]] = field(default_factory=dict)


#: Column names of the feature matrix, in order.
FEATURE_NAMES: tuple[str, ...] = (
    _OWN
    + _TAG_COLUMNS
    + tuple(name for name, _ in _FLAG_COLUMNS)
    + _CONTEXT
    + _ANCESTORS
    + _WINDOW
    + PAGE_FEATURES
)


def block_features(blocks: list[Block], selection: Selection, context: PageContext) -> np.ndarray:
    """The feature matrix of ``blocks`` (one row per block, columns as :data:`FEATURE_NAMES`)."""
    count = len(blocks)
    if not count:
        return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    topic = _topic_words(context)
    title = context.title
    own = text_columns(blocks, selection.scores, title, topic)
    tags = np.zeros((count, len(_TAG_COLUMNS)), dtype=np.float32)
    tags[np.arange(count), [_TAG_GROUPS.get(str(b.element.tag), 9) for b in blocks]] = 1.0
    ancestry = _Ancestry(blocks, context.paths)
    flags = _flag_matrix(ancestry.masks)
    place = _context(blocks, selection, context, ancestry)
    ancestors = _ancestors(blocks, selection)
    window = _window(own, place[:, _CONTEXT.index("selected")])
    page_columns = np.tile(np.array(context.page, dtype=np.float32), (count, 1))
    return np.hstack((own, tags, flags, place, ancestors, window, page_columns))


def _topic_words(context: PageContext) -> frozenset[str]:
    """Words of the title and description: the page's topic, which its body shares."""
    text = f"{context.title or ''} {context.description or ''}".lower()
    return frozenset(word for word in _WORD.findall(text) if len(word) > 3)


def _folded(text: str) -> str:
    return " ".join(text.lower().split())


class _Ancestry:
    """What each block's ancestors say, from one climb per block that stops at the first
    ancestor already seen: its ancestry flags, its depth and its element path (the climbs of
    :func:`sitelearn.element_path`, whose memo ``paths`` it fills, and of the flags and the
    depth, made once)."""

    __slots__ = ("depths", "masks", "paths")

    masks: np.ndarray
    depths: np.ndarray
    paths: list[str]

    def __init__(self, blocks: list[Block], paths: dict[HtmlElement, tuple[str, ...]]) -> None:
        """Climb from every block (``paths``: the page's element path memo)."""
        seen: dict[HtmlElement, tuple[int, int]] = {}  # element -> (depth, flags)
        verdicts: dict[str, int] = {}  # class/id strings repeat a lot within a page
        masks, depths, self.paths = [], [], []
        for block in blocks:
            climbed = []
            node: HtmlElement | None = block.element
            while node is not None and node not in seen:
                climbed.append(node)
                node = node.getparent()
            depth, mask = seen[node] if node is not None else (-1, 0)
            steps = paths.get(node, ()) if node is not None else ()
            for node in reversed(climbed):
                classes = node.get("class")
                depth += 1
                mask |= _own_flags(node, classes, verdicts)
                seen[node] = (depth, mask)
                known = paths.get(node)
                steps = paths[node] = path_steps(node, classes, steps) if known is None else known
            masks.append(mask)
            depths.append(depth)
            self.paths.append("/".join(reversed(steps)))
        self.masks = np.array(masks, dtype=np.int64)
        self.depths = np.array(depths, dtype=np.float32)


def _flag_matrix(masks: np.ndarray) -> np.ndarray:
    bits = np.array([bit for _, bit in _FLAG_COLUMNS], dtype=np.int64)
    matrix: np.ndarray = ((masks[:, None] & bits) != 0).astype(np.float32)
    return matrix


def _own_flags(element: HtmlElement, classes: str | None, verdicts: dict[str, int]) -> int:
    tag = element.tag
    mask = 0
    if tag in ("article", "main") or element.get("itemprop") == "articleBody":
        mask |= _IN_ARTICLE
    elif tag in ("ul", "ol", "li", "dl"):
        mask |= _IN_LIST
    elif tag == "table":
        mask |= _IN_TABLE
    elif tag in _FURNITURE_TAGS:
        mask |= _IN_FURNITURE
    elif tag == "form":
        mask |= _IN_FORM
    names = " ".join(filter(None, (classes, element.get("id"))))
    if names and len(names) <= 300:
        verdict = verdicts.get(names)
        if verdict is None:
            verdict = verdicts[names] = _name_flags(names)
        mask |= verdict
    return mask


def _name_flags(names: str) -> int:
    if patterns.BODY_CLASS.search(names):
        return _BODY_NAME
    if patterns.COMMENT_CLASS.search(names):
        return _COMMENT_NAME
    if patterns.STRONG_JUNK_CLASS.search(names):
        return _STRONG_NAME
    return _WEAK_NAME if patterns.WEAK_JUNK_CLASS.search(names) else 0


def _context(
    blocks: list[Block], selection: Selection, page: PageContext, ancestry: _Ancestry
) -> np.ndarray:
    count = len(blocks)
    kept = page.kept
    index = np.arange(count)
    chosen = {id(b) for b in selection.blocks}
    keep = {id(b) for b in kept}
    selected = np.fromiter((id(b) in chosen for b in blocks), dtype=bool, count=count)
    kept_flags = np.fromiter((id(b) in keep for b in blocks), dtype=bool, count=count)
    first, last = _span_ends(selected)
    kept_first, kept_last = _span_ends(kept_flags)
    headline = next((i for i, b in enumerate(blocks) if b.element.tag == "h1"), -1)
    repeats, path_density = _path_groups(blocks, ancestry.paths)
    page_chars = sum(len(b.text) for b in blocks) or 1
    page_links = sum(b.link_chars for b in blocks)
    columns = [
        index / count,
        np.full(count, math.log1p(page_chars)),
        np.full(count, page_links / page_chars),
        selected,
        (index >= first) & (index <= last),
        index < first,
        index > last,
        *(_marked(count, members) for members in _under_sets(selection)),
        ancestry.depths,
        kept_flags,
        (index >= kept_first) & (index <= kept_last),
        (headline >= 0) & (index > headline),
        repeats,
        path_density,
    ]
    return np.column_stack(columns).astype(np.float32)


def _marked(count: int, members: set[int]) -> np.ndarray:
    flags = np.zeros(count, dtype=bool)
    if members:
        flags[np.fromiter(members, dtype=np.int64, count=len(members))] = True
    return flags


def _span_ends(flags: np.ndarray) -> tuple[int, int]:
    """First and last flagged index (``(len, -1)`` when none is)."""
    marked = np.flatnonzero(flags)
    return (int(marked[0]), int(marked[-1])) if len(marked) else (len(flags), -1)


def _path_groups(blocks: list[Block], paths: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per block: how many blocks share its tag path (repeated cards and menu items do), and
    the link density of that group."""
    counts = Counter(paths)
    chars: Counter[str] = Counter()
    links: Counter[str] = Counter()
    for path, block in zip(paths, blocks, strict=True):
        chars[path] += len(block.text)
        links[path] += block.link_chars
    repeats = np.log1p(np.array([counts[path] - 1 for path in paths], dtype=np.float32))
    density = np.array(
        [links[path] / chars[path] if chars[path] else 0.0 for path in paths], dtype=np.float32
    )
    return repeats, density


def _under_sets(selection: Selection) -> tuple[set[int], ...]:
    """Indices of the blocks under the best container, its parent, and the 50 % and 80 %
    prose regions (the deepest elements holding that share of the page's prose score)."""
    stats, best = selection.stats, selection.best
    if best is None:
        return set(), set(), set(), set()
    parent = best.getparent()
    total = max((entry.mass for entry in stats.values()), default=0.0) or 1.0
    regions = []
    for share in (0.5, 0.8):
        holders = [(entry.mass, el) for el, entry in stats.items() if entry.mass >= share * total]
        region = min(holders, key=lambda pair: pair[0])[1] if holders else None
        regions.append(set(stats[region].blocks) if region is not None else set())
    in_parent = set(stats[parent].blocks) if parent is not None and parent in stats else set()
    return set(stats[best].blocks), in_parent, regions[0], regions[1]


def _ancestors(blocks: list[Block], selection: Selection) -> np.ndarray:
    stats = selection.stats
    total = max((entry.mass for entry in stats.values()), default=0.0) or 1.0
    rows = []
    # Blocks under one parent share their row (the paragraphs of a body mostly do).
    by_parent: dict[HtmlElement | None, list[float]] = {}
    for block in blocks:
        node = block.element.getparent()
        row = by_parent.get(node)
        if row is not None:
            rows.append(row)
            continue
        row = by_parent[node] = []
        for _ in range(_ANCESTOR_LEVELS):
            entry = stats.get(node) if node is not None else None
            if entry is None:
                row += (0.0, 0.0, 0.0)
            else:
                density = entry.link_chars / entry.chars if entry.chars else 0.0
                row += (entry.mass / total, density, math.log1p(len(entry.blocks)))
            node = node.getparent() if node is not None else None
        rows.append(row)
    return np.array(rows, dtype=np.float32)


def _window(own: np.ndarray, selected: np.ndarray) -> np.ndarray:
    """Neighbourhood of each block: the previous and next block, and a window around it."""
    density = own[:, _OWN.index("link_density")]
    chars = own[:, _OWN.index("log_chars")]
    score = own[:, _OWN.index("block_score")]
    prev_density, next_density = _shift(density, 1), _shift(density, -1)
    prev_chars, next_chars = _shift(chars, 1), _shift(chars, -1)
    return np.column_stack((
        prev_density, next_density, prev_chars, next_chars,
        _mean_window(density), _mean_window(chars), _mean_window(score), _mean_window(selected),
    ))  # fmt: skip


def _shift(values: np.ndarray, by: int) -> np.ndarray:
    out = np.zeros_like(values)
    if by > 0:
        out[by:] = values[:-by]
    else:
        out[:by] = values[-by:]
    return out


def _mean_window(values: np.ndarray) -> np.ndarray:
    """Mean over the ``_NEIGHBOURS`` blocks on each side and the block itself."""
    count = len(values)
    sums = np.concatenate(([0.0], np.cumsum(values, dtype=np.float64)))
    index = np.arange(count)
    low = np.maximum(index - _NEIGHBOURS, 0)
    high = np.minimum(index + _NEIGHBOURS + 1, count)
    means: np.ndarray = ((sums[high] - sums[low]) / (high - low)).astype(np.float32)
    return means
