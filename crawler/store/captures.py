"""Storing one capture: its page row and decision, and the article version its text makes.

Functions here take an open connection and never commit; :class:`crawler.store.sqlite.Store`
owns the transactions (and counts each call that wrote as one write of its batch).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from crawler.store import clusters
from crawler.store import versions as versioning
from crawler.store.dates import to_store_time
from crawler.store.fingerprint import text_fingerprint
from crawler.store.model import (
    OUTCOME_NEW_VERSION,
    OUTCOME_NOT_ARTICLE,
    OUTCOME_SAME,
    OUTCOME_UNCHANGED,
    OUTCOME_UPDATED,
    AddResult,
    PageRecord,
    WarcLocation,
)
from crawler.store.schema import inserted_id

# Extraction fields of a page: re-extraction compares and rewrites only these.
_EXTRACTION_COLUMNS = (
    "is_article", "page_reason", "discard_reason", "fingerprint", "meta", "extractor_version",
    "blocks_id",
)
#: What re-extraction compares: decision, text, metadata, blocks and extractor. Not the
#: reasons: the crawl's cite what only the crawl knew ("listed in a feed or news sitemap") and
#: the body-text size under the site profile learned so far, so re-extracting the same bytes
#: would always look different (61 of 120 demo articles did) and churn versions and clusters.
_COMPARED_COLUMNS = ("is_article", "fingerprint", "meta", "extractor_version", "blocks_id")
#: What the URL's versions (and their syndication clusters) are computed from.
_VERSION_COLUMNS = ("is_article", "fingerprint", "meta")


def capture_key(warc: WarcLocation | None) -> str | None:
    """Identify a capture by its WARC record: the record ID, else file and offset."""
    if warc is None:
        return None
    return warc.record_id or f"{warc.filename}#{warc.offset}"


def add_capture(conn: sqlite3.Connection, record: PageRecord) -> tuple[AddResult, bool]:
    """Store one fetched page; return what happened and whether anything was written.

    A new capture gets its decision always and a new article version if its text changed. A
    capture already stored (same WARC record) is re-extraction: its extraction fields are
    compared and, if different, rewritten and the URL's versions recomputed.
    """
    fingerprint = text_fingerprint(record.text) if record.is_article and record.text else None
    values = _extraction_values(record, fingerprint)
    # Deduplicated like texts; compared as an extraction field, so re-extraction of an
    # older archive (no blocks yet) fills them in.
    values["blocks_id"] = versioning.ensure_blocks(conn, record.blocks) if fingerprint else None
    key = capture_key(record.warc)
    existing = None
    if key is not None:
        existing = conn.execute("SELECT * FROM pages WHERE capture_key = ?", (key,)).fetchone()
    if existing is None:
        return _add_new_page(conn, record, key, values, fingerprint), True
    if all(existing[name] == values[name] for name in _COMPARED_COLUMNS):
        # The reasons recorded at crawl time are kept.
        found = _result_of(conn, existing["id"], OUTCOME_SAME)
        return AddResult(OUTCOME_SAME, found.version, found.article_id, existing["id"]), False
    return _update_page(conn, existing, record, values), True


def set_conversion(conn: sqlite3.Connection, page_id: int, location: WarcLocation) -> None:
    """Record where the page's conversion record (its cleaned text in the WARC) was written."""
    conn.execute(
        "UPDATE pages SET conversion_filename = ?, conversion_offset = ?, "
        "conversion_length = ?, conversion_record_id = ? WHERE id = ?",
        (location.filename, location.offset, location.length, location.record_id, page_id),
    )


def has_capture(conn: sqlite3.Connection, key: str) -> bool:
    """True if the page of this capture key (see :func:`capture_key`) is stored."""
    row = conn.execute("SELECT 1 FROM pages WHERE capture_key = ?", (key,)).fetchone()
    return row is not None


def _add_new_page(
    conn: sqlite3.Connection, record: PageRecord, key: str | None, values: dict[str, Any],
    fingerprint: str | None,
) -> AddResult:
    """Insert a capture not stored before and attach it to its URL's versions."""
    if fingerprint is not None:
        text_id = versioning.ensure_text(conn, fingerprint, record.text)
        if record.sketch is not None:
            clusters.index_text(conn, text_id, record.sketch)
    page_id = _insert_page(conn, record, key, values)
    page = conn.execute("SELECT * FROM pages WHERE id = ?", (page_id,)).fetchone()
    if fingerprint is None:
        return AddResult(OUTCOME_NOT_ARTICLE, page_id=page_id)
    latest = versioning.latest_version(conn, record.url)
    if latest is not None and page["fetched_at"] < latest["last_seen"]:
        # Captured before what is stored (an older WARC): recompute the versions in order.
        versioning.rebuild_url(conn, record.url)
        return _result_of(conn, page_id, OUTCOME_NEW_VERSION)
    is_new, _version = versioning.attach_page(conn, page, text_id)
    return _result_of(conn, page_id, OUTCOME_NEW_VERSION if is_new else OUTCOME_UNCHANGED)


def _result_of(conn: sqlite3.Connection, page_id: int, outcome: str) -> AddResult:
    """Describe where a page ended up (its version) after it was attached."""
    row = conn.execute(
        "SELECT a.id, a.version, a.page_id FROM pages p JOIN articles a ON a.id = p.article_id"
        " WHERE p.id = ?",
        (page_id,),
    ).fetchone()
    if row is None:
        return AddResult(OUTCOME_NOT_ARTICLE, page_id=page_id)
    if outcome == OUTCOME_NEW_VERSION and row["page_id"] != page_id:
        outcome = OUTCOME_UNCHANGED
    return AddResult(outcome, version=row["version"], article_id=row["id"], page_id=page_id)


def _insert_page(
    conn: sqlite3.Connection, record: PageRecord, key: str | None, values: dict[str, Any]
) -> int:
    """Insert the page row; return its id."""
    warc = record.warc
    row = {
        "capture_key": key,
        "url": record.url,
        "requested_url": record.requested_url or record.url,
        "site": record.site,
        "status": record.status,
        "fetched_at": to_store_time(record.fetched_at) or record.fetched_at,
        "crawl_id": record.crawl_id or "",
        "depth": record.depth,
        "source": record.source,
        "etag": record.etag,
        "last_modified": record.last_modified,
        "warc_filename": warc.filename if warc else None,
        "warc_offset": warc.offset if warc else None,
        "warc_length": warc.length if warc else None,
        "warc_record_id": warc.record_id if warc else None,
        "payload_digest": warc.payload_digest if warc else None,
        "warc_record_type": warc.record_type if warc else None,
        **values,
    }
    names = ", ".join(row)
    marks = ", ".join("?" * len(row))
    cur = conn.execute(f"INSERT INTO pages ({names}) VALUES ({marks})", tuple(row.values()))
    return inserted_id(cur)


def _update_page(
    conn: sqlite3.Connection, existing: sqlite3.Row, record: PageRecord, values: dict[str, Any]
) -> AddResult:
    """Re-extraction of a stored capture whose extraction differs: rewrite it."""
    page_id = existing["id"]
    if values["fingerprint"] is not None:
        versioning.ensure_text(conn, values["fingerprint"], record.text)
    sets = ", ".join(f"{name} = ?" for name in _EXTRACTION_COLUMNS)
    conn.execute(
        f"UPDATE pages SET {sets} WHERE id = ?",
        (*[values[name] for name in _EXTRACTION_COLUMNS], page_id),
    )
    if any(existing[name] != values[name] for name in _VERSION_COLUMNS):
        versioning.rebuild_url(conn, existing["url"])
    return _result_of(conn, page_id, OUTCOME_UPDATED)


def _extraction_values(record: PageRecord, fingerprint: str | None) -> dict[str, Any]:
    """The extraction columns of a page row, as stored."""
    return {
        "is_article": 1 if fingerprint is not None else 0,
        "page_reason": record.page_reason or "",
        "discard_reason": record.discard_reason,
        "fingerprint": fingerprint,
        "meta": json.dumps(record.meta, sort_keys=True, ensure_ascii=False),
        "extractor_version": record.extractor_version or "",
    }
