"""The export schema: one article version per row, the same fields in JSONL, CSV and Parquet.

docs/schema/article.schema.json is generated from :data:`FIELDS` (``json_schema()``); a test
keeps the two equal. Field order and names are stable; new fields are only ever appended.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from crawler.extract.blocks import BLOCK_KINDS

SCHEMA_ID = "https://github.com/newsarchiver/newsarchiver/docs/schema/article.schema.json"


@dataclass(frozen=True, slots=True)
class Field:
    """One exported field: name, kind (str, int, float, bool, strs), nullability, doc."""

    name: str
    kind: str
    nullable: bool
    description: str


def _f(name: str, kind: str, description: str, nullable: bool = True) -> Field:
    """Shorthand for the table below."""
    return Field(name, kind, nullable, description)


FIELDS: tuple[Field, ...] = (
    _f("url", "str", "URL of the page (after redirects).", nullable=False),
    _f("canonical_url", "str", "The page's rel=canonical / og:url, if declared."),
    _f("site", "str",
       "Site name (from the sites file, else the registered domain, e.g. bbc.co.uk).", False),
    _f("version", "int", "1 for the first text of this URL, +1 each time the text changed.", False),
    _f("title", "str", "Headline."),
    _f("authors", "strs", "Author names, in page order (CSV: joined with '; ').", False),
    _f("published", "str", "Publication date or datetime (ISO 8601) found in the page."),
    _f("published_source", "str", "Where 'published' came from: json-ld, meta, time, url, text."),
    _f("modified", "str", "Last-modified date or datetime (ISO 8601) found in the page."),
    _f("modified_source", "str", "Where 'modified' came from: json-ld, meta, time, url, text."),
    _f("language", "str", "Language code (e.g. 'en') declared or detected."),
    _f("description", "str", "The page's summary (meta description / og:description)."),
    _f("text", "str", "Cleaned article text; paragraphs separated by blank lines.", False),
    _f("text_fingerprint", "str", "Hash of the whitespace-normalised text (equal = same text).",
       False),
    _f("word_count", "int", "Words in 'text'.", False),
    _f("is_partial", "bool", "True when the text looks cut (paywall, teaser, truncated).", False),
    _f("page_reason", "str", "Why the extractor judged the page an article.", False),
    _f("first_seen", "str", "First capture with this text (ISO 8601 UTC).", False),
    _f("last_seen", "str", "Latest capture with this text (ISO 8601 UTC).", False),
    _f("captures", "int", "How many captures had this text.", False),
    _f("fetched_at", "str", "Fetch time of the capture this version's text came from.", False),
    _f("crawl_id", "str", "Crawl that fetched it ('' if it came in by `crawler extract`).", False),
    _f("extractor_version", "str", "Version of the extractor that produced the text.", False),
    _f("warc_filename", "str", "WARC file of the response: name in ARCHIVE_DIR/warc/, or a path."),
    _f("warc_offset", "int", "Byte offset of the response record in that file."),
    _f("warc_length", "int", "Length in bytes of the (compressed) record."),
    _f("warc_record_id", "str", "WARC-Record-ID of the response record."),
    _f("payload_digest", "str", "WARC-Payload-Digest of the response record."),
    _f("warc_record_type", "str", "'response', or 'revisit' for a deduplicated capture."),
    _f("conversion_filename", "str", "WARC file of the conversion record holding the text."),
    _f("conversion_offset", "int", "Byte offset of the conversion record."),
    _f("conversion_length", "int", "Length in bytes of the conversion record."),
    _f("conversion_record_id", "str", "WARC-Record-ID of the conversion record."),
    _f("cluster_id", "int", "Syndication cluster: articles carrying the same story share it.",
       False),
    _f("cluster_similarity", "float",
       "Estimated share of the shorter text found in the cluster's first capture (0-1).", False),
    _f("cluster_size", "int", "How many URLs carry this story (1: no copy known).", False),
    _f("cluster_first_url", "str", "URL of the cluster's first capture (the original, as far "
       "as the archive knows).", False),
    _f("markdown", "str", "The text as CommonMark with GFM tables: the same words as 'text' "
       "(the standfirst is 'lead'), with its headings, lists, quotes and tables (figures and "
       "links only with --figures, --links).", False),
    _f("blocks", "blocks", "The text's structure: typed blocks in document order (see $defs/"
       "block); empty for versions stored before blocks were kept. CSV and Parquet: the same "
       "array as JSON text.", False),
    _f("lead", "str", "The standfirst/summary that opens the article: its first block (marked "
       "'lead'), not part of 'text' or 'markdown'."),
    _f("lead_image", "str", "URL of the lead image (og:image, JSON-LD image or the body's first "
       "figure), as the page gave it."),
)

_JSON_TYPES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}
_ARROW_TYPES = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(),
                "bool": pa.bool_(), "strs": pa.list_(pa.string()), "blocks": pa.string()}

#: Fields written as JSON text in CSV and Parquet (nested data a flat column cannot hold).
JSON_TEXT_FIELDS = tuple(f.name for f in FIELDS if f.kind == "blocks")

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)


def arrow_schema() -> pa.Schema:
    """The Parquet (Arrow) schema of an export."""
    return pa.schema([pa.field(f.name, _ARROW_TYPES[f.kind], f.nullable) for f in FIELDS])


def _json_type(field: Field) -> dict[str, Any]:
    """JSON Schema of one field."""
    if field.kind == "strs":
        spec: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
    elif field.kind == "blocks":
        spec = {"type": "array", "items": {"$ref": "#/$defs/block"}}
    else:
        kind = _JSON_TYPES[field.kind]
        spec = {"type": [kind, "null"] if field.nullable else kind}
    spec["description"] = field.description
    return spec


def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of one exported JSONL line."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Article version",
        "description": "One version of one article, as written by `crawler export`.",
        "type": "object",
        "properties": {f.name: _json_type(f) for f in FIELDS},
        "required": list(FIELD_NAMES),
        "additionalProperties": False,
        "$defs": {"block": _BLOCK_SCHEMA},
    }


def _string(description: str) -> dict[str, Any]:
    return {"type": "string", "description": description}


#: One block of ``blocks`` (crawler.extract.blocks.Block.to_dict: fields at their default
#: are left out).
_BLOCK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "One block of the main text; only the fields its type uses are present.",
    "properties": {
        "type": {"enum": list(BLOCK_KINDS), "description": "The kind of block."},
        "text": _string("Text of a heading, paragraph, quote or pre block."),
        "level": {"type": "integer", "minimum": 1, "maximum": 6,
                  "description": "Heading level (1-6)."},
        "links": {"type": "array", "description": "(anchor text, href) pairs in the text.",
                  "items": {"type": "array", "items": {"type": "string"},
                            "minItems": 2, "maxItems": 2}},
        "ordered": {"type": "boolean", "description": "A numbered list."},
        "items": {"type": "array", "description": "A list's items, each a list of blocks.",
                  "items": {"type": "array", "items": {"$ref": "#/$defs/block"}}},
        "rows": {"type": "array", "description": "A table's rows of cell texts.",
                 "items": {"type": "array", "items": {"type": "string"}}},
        "header_rows": {"type": "integer", "minimum": 0,
                        "description": "How many of the first rows are the table's header."},
        "src": _string("A figure's image URL."),
        "alt": _string("A figure's alternative text."),
        "caption": _string("A figure's caption."),
        "credit": _string("A figure's photo credit."),
        "lead": {"type": "boolean", "description": "The standfirst that opens the article."},
    },
    "required": ["type"],
    "additionalProperties": False,
}
