"""The extraction pipeline: parse, read metadata, clean, select the body, classify."""

from __future__ import annotations

import math
from dataclasses import dataclass

from lxml.html import HtmlElement

from crawler.extract import content, filters, sitelearn
from crawler.extract.clean import clean_tree
from crawler.extract.features import PageContext, block_features
from crawler.extract.language import guess_language
from crawler.extract.metadata import Metadata, extract_metadata
from crawler.extract.model import Document, ExtractOptions, ExtractResult
from crawler.extract.pagetype import PageEvidence, PageType, classify
from crawler.extract.parse import parse_document, reparse
from crawler.extract.scorer import BlockModel, load_model
from crawler.extract.text import Block, iter_blocks, join_paragraphs

#: Bumped whenever the output for the same page may change (re-extraction compares it).
EXTRACTOR_VERSION = "2.0.0"

_PARTIAL_ENDINGS = ("...", "…", "[…]", "(…)")


def extract(
    html: bytes | str | None, url: str | None = None, options: ExtractOptions | None = None
) -> ExtractResult:
    """Extract the article of one page.

    Args:
        html: the page as bytes (encoding detected) or text.
        url: the page's URL (used for dates, list-page detection, canonical links).
        options: extractor options; ``ExtractOptions()`` when omitted.

    Returns:
        A frozen ExtractResult; ``text`` is ``""`` and ``discard_reason`` set when the page is
        not an article. Never raises on bad input.
    """
    return extract_document(parse_document(html, url, options), url, options)


@dataclass(slots=True)
class Candidates:
    """A cleaned page cut into text blocks, with the rule-based reading of it.

    What the block scorer sees (the training script builds the same object from the
    development pages, so training and extraction share one path).
    """

    meta: Metadata
    blocks: list[Block]
    all_blocks: list[Block]
    selection: content.Selection
    kept: list[Block]
    page: PageType
    paywall_prompt: bool
    #: Element paths walked so far (site learning, features and signatures share them).
    paths: dict[HtmlElement, tuple[str, ...]]


def candidates(
    doc: Document, url: str | None, options: ExtractOptions, strict: bool = True
) -> Candidates | None:
    """Clean ``doc.tree`` (in place), cut it into blocks and read it with the rules.

    ``strict=False`` cleans lightly (see :func:`clean_tree`).
    """
    tree = doc.tree
    if tree is None:
        return None
    meta = extract_metadata(tree, url, options.capture_time)
    links = _count_links(tree)
    paywall_prompt = clean_tree(tree, strict)
    all_blocks = iter_blocks(tree)
    paths: dict[HtmlElement, tuple[str, ...]] = {}
    blocks = sitelearn.remove_boilerplate(all_blocks, options.site_profile, paths)
    selection = content.select(blocks)
    kept = filters.filter_blocks(selection.blocks, meta.title)
    rule_text = join_paragraphs([b.text for b in kept])
    if len(rule_text) < options.min_article_chars and meta.ld_body:
        rule_text = _ld_text(meta.ld_body)
    evidence = _evidence(url, rule_text, all_blocks, _span(selection.blocks, kept), links)
    page = classify(evidence, meta, options.min_article_chars, options.listed_as_article)
    return Candidates(meta, blocks, all_blocks, selection, kept, page, paywall_prompt, paths)


def extract_document(
    doc: Document, url: str | None = None, options: ExtractOptions | None = None
) -> ExtractResult:
    """Extract the main text from an already parsed page; prunes ``doc.tree`` in place.

    Args:
        doc: from :func:`parse_document` (link discovery may have read it first).
        url: the page's URL; defaults to ``doc.url``.
        options: extractor options; ``ExtractOptions()`` when omitted.

    Returns:
        A frozen ExtractResult, as :func:`extract`.
    """
    options = options or ExtractOptions()
    url = url or doc.url
    found = candidates(doc, url, options)
    if found is None:
        reason = doc.error or "empty: nothing to parse"
        return ExtractResult(discard_reason=reason, page_reason=reason, encoding=doc.encoding)
    text = main_text(found, options)
    if len(text) < options.min_article_chars:
        text = _second_reading(doc, url, options, text)
    text, cut = cap_text(text, options.max_text_chars)
    page = found.page
    partial = page.is_article and _is_partial(
        found.meta, text, doc.truncated or found.paywall_prompt or cut
    )
    signatures = sitelearn.block_signatures(found.all_blocks, found.paths)
    return _result(found.meta, page, text, partial, doc.encoding, signatures)


def cap_text(text: str, limit: int) -> tuple[str, bool]:
    """``text`` cut to at most ``limit`` characters, at a paragraph if one ends in the last
    tenth; and whether it was cut."""
    if not limit or len(text) <= limit:
        return text, False
    head = text[:limit]
    end = head.rfind("\n\n")
    return (head[:end] if end >= limit * 9 // 10 else head).rstrip(), True


def main_text(found: Candidates, options: ExtractOptions) -> str:
    """The page's best main text: the blocks the scorer keeps; when that is short, the
    longest of it, the rules' choice and the JSON-LD body."""
    chosen = scored_blocks(found)
    text = join_paragraphs([b.text for b in (found.kept if chosen is None else chosen)])
    if len(text) >= options.min_article_chars:
        return text
    others = [join_paragraphs([b.text for b in found.kept])]
    if found.meta.ld_body:
        # Pages rendered by script often carry the whole body in JSON-LD only.
        others.append(_ld_text(found.meta.ld_body))
    return max([text, *others], key=len)


def _second_reading(doc: Document, url: str | None, options: ExtractOptions, text: str) -> str:
    """Read a page the strict cleaning left without text again, cleaning lightly."""
    fresh = reparse(doc)
    found = candidates(fresh, url, options, strict=False) if fresh is not None else None
    if found is None:
        return text
    return max(text, main_text(found, options), key=len)


def scored_blocks(found: Candidates, model: BlockModel | None = None) -> list[Block] | None:
    """The blocks the learned scorer keeps, less prompts, teasers and the headline (None when
    no model is installed)."""
    model = model or load_model()
    if model is None or not found.blocks:
        return None if model is None else []
    matrix = block_features(found.blocks, found.selection, page_context(found))
    keep = model.probabilities(matrix) >= model.cutoff
    chosen = [block for block, flag in zip(found.blocks, keep, strict=True) if flag]
    if not found.page.is_article:
        return filters.drop_headline(chosen, found.meta.title)
    return filters.drop_furniture(chosen, found.blocks, found.meta.title)


def page_context(found: Candidates) -> PageContext:
    """What the block features need to know of the page besides its blocks."""
    markup, url, density = found.page.votes
    rule_chars = sum(len(b.text) for b in found.kept)
    values = (
        float(markup), float(url), float(density), 1.0 if found.page.is_article else 0.0,
        math.log1p(rule_chars),
    )  # fmt: skip
    return PageContext(found.meta.title, found.meta.description, found.kept, values, found.paths)


def _result(
    meta: Metadata,
    page: PageType,
    text: str,
    partial: bool,
    encoding: str | None,
    signatures: tuple[str, ...],
) -> ExtractResult:
    return ExtractResult(
        text=text,
        title=meta.title,
        authors=meta.authors,
        published=meta.published,
        modified=meta.modified,
        # What the text reads as beats a declaration copied from a template; unsure: declared.
        language=(guess_language(text) if text else None) or meta.language,
        canonical_url=meta.canonical_url,
        description=meta.description,
        site_name=meta.site_name,
        role=page.role,
        discard_reason=page.discard_reason,
        page_reason=page.page_reason,
        is_partial=partial,
        encoding=encoding,
        block_signatures=signatures,
    )


def _count_links(tree: HtmlElement) -> int:
    """Links to other pages (not anchors on this one, not javascript)."""
    count = 0
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if href and not href.startswith(("#", "javascript:", "mailto:")):
            count += 1
    return count


def _span(selected: list[Block], kept: list[Block]) -> list[Block]:
    """The selected blocks from the first to the last one kept (tails cut as related go)."""
    if not kept:
        return selected
    first, last = id(kept[0]), id(kept[-1])
    ids = [id(b) for b in selected]
    return selected[ids.index(first) : ids.index(last) + 1]


def _evidence(
    url: str | None, text: str, blocks: list[Block], selected: list[Block], links: int
) -> PageEvidence:
    return PageEvidence(
        url=url,
        text_chars=len(text),
        page_chars=sum(len(b.text) for b in blocks),
        page_link_chars=sum(b.link_chars for b in blocks),
        links=links,
        body_blocks=len(selected),
        # Headline links inside the main column: what a list of teasers is made of.
        body_teasers=sum(1 for b in selected if b.link_density > 0.8 and len(b.text) < 160),
    )


def _ld_text(body: str) -> str:
    """JSON-LD articleBody as text: markup stripped, paragraphs kept."""
    if "<" in body:
        fragment = parse_document(f"<html><body>{body}</body></html>").tree
        if fragment is not None:
            return join_paragraphs([b.text for b in iter_blocks(fragment)])
    paragraphs = [" ".join(p.split()) for p in body.replace("\r", "").split("\n")]
    return join_paragraphs(paragraphs)


def _is_partial(meta: Metadata, text: str, truncated: bool) -> bool:
    """Paywalled (structured data says so) or visibly cut text."""
    if meta.paywalled or truncated:
        return True
    return text.rstrip().endswith(_PARTIAL_ENDINGS)
