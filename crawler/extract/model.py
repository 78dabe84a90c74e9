"""Frozen value types of the extractor: options in, result out."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from crawler.extract.blocks import Block, blocks_to_json, to_markdown

if TYPE_CHECKING:
    from lxml.html import HtmlElement


@dataclass(frozen=True, slots=True)
class DatedValue:
    """A date found in a page, with where it came from.

    ``value`` is ISO 8601 (date or datetime); ``source`` is one of
    ``json-ld``, ``meta``, ``time``, ``url``, ``text``.
    """

    value: str
    source: str


@dataclass(frozen=True, slots=True)
class SiteProfile:
    """Boilerplate learned for one site: block signatures seen on many of its pages."""

    site: str
    #: Signatures of boilerplate: ``t:<text hash>@<path>`` (a block repeated in one position)
    #: and ``p:<path>`` (a page position whose blocks repeat across pages).
    boilerplate: frozenset[str] = frozenset()
    pages_seen: int = 0


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """Every knob of the extractor, in one object."""

    #: Below this many characters of body text a page is not an article.
    min_article_chars: int = 200
    #: Cap on HTML input size; longer input is cut before parsing (hostile pages).
    max_html_bytes: int = 8 * 1024 * 1024
    #: Dates later than this (the capture time) are rejected.
    capture_time: datetime | None = None
    #: Learned boilerplate of the page's site, removed from the text.
    site_profile: SiteProfile | None = None
    #: Charset from the HTTP Content-Type header, if known (tried after a BOM, before <meta>).
    http_encoding: str | None = None
    #: True when the crawl found the URL in a feed or a Google News sitemap (classifier
    #: evidence that the page is an article; set by the news spider).
    listed_as_article: bool = False


@dataclass(slots=True)
class Document:
    """One parsed page: the lxml tree (``None`` when nothing could be parsed) and how it was read.

    Made by ``parse_document``; link discovery may read ``tree`` before ``extract_document``
    prunes it.
    """

    tree: HtmlElement | None
    url: str | None = None
    encoding: str | None = None
    truncated: bool = False
    error: str | None = None
    #: What was parsed (UTF-8 bytes or text), so a second, lighter reading can start afresh.
    source: bytes | str | None = field(default=None, repr=False)


#: The roles a page can play: a story, a page of links to stories, or anything else.
ROLES = ("article", "list", "other")


@dataclass(frozen=True, slots=True)
class ExtractResult:
    """What the extractor found in one page.

    ``text`` is always the page's best main text (paragraphs separated by blank lines, no
    headline), whatever the page is; ``""`` only when the page holds none. The page's role is
    a separate field (``role``: ``article``, ``list`` or ``other``; ``is_article``), with the
    evidence in ``page_reason`` and, for pages that are not articles, ``discard_reason``.
    """

    text: str = ""
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: DatedValue | None = None
    modified: DatedValue | None = None
    language: str | None = None
    canonical_url: str | None = None
    description: str | None = None
    site_name: str | None = None
    role: str = "other"
    discard_reason: str | None = None
    page_reason: str = ""
    is_partial: bool = False
    encoding: str | None = None
    #: The main text's structure in document order, the standfirst first (``text`` is their
    #: plain text without the standfirst).
    blocks: tuple[Block, ...] = ()
    #: The standfirst/summary paragraph that opens the article, if any (also ``blocks[0]``,
    #: marked ``lead``; not part of ``text``).
    lead: str | None = None
    #: The article's lead image URL (og:image, JSON-LD image, or the body's first figure).
    lead_image: str | None = None
    block_signatures: tuple[str, ...] = field(default=(), repr=False)

    @property
    def is_article(self) -> bool:
        """Whether the page is an article (the crawl stores only these as articles)."""
        return self.role == "article"

    @property
    def markdown(self) -> str:
        """The main text as CommonMark (GFM tables): the same words as ``text`` (for the
        standfirst, figures and links: ``to_markdown(blocks, lead=True, ...)``)."""
        return to_markdown(self.blocks)

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form (JSON-ready), without the block signatures."""
        data = asdict(self)
        data.pop("block_signatures", None)
        data["blocks"] = json.loads(blocks_to_json(self.blocks))
        data["is_article"] = self.is_article
        return data
