"""The export schema: one article version per row, the same fields in JSONL, CSV and Parquet.

docs/schema/article.schema.json is generated from :data:`FIELDS` (``json_schema()``); a test
keeps the two equal. Field order and names are stable; new fields are only ever appended.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa

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
)

_JSON_TYPES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}
_ARROW_TYPES = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(),
                "bool": pa.bool_(), "strs": pa.list_(pa.string())}

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)


def arrow_schema() -> pa.Schema:
    """The Parquet (Arrow) schema of an export."""
    return pa.schema([pa.field(f.name, _ARROW_TYPES[f.kind], f.nullable) for f in FIELDS])


def _json_type(field: Field) -> dict[str, Any]:
    """JSON Schema of one field."""
    if field.kind == "strs":
        spec: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
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
    }
