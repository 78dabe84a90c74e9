"""Main-content selection: score containers by the prose under them, keep the article's blocks."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml.html import HtmlElement

from crawler.extract import patterns
from crawler.extract.text import Block

_MIN_SCORED_CHARS = 25
# Containers more than this far above a paragraph are page wrappers: not worth tracking, and
# climbing to the root from every paragraph costs depth x size on deeply nested pages.
_MAX_LEVELS = 12
_REGION_LEVELS = 6  # split chunks share an ancestor at most this far above the best one
_SENTENCE_ENDINGS = frozenset(".!?…\"'”’»)。！？")


@dataclass(slots=True)
class _Stats:
    """Per-element totals gathered from the blocks under it."""

    score: float = 0.0
    chars: int = 0
    link_chars: int = 0
    link_blocks: int = 0
    own_score: float = 0.0  # of a paragraph element itself, never a container
    mass: float = 0.0  # undecayed prose score of every block under the element
    blocks: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Selection:
    """The rule-based choice of the body: per-element totals, the best container, its blocks."""

    stats: dict[HtmlElement, _Stats]
    best: HtmlElement | None
    blocks: list[Block]
    scores: list[float]


def _block_score(block: Block) -> float:
    text = block.text
    if len(text) < _MIN_SCORED_CHARS or block.link_density > 0.5:
        return 0.0
    punctuation = text.count(",") + text.count(". ") + text.count("，") + text.count("。")
    score = 1.0 + punctuation + min(len(text) / 100.0, 3.0)
    # List items are more often teasers and menus than prose.
    return score * 0.5 if block.element.tag == "li" else score


def _container(block: Block) -> HtmlElement:
    element = block.element
    parent = element.getparent()
    if element.tag in patterns.PARAGRAPH_TAGS and parent is not None:
        return parent
    return element


def _gather(blocks: list[Block], scores: list[float]) -> dict[HtmlElement, _Stats]:
    stats: dict[HtmlElement, _Stats] = {}
    for index, block in enumerate(blocks):
        score = scores[index]
        chars, link_chars = len(block.text), block.link_chars
        is_link = block.link_density > 0.8
        element: HtmlElement | None = block.element
        # The paragraph itself gets totals (it may be a sibling of the body) but no score.
        level = 0 if element is _container(block) else -1
        while element is not None and level < _MAX_LEVELS:
            entry = stats.get(element)
            if entry is None:
                entry = stats[element] = _Stats()
            entry.chars += chars
            entry.link_chars += link_chars
            if is_link:
                entry.link_blocks += 1
            entry.blocks.append(index)
            if level < 0:
                entry.own_score += score
            else:
                entry.mass += score
                if level < 3:
                    entry.score += score / (1 + level)
            level += 1
            element = element.getparent()
    return stats


def _class_weight(element: HtmlElement) -> float:
    names = " ".join(filter(None, (element.get("class"), element.get("id"))))
    weight = 0.0
    if element.tag in ("article", "main") or element.get("itemprop") == "articleBody":
        weight += 10.0
    if names and patterns.BODY_CLASS.search(names):
        weight += 15.0
    return weight


def _final_score(element: HtmlElement, entry: _Stats) -> float:
    if entry.score <= 0:
        return 0.0
    density = entry.link_chars / entry.chars if entry.chars else 1.0
    # Many headline links mark a list of teasers, however much prose sits between them.
    teasers = max(0.3, 1.0 - 0.04 * entry.link_blocks)
    return (entry.score + _class_weight(element)) * (1.0 - density) * teasers


def select_blocks(blocks: list[Block]) -> list[Block]:
    """Return the blocks of the article body, in document order (empty when none stands out)."""
    return select(blocks).blocks


def select(blocks: list[Block]) -> Selection:
    """Score containers by the prose under them; the best one and its kin are the body."""
    scores = [_block_score(block) for block in blocks]
    stats = _gather(blocks, scores)
    if not stats:
        return Selection(stats, None, [], scores)
    scored = [(_final_score(el, st), el) for el, st in stats.items()]
    best_score, best = max(scored, key=lambda pair: pair[0])
    if best_score <= 0:
        return Selection(stats, None, [], scores)
    chosen = _with_siblings(best, best_score, stats, blocks) + _same_kind(best, stats)
    indices = sorted({i for element in chosen for i in stats[element].blocks})
    return Selection(stats, best, [blocks[i] for i in indices], scores)


def _has_prose(entry: _Stats, blocks: list[Block]) -> bool:
    """A real paragraph (not a heading): long, few links, ends like a sentence."""
    for index in entry.blocks:
        block = blocks[index]
        text = block.text
        if (
            block.element.tag not in patterns.HEADING_TAGS
            and len(text) >= 80
            and block.link_density < 0.25
            and text[-1] in _SENTENCE_ENDINGS
        ):
            return True
    return False


def _with_siblings(
    best: HtmlElement, best_score: float, stats: dict[HtmlElement, _Stats], blocks: list[Block]
) -> list[HtmlElement]:
    """The best container plus siblings that also read like the article (split bodies)."""
    parent = best.getparent()
    if parent is None:
        return [best]
    threshold = max(10.0, best_score * 0.2)
    chosen = []
    for sibling in parent:
        if sibling is best:
            chosen.append(sibling)
            continue
        entry = stats.get(sibling)
        if entry is None:
            continue
        score = _final_score(sibling, entry)
        density = entry.link_chars / entry.chars if entry.chars else 1.0
        if score >= threshold or (density < 0.25 and _has_prose(entry, blocks)):
            chosen.append(sibling)
    return chosen


def _signature(element: HtmlElement | None, depth: int = 3) -> tuple[str, ...]:
    steps: list[str] = []
    while element is not None and len(steps) < depth:
        classes = (element.get("class") or "").split()
        steps.append(f"{element.tag!s}.{classes[0] if classes else ''}")
        element = element.getparent()
    return tuple(steps)


def _same_kind(best: HtmlElement, stats: dict[HtmlElement, _Stats]) -> list[HtmlElement]:
    """Other chunks of a body split into repeated containers of the same kind (tag, class)."""
    if not best.get("class"):
        return []
    kind = _signature(best)
    region = _ancestor(best, _REGION_LEVELS)
    chunks = []
    for element, entry in stats.items():
        if element is best or element.tag != best.tag or entry.score <= 0:
            continue
        density = entry.link_chars / entry.chars if entry.chars else 1.0
        if density < 0.3 and _signature(element) == kind and _within(element, region):
            chunks.append(element)
    return chunks


def _ancestor(element: HtmlElement, levels: int) -> HtmlElement:
    for _ in range(levels):
        parent = element.getparent()
        if parent is None:
            break
        element = parent
    return element


def _within(element: HtmlElement, region: HtmlElement) -> bool:
    """Chunks of one article sit close together: under the same nearby ancestor."""
    for ancestor in element.iterancestors():
        if ancestor is region:
            return True
    return False
