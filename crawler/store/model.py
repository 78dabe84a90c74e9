"""Value types of the store: a page capture going in, article versions and pages coming out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crawler.extract.blocks import Block, blocks_to_json, to_markdown
from crawler.syndication import Sketch

#: Columns of one article version, in export order (the stable schema; see docs/store.md).
ARTICLE_FIELDS: tuple[str, ...] = (
    "url",
    "canonical_url",
    "site",
    "version",
    "title",
    "authors",
    "published",
    "published_source",
    "modified",
    "modified_source",
    "language",
    "description",
    "text",
    "text_fingerprint",
    "word_count",
    "is_partial",
    "page_reason",
    "first_seen",
    "last_seen",
    "captures",
    "fetched_at",
    "crawl_id",
    "extractor_version",
    "warc_filename",
    "warc_offset",
    "warc_length",
    "warc_record_id",
    "payload_digest",
    "warc_record_type",
    "conversion_filename",
    "conversion_offset",
    "conversion_length",
    "conversion_record_id",
    "cluster_id",
    "cluster_similarity",
    "cluster_size",
    "cluster_first_url",
    "markdown",
    "blocks",
    "lead",
    "lead_image",
)


@dataclass(frozen=True, slots=True)
class WarcLocation:
    """Where a record sits in a WARC file (the keys of the WARC extension's ``warc_record``)."""

    filename: str
    offset: int
    length: int
    record_id: str | None = None
    payload_digest: str | None = None
    date: str | None = None
    record_type: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> WarcLocation | None:
        """Build from the WARC extension's dict; None when WARC writing was off."""
        if not data or not data.get("filename"):
            return None
        return cls(
            filename=str(data["filename"]),
            offset=int(data.get("offset") or 0),
            length=int(data.get("length") or 0),
            record_id=data.get("record_id"),
            payload_digest=data.get("payload_digest"),
            date=data.get("date"),
            record_type=data.get("record_type"),
        )


@dataclass(frozen=True, slots=True)
class PageRecord:
    """One fetched page with its extraction, as handed to :meth:`Store.add_page`."""

    url: str
    site: str
    fetched_at: str
    status: int = 200
    requested_url: str | None = None
    crawl_id: str = ""
    is_article: bool = False
    page_reason: str = ""
    discard_reason: str | None = None
    extractor_version: str = ""
    warc: WarcLocation | None = None
    etag: str | None = None
    last_modified: str | None = None
    depth: int = 0
    source: str = "link"
    text: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    #: The text's syndication sketch if the caller computed it already (off the writer's
    #: thread); the store computes it otherwise.
    sketch: Sketch | None = None
    #: The text's blocks as JSON (``crawler.extract.blocks_to_json``); "" when not known.
    blocks: str = ""

    @classmethod
    def from_extraction(cls, extraction: Any, **fields: Any) -> PageRecord:
        """Build from a :class:`crawler.extract.ExtractResult` plus the capture's own fields."""
        published = getattr(extraction, "published", None)
        modified = getattr(extraction, "modified", None)
        meta = {
            "title": extraction.title,
            "authors": list(extraction.authors or ()),
            "published": published.value if published else None,
            "published_source": published.source if published else None,
            "modified": modified.value if modified else None,
            "modified_source": modified.source if modified else None,
            "language": extraction.language,
            "canonical_url": extraction.canonical_url,
            "description": extraction.description,
            "is_partial": bool(extraction.is_partial),
            "lead": getattr(extraction, "lead", None),
            "lead_image": getattr(extraction, "lead_image", None),
        }
        blocks = tuple(getattr(extraction, "blocks", ()) or ())
        return cls(
            is_article=bool(extraction.is_article),
            page_reason=extraction.page_reason or "",
            discard_reason=extraction.discard_reason,
            text=extraction.text if extraction.is_article else "",
            meta=meta,
            blocks=blocks_to_json(blocks) if extraction.is_article and blocks else "",
            **fields,
        )


@dataclass(frozen=True, slots=True)
class Article:
    """One version of one article: its text, metadata and the WARC record it came from."""

    url: str
    canonical_url: str | None
    site: str
    version: int
    title: str | None
    authors: tuple[str, ...]
    published: str | None
    published_source: str | None
    modified: str | None
    modified_source: str | None
    language: str | None
    description: str | None
    text: str
    text_fingerprint: str
    word_count: int
    is_partial: bool
    page_reason: str
    first_seen: str
    last_seen: str
    captures: int
    fetched_at: str
    crawl_id: str
    extractor_version: str
    warc_filename: str | None
    warc_offset: int | None
    warc_length: int | None
    warc_record_id: str | None
    payload_digest: str | None
    warc_record_type: str | None
    conversion_filename: str | None
    conversion_offset: int | None
    conversion_length: int | None
    conversion_record_id: str | None
    cluster_id: int | None = None
    cluster_similarity: float | None = None
    cluster_size: int = 1
    cluster_first_url: str | None = None
    #: The standfirst that opens the article, if the page set one: its first block (marked
    #: ``lead``), not part of ``text`` or ``markdown``.
    lead: str | None = None
    #: The lead image's URL (og:image, JSON-LD image or the body's first figure).
    lead_image: str | None = None
    #: The text's structure (``crawler.extract.Block``); ``()`` for a version stored before
    #: the store kept blocks (``crawler extract`` on its WARC fills them).
    blocks: tuple[Block, ...] = ()

    @property
    def markdown(self) -> str:
        """The text as CommonMark (GFM tables), the same words as ``text``."""
        return self.to_markdown()

    def to_markdown(self, figures: bool = False, links: bool = False, lead: bool = False) -> str:
        """The text as CommonMark; figures (image, caption, credit), links and the standfirst
        (``lead``, not part of ``text``) when asked for.

        A version stored without blocks gives its paragraphs as Markdown paragraphs.
        """
        blocks = self.blocks or tuple(
            Block("paragraph", text=part.strip()) for part in self.text.split("\n\n")
            if part.strip()
        )
        return to_markdown(blocks, figures=figures, links=links, lead=lead)

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form in schema order (authors as a list, blocks as dicts), JSON-ready."""
        data = {name: getattr(self, name) for name in ARTICLE_FIELDS}
        data["authors"] = list(self.authors)
        data["blocks"] = [block.to_dict() for block in self.blocks]
        return data


@dataclass(frozen=True, slots=True)
class Copy:
    """One URL carrying a story: a member of a syndication cluster (``Store.copies``)."""

    cluster_id: int
    url: str
    site: str
    title: str | None
    version: int
    first_seen: str
    similarity: float
    is_first: bool


@dataclass(frozen=True, slots=True)
class Page:
    """One fetched page with its article/list decision and reason (article or not)."""

    url: str
    site: str
    fetched_at: str
    status: int
    crawl_id: str
    is_article: bool
    page_reason: str
    discard_reason: str | None
    title: str | None
    text_fingerprint: str | None
    version: int | None
    extractor_version: str
    warc_filename: str | None
    warc_offset: int | None
    warc_length: int | None
    warc_record_id: str | None
    warc_record_type: str | None = None
    payload_digest: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class CaptureState:
    """What incremental crawling needs to know about one URL's captures."""

    url: str
    site: str
    last_fetched: str
    status: int
    etag: str | None
    last_modified: str | None
    published: str | None
    text_fingerprint: str | None
    versions: int
    captures: int


@dataclass(frozen=True, slots=True)
class AddResult:
    """What :meth:`Store.add_page` did: ``outcome`` is one of the ``OUTCOME_*`` names."""

    outcome: str
    version: int | None = None
    article_id: int | None = None
    page_id: int | None = None


#: A new article version was stored (first capture, or the cleaned text changed).
OUTCOME_NEW_VERSION = "new_version"
#: An article capture whose cleaned text equals the latest version: no new version.
OUTCOME_UNCHANGED = "unchanged"
#: A page that is not an article (list page, too short...): only its decision is stored.
OUTCOME_NOT_ARTICLE = "not_article"
#: Re-extraction of a capture already stored, with the same result: nothing changed.
OUTCOME_SAME = "same"
#: Re-extraction of a capture already stored gave a different result: rows rewritten.
OUTCOME_UPDATED = "updated"
