"""Block-level boilerplate filters: prompts, teasers, bylines and stray labels inside the body."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from crawler.extract import patterns
from crawler.extract.dates import find_date_in_text
from crawler.extract.sitelearn import element_path
from crawler.extract.text import Block

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_DATE_LINE = re.compile(
    r"^(?:(?:updated|published|posted|last updated|modified|first published)\b[:\s]*)",
    re.IGNORECASE,
)
_URL_ONLY = re.compile(r"^(?:https?://|www\.)\S+$")
# Gallery and player controls that survive as one-word blocks.
_CONTROL_WORDS = frozenset(
    {"caption", "close", "image", "images", "photo", "photos", "video", "next", "previous",
     "prev", "expand", "enlarge", "play", "pause", "back to top", "advert", "advertisement",
     "ad", "loading", "loading...", "view gallery", "see more", "show more", "hide caption",
     "toggle caption", "open", "menu", "more", "sponsored content", "skip", "like loading",
     "anzeige", "werbung", "publicidad", "publicité", "pubblicità", "publicidade", "реклама",
     "teilen", "partager", "condividi", "compartir", "compartilhe", "поделиться"}
)  # fmt: skip
_MAX_LABELS = 2
_HEADINGS = patterns.HEADING_TAGS
_HEAD_BLOCKS = 3
_MAX_BOX_BLOCKS = 4
_BOX_DEPTH = 4
_MIN_BEFORE_COMMENTS = 400
_SENTENCE_END = re.compile(r"[.!?…:\"'”’)\]]$")
# A box label and a subheading read alike ("Popular ..."): what follows tells them apart.
# Prose: a block of little link text; the label's followers looked at, headings aside.
_PROSE_LINKS = 0.5
_PROSE_CHARS = 80
_FOLLOWERS = 6
_LOOK_BACK = 5
# A subheading's followers hold this much prose, and this share of their text, in the place
# of the prose before it.
_SECTION_CHARS = 100
_SECTION_SHARE = 2 / 3
_LISTS = frozenset({"li", "ul", "ol"})


def is_junk_block(block: Block, links: bool = True) -> bool:
    """True for a block that is page furniture even though it sits in the article container.

    ``links=False`` judges by wording alone (a run of links may be a page's content).
    """
    size = len(block.text)
    if links and (block.link_density > 0.8 or (block.link_density > 0.5 and size < 100)):
        return True
    if block.wording_junk is None:
        block.wording_junk = _is_junk_wording(block.text)
    return block.wording_junk


def _is_junk_wording(text: str) -> bool:
    size = len(text)
    if size < 200 and patterns.JUNK_TEXT.match(text):
        return True
    if size < 160 and patterns.PROMPT_TEXT.search(text):
        return True
    if size < 100 and patterns.BYLINE_TEXT.match(text):
        return True
    if size < 30 and text.lower().rstrip(":.") in _CONTROL_WORDS:
        return True
    if _URL_ONLY.match(text) or (size < 30 and text.replace(" ", "").isdigit()):
        return True
    return size < 60 and _DATE_LINE.match(text) is not None and find_date_in_text(text) is not None


def _is_label(block: Block) -> bool:
    """A short line without sentence punctuation: kicker, credit, section name, date."""
    text = block.text
    if block.element.tag in patterns.HEADING_TAGS:
        return len(text) < 15
    return len(text) < 50 and not _SENTENCE_END.search(text)


def filter_blocks(blocks: list[Block], title: str | None = None) -> list[Block]:
    """Drop junk blocks, the headline, then a few short labels at the start and end."""
    junk = [
        is_junk_block(block) or (index < _HEAD_BLOCKS and _is_head_matter(block, title, index))
        for index, block in enumerate(blocks)
    ]
    # The page's own headline heads the article, not a box to drop: a brief is a headline
    # over three paragraphs.
    folded_title = _fold(title) if title else None
    heads = [j and _fold(b.text) != folded_title for b, j in zip(blocks, junk, strict=True)]
    boxes = _prompt_boxes(blocks, heads)
    kept = [
        block
        for block, is_junk in zip(blocks, junk, strict=True)
        if not is_junk and not _inside(block, boxes)
    ]
    # The cut as it stood when the block scorer learned from this text (its features read
    # it); the scorer's choice is cut with what follows a marker weighed (drop_furniture).
    kept = _cut_related_tail(kept)
    start, end = 0, len(kept)
    # Kickers, datelines and credits come one or two at a time; longer runs are content.
    while start < min(end, _MAX_LABELS) and _is_label(kept[start]):
        start += 1
    while end > max(start, len(kept) - _MAX_LABELS) and _is_label(kept[end - 1]):
        end -= 1
    while end > start and kept[end - 1].element.tag in patterns.HEADING_TAGS:
        end -= 1  # a heading with nothing after it introduced something we removed
    return kept[start:end]


def _is_head_matter(block: Block, title: str | None, index: int) -> bool:
    """Headline or "posted by … in …" line at the top of the selection."""
    text = block.text
    if block.element.tag == "h1" and index == 0:
        return True
    if len(text) < 200 and patterns.META_LINE.search(text):
        return True
    if not title:
        return False
    folded, folded_title = _fold(text), _fold(title)
    # "Headline | Site" titles start with the headline.
    return folded == folded_title or (len(folded) > 20 and folded_title.startswith(folded))


def drop_furniture(
    blocks: list[Block], page_blocks: list[Block], title: str | None = None
) -> list[Block]:
    """Drop what an article's text never holds from the scorer's choice (``blocks``, taken
    from ``page_blocks``): prompts, bylines, controls and the boxes they head, lists of
    headline links, what follows a "Related"/"Comments" heading of the page, the headline.
    (Judged by wording: a paragraph of links may still be content.)"""
    junk = [is_junk_block(block, links=False) or _is_link_item(block) for block in blocks]
    boxes = _prompt_boxes(blocks, junk)
    kept = [b for b, j in zip(blocks, junk, strict=True) if not j and not _inside(b, boxes)]
    kept = _cut_related_tail(kept, sections=True)
    return drop_headline(_cut_at_comments(kept, page_blocks), title)


def _cut_at_comments(kept: list[Block], page_blocks: list[Block]) -> list[Block]:
    """Cut the kept blocks at the page's comment-section heading, kept or not (the scorer
    may drop the "8 Comments" heading and keep the thread under it)."""
    if not kept:
        return kept
    chosen = {id(b) for b in kept}
    seen = 0
    for block in page_blocks:
        if id(block) in chosen:
            seen += len(block.text)
        elif seen >= _MIN_BEFORE_COMMENTS and _is_comment_heading(block):
            ending = {id(b) for b in page_blocks[: page_blocks.index(block)]}
            return [b for b in kept if id(b) in ending]
    return kept


def _is_comment_heading(block: Block) -> bool:
    return (
        block.element.tag in _HEADINGS
        and len(block.text) < 60
        and patterns.COMMENT_MARKER.match(block.text) is not None
    )


def _is_link_item(block: Block) -> bool:
    """A list item that is only a link: a teaser headline or a menu entry."""
    return block.element.tag == "li" and block.link_density > 0.8


def drop_headline(blocks: list[Block], title: str | None) -> list[Block]:
    """The blocks without the headline: the title's text, or an ``<h1>`` ahead of the rest
    (the headline is the result's ``title``, never part of its text)."""
    folded_title = _fold(title) if title else None
    kept = []
    for index, block in enumerate(blocks):
        if folded_title is not None and _fold(block.text) == folded_title:
            continue
        if index == 0 and block.element.tag == "h1":
            continue
        kept.append(block)
    return kept


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


def _prompt_boxes(blocks: list[Block], junk: list[bool]) -> set[HtmlElement]:
    """Small containers headed by a prompt ("Have a tip?", "Sign up"): the box goes whole."""
    boxes: set[HtmlElement] = set()
    for block, is_junk in zip(blocks, junk, strict=True):
        if not is_junk or block.element.tag not in patterns.HEADING_TAGS:
            continue
        box = block.element.getparent()
        if box is None:
            continue
        members = [b for b in blocks if _inside(b, {box})]
        if 1 < len(members) <= _MAX_BOX_BLOCKS and sum(len(b.text) for b in members) < 600:
            boxes.add(box)
    return boxes


def _inside(block: Block, boxes: set[HtmlElement]) -> bool:
    if not boxes:
        return False
    node: HtmlElement | None = block.element
    for _ in range(_BOX_DEPTH):
        if node is None:
            return False
        if node in boxes:
            return True
        node = node.getparent()
    return False


def _cut_related_tail(blocks: list[Block], sections: bool = False) -> list[Block]:
    """Cut at a "You may also like" style marker in the second half of the text; with
    ``sections``, not where the article goes on after it (a subheading "Popular support
    grew")."""
    total = sum(len(b.text) for b in blocks)
    seen = 0
    for index, block in enumerate(blocks):
        if (
            len(block.text) < 60
            and (seen > total * 0.5 or (seen >= 400 and block.element.tag in _HEADINGS))
            and patterns.RELATED_MARKER.match(block.text)
            and not (sections and _opens_section(blocks, index))
        ):
            return blocks[:index]
        seen += len(block.text)
    return blocks


def _opens_section(blocks: list[Block], index: int) -> bool:
    """Whether ``blocks[index]`` heads more of the article rather than a box: the blocks
    after it are mostly prose standing where the prose before it stands (a box of teasers
    holds headline links, or excerpts each in a card of its own; a comment thread sits in
    its own container)."""
    before = next(
        (b for b in reversed(blocks[max(0, index - _LOOK_BACK) : index]) if _is_prose(b)), None
    )
    if before is None:
        return False
    place = _place(before.element)
    followers = [b for b in blocks[index + 1 :] if b.element.tag not in _HEADINGS]
    followers = followers[:_FOLLOWERS]
    total = sum(len(b.text) for b in followers)
    own = sum(
        len(b.text) for b in followers
        if b.link_density < _PROSE_LINKS and _place(b.element) == place
    )  # fmt: skip
    return own >= _SECTION_CHARS and own >= _SECTION_SHARE * total


def _is_prose(block: Block) -> bool:
    return len(block.text) >= _PROSE_CHARS and block.link_density < _PROSE_LINKS


def _place(element: HtmlElement) -> str:
    """Where a block stands: its container's path (:func:`sitelearn.element_path`; a list
    item stands where its list does). Paragraphs of one text share it; a card does not."""
    node = element.getparent()
    while node is not None and node.tag in _LISTS:
        node = node.getparent()
    return "" if node is None else element_path(node)


def own_article(blocks: list[Block], title: str | None) -> list[Block]:
    """Without a second story the page appends ("next story", infinite scroll): when the
    blocks lie in several ``<article>`` elements, one headed by the page's headline, the
    others that carry a headline (``<h1>``) of their own go."""
    if not title or len(blocks) < 2:
        return blocks
    owners = [_article_of(block.element) for block in blocks]
    distinct = {id(a): a for a in owners if a is not None}
    if len(distinct) < 2:
        return blocks
    folded_title = _fold(title)
    own = [a for a in distinct.values() if _headline_of(a) == folded_title]
    if len(own) != 1:
        return blocks
    others = {
        key for key, article in distinct.items()
        if article is not own[0] and _headline_of(article) not in (None, folded_title)
    }  # fmt: skip
    if not others:
        return blocks
    return [b for b, a in zip(blocks, owners, strict=True) if a is None or id(a) not in others]


def _article_of(element: HtmlElement) -> HtmlElement | None:
    """The outermost ``<article>`` around an element (a story, not a card inside it)."""
    found = None
    for ancestor in element.iterancestors("article"):
        found = ancestor
    return found


def _headline_of(article: HtmlElement) -> str | None:
    headline = next(article.iter("h1"), None)
    return _fold(headline.text_content()) if headline is not None else None

