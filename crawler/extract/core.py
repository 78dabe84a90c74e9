"""The extraction pipeline: parse, read metadata, clean, select the body, classify."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from lxml.html import HtmlElement

from crawler.extract import content, figures, filters, lead, sitelearn
from crawler.extract.blocks import Block as OutBlock
from crawler.extract.blocks import cap_blocks, plain_text
from crawler.extract.clean import clean_tree
from crawler.extract.features import PageContext, block_features
from crawler.extract.language import guess_language
from crawler.extract.metadata import Metadata, extract_metadata
from crawler.extract.model import Document, ExtractOptions, ExtractResult
from crawler.extract.pagetype import PageEvidence, PageType, classify
from crawler.extract.parse import parse_document, reparse
from crawler.extract.restore import drop_collapsed, restore
from crawler.extract.scorer import BlockModel, load_model
from crawler.extract.structure import build, doc_path
from crawler.extract.text import Block, iter_blocks, join_paragraphs

#: Bumped whenever the output for the same page may change (re-extraction compares it).
EXTRACTOR_VERSION = "2.3.0"

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
    #: What the classifier weighed (its text length is the rules' text).
    evidence: PageEvidence | None = None
    #: The page's figures, taken out before cleaning (markers stand in their place).
    figures: list[figures.FigureRef] = field(default_factory=list)
    #: Standfirst candidates, read before cleaning.
    leads: lead.Leads = field(default_factory=lead.Leads)
    #: The cleaned tree (figure and standfirst markers stand in it).
    tree: HtmlElement | None = None
    #: The page's URL (figure URLs are resolved against it).
    url: str | None = None


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
    found_figures = figures.harvest(tree)
    leads = lead.candidates(tree, meta.description, meta.title)
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
    return Candidates(
        meta, blocks, all_blocks, selection, kept, page, paywall_prompt, paths, evidence,
        found_figures, leads, tree, url,
    )  # fmt: skip


@dataclass(slots=True)
class Body:
    """The chosen main text: the text blocks of one reading of the page (``found``), or
    paragraphs of the JSON-LD body (no elements)."""

    found: Candidates | None
    blocks: list[Block] | None
    paragraphs: list[str]

    @property
    def text(self) -> str:
        """The chosen paragraphs, apart by blank lines."""
        return join_paragraphs(self.paragraphs)


def _body(found: Candidates, blocks: list[Block]) -> Body:
    blocks = drop_collapsed(blocks)
    return Body(found, blocks, [b.text for b in blocks])


def extract_document(
    doc: Document,
    url: str | None = None,
    options: ExtractOptions | None = None,
    model: BlockModel | None = None,
) -> ExtractResult:
    """Extract the main text from an already parsed page; prunes ``doc.tree`` in place.

    Args:
        doc: from :func:`parse_document` (link discovery may have read it first).
        url: the page's URL; defaults to ``doc.url``.
        options: extractor options; ``ExtractOptions()`` when omitted.
        model: a block scorer to use instead of the shipped one (held-out benchmarks).

    Returns:
        A frozen ExtractResult, as :func:`extract`.
    """
    options = options or ExtractOptions()
    url = url or doc.url
    found = candidates(doc, url, options)
    if found is None:
        reason = doc.error or "empty: nothing to parse"
        return ExtractResult(discard_reason=reason, page_reason=reason, encoding=doc.encoding)
    body = main_body(found, options, model)
    if len(body.text) < options.min_article_chars:
        body = _second_reading(doc, url, options, body, model)
    blocks, lead_text = structured(body, found.meta, url)
    blocks, cut = cap_blocks(blocks, options.max_text_chars)
    text = plain_text(blocks)
    page = final_page(found, text, options)
    if lead_text is not None and not page.is_article:
        blocks, lead_text = tuple(b for b in blocks if not b.lead), None
    partial = page.is_article and _is_partial(
        found.meta, text, doc.truncated or found.paywall_prompt or cut
    )
    signatures = sitelearn.block_signatures(found.all_blocks, found.paths)
    image = found.meta.image or next((b.src for b in blocks if b.kind == "figure"), None)
    return replace(
        _result(found.meta, page, text, partial, doc.encoding, signatures),
        blocks=blocks, lead=lead_text, lead_image=image,
    )  # fmt: skip


def final_page(found: Candidates, text: str, options: ExtractOptions) -> PageType:
    """The page's role and a reason that describes the text the result holds (the first
    judgement, made for the scorer's features, knew only the rules' text)."""
    if found.evidence is None or found.evidence.text_chars == len(text):
        return found.page
    return classify(found.evidence, found.meta, options.min_article_chars,
                    options.listed_as_article, text_chars=len(text))


def structured(
    body: Body, meta: Metadata, url: str | None
) -> tuple[tuple[OutBlock, ...], str | None]:
    """The body as typed blocks, the standfirst first; and the standfirst's text."""
    found = body.found
    if body.blocks is None or found is None:
        return tuple(OutBlock("paragraph", p) for p in body.paragraphs if p), None
    chosen = filters.own_article(body.blocks, meta.title)
    placed = _placed_figures(found, chosen)
    blocks = build(chosen, url, placed)
    # A standfirst the body opens with stays in the text (the development sets' truth keeps
    # it there as often as not): the lead is one set apart from the body.
    standfirst = _standfirst(found, chosen)
    if standfirst is None:
        return tuple(blocks), None
    return (OutBlock("paragraph", standfirst, lead=True), *blocks), standfirst


def _standfirst(found: Candidates, chosen: list[Block]) -> str | None:
    """The standfirst set after the headline and before the body's first block."""
    if not found.leads.found or not chosen:
        return None
    picked = lead.choose(found.leads, chosen[0].element, [b.text for b in chosen])
    return picked.text if picked is not None else None


def _placed_figures(
    found: Candidates, chosen: list[Block]
) -> list[tuple[tuple[int, ...], figures.Figure]]:
    """The figures whose markers survived cleaning inside the body, with their document
    paths: between its first and last block, or above its first block in its container."""
    if not found.figures or found.tree is None or not chosen:
        return []
    first, last = chosen[0].element, chosen[-1].element
    start, end = doc_path(first), doc_path(last)
    container = _container_of(first)
    placed = []
    seen: set[str] = set()
    for marker in found.tree.iter(figures.MARKER):
        index = int(marker.get("data-i") or -1)
        if not 0 <= index < len(found.figures):
            continue
        at = doc_path(marker)
        inside = start < at < end or (
            at < start and container is not None and _descends(marker, container)
        )
        figure = figures.read(found.figures[index], found.url) if inside else None
        if figure is not None and figure.src not in seen:
            seen.add(figure.src)
            placed.append((at, figure))
    return placed


def _container_of(element: HtmlElement) -> HtmlElement | None:
    """The body's container: up to two levels above its first block (never the page's
    ``<body>``)."""
    node, found = element, None
    for _ in range(2):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        node = found = parent
    return found


def _descends(element: HtmlElement, ancestor: HtmlElement) -> bool:
    return any(a is ancestor for a in element.iterancestors())


def main_body(found: Candidates, options: ExtractOptions, model: BlockModel | None = None) -> Body:
    """The page's best main text: the blocks the scorer keeps; when that is short, the
    longest of it, the rules' choice and the JSON-LD body."""
    chosen = scored_blocks(found, model)
    body = _body(found, found.kept if chosen is None else chosen)
    if len(body.text) >= options.min_article_chars:
        return body
    others = [_body(found, found.kept)]
    if found.meta.ld_body:
        # Pages rendered by script often carry the whole body in JSON-LD only.
        others.append(Body(None, None, _ld_paragraphs(found.meta.ld_body)))
    return max([body, *others], key=lambda b: len(b.text))


def main_text(found: Candidates, options: ExtractOptions) -> str:
    """The text of :func:`main_body`."""
    return main_body(found, options).text


def _second_reading(
    doc: Document, url: str | None, options: ExtractOptions, body: Body, model: BlockModel | None
) -> Body:
    """Read a page the strict cleaning left without text again, cleaning lightly."""
    fresh = reparse(doc)
    found = candidates(fresh, url, options, strict=False) if fresh is not None else None
    if found is None:
        return body
    return max(body, main_body(found, options, model), key=lambda b: len(b.text))


def scored_blocks(found: Candidates, model: BlockModel | None = None) -> list[Block] | None:
    """The blocks the learned scorer keeps, less prompts, teasers and the headline (None when
    no model is installed)."""
    model = model or load_model()
    if model is None or not found.blocks:
        return None if model is None else []
    matrix = block_features(found.blocks, found.selection, page_context(found))
    scores = model.probabilities(matrix)
    keep = scores >= model.cutoff
    chosen = [block for block, flag in zip(found.blocks, keep, strict=True) if flag]
    chosen = restore(found.blocks, chosen, scores.tolist())
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
    return join_paragraphs(_ld_paragraphs(body))


def _ld_paragraphs(body: str) -> list[str]:
    """JSON-LD articleBody as paragraphs (markup stripped)."""
    if "<" in body:
        fragment = parse_document(f"<html><body>{body}</body></html>").tree
        if fragment is not None:
            return [b.text for b in iter_blocks(fragment) if b.text]
    paragraphs = [" ".join(p.split()) for p in body.replace("\r", "").split("\n")]
    return [p for p in paragraphs if p]


def _is_partial(meta: Metadata, text: str, truncated: bool) -> bool:
    """Paywalled (structured data says so) or visibly cut text."""
    if meta.paywalled or truncated:
        return True
    return text.rstrip().endswith(_PARTIAL_ENDINGS)
