"""The extraction pipeline: parse, read metadata, clean, select the body, classify."""

from __future__ import annotations

from lxml.html import HtmlElement

from crawler.extract import content, filters, sitelearn
from crawler.extract.clean import clean_tree
from crawler.extract.language import guess_language
from crawler.extract.metadata import Metadata, extract_metadata
from crawler.extract.model import Document, ExtractOptions, ExtractResult
from crawler.extract.pagetype import PageEvidence, PageType, classify
from crawler.extract.parse import parse_document
from crawler.extract.text import Block, iter_blocks, join_paragraphs

#: Bumped whenever the output for the same page may change (re-extraction compares it).
EXTRACTOR_VERSION = "1.1.0"

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


def extract_document(
    doc: Document, url: str | None = None, options: ExtractOptions | None = None
) -> ExtractResult:
    """Extract the article from an already parsed page; prunes ``doc.tree`` in place.

    Args:
        doc: from :func:`parse_document` (link discovery may have read it first).
        url: the page's URL; defaults to ``doc.url``.
        options: extractor options; ``ExtractOptions()`` when omitted.

    Returns:
        A frozen ExtractResult, as :func:`extract`.
    """
    options = options or ExtractOptions()
    url = url or doc.url
    if doc.tree is None:
        reason = doc.error or "empty: nothing to parse"
        return ExtractResult(discard_reason=reason, page_reason=reason, encoding=doc.encoding)
    tree = doc.tree
    meta = extract_metadata(tree, url, options.capture_time)
    links = _count_links(tree)
    paywall_prompt = clean_tree(tree)
    all_blocks = iter_blocks(tree)
    blocks = sitelearn.remove_boilerplate(all_blocks, options.site_profile)
    selected = content.select_blocks(blocks)
    kept = filters.filter_blocks(selected, meta.title)
    text = join_paragraphs([b.text for b in kept])
    if len(text) < options.min_article_chars and meta.ld_body:
        # Pages rendered by script often carry the whole body in JSON-LD only.
        text = _ld_text(meta.ld_body)
    evidence = _evidence(url, text, all_blocks, _span(selected, kept), links)
    page = classify(evidence, meta, options.min_article_chars, options.listed_as_article)
    partial = page.is_article and _is_partial(meta, text, doc.truncated or paywall_prompt)
    signatures = sitelearn.block_signatures(all_blocks)
    return _result(meta, page, text if page.is_article else "", partial, doc.encoding, signatures)


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
        is_article=page.is_article,
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
