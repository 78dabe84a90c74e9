"""Read-side queries of the store: article versions, pages, capture states, full-text search."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Generator, Iterator
from dataclasses import dataclass

from crawler.extract.blocks import blocks_from_json
from crawler.store.model import Article, CaptureState, Copy, Page, WarcLocation

_ARTICLE_SELECT = """
SELECT a.id AS article_id, a.url, a.version, a.site, a.first_seen, a.last_seen, a.captures,
       p.meta, p.page_reason, p.fetched_at, p.crawl_id, p.extractor_version,
       p.warc_filename, p.warc_offset, p.warc_length, p.warc_record_id, p.payload_digest,
       p.warc_record_type, p.conversion_filename, p.conversion_offset, p.conversion_length,
       p.conversion_record_id, t.fingerprint, t.text, a.cluster_id, a.cluster_similarity,
       (SELECT count(DISTINCT c.url) FROM articles c WHERE c.cluster_id = a.cluster_id)
         AS cluster_size,
       (SELECT f.url FROM articles f WHERE f.cluster_id = a.cluster_id
         ORDER BY f.first_seen, f.id LIMIT 1) AS cluster_first_url,
       b.json AS blocks_json
FROM articles a JOIN pages p ON p.id = a.page_id JOIN texts t ON t.id = a.text_id
     LEFT JOIN blocks b ON b.id = p.blocks_id
"""

_COPIES_SELECT = """
SELECT a.cluster_id, a.url, a.site, a.version, a.cluster_similarity, p.meta,
       (SELECT min(b.first_seen) FROM articles b
         WHERE b.cluster_id = a.cluster_id AND b.url = a.url) AS url_first_seen
FROM articles a JOIN pages p ON p.id = a.page_id
WHERE a.cluster_id = ? AND a.version = (SELECT max(c.version) FROM articles c
  WHERE c.cluster_id = a.cluster_id AND c.url = a.url)
ORDER BY url_first_seen, a.id
"""

#: ``dedupe`` orders: which article of a cluster an export keeps.
DEDUPE_ORDER = {
    # the URL captured first (its first version's first_seen): the original, as far as we know
    "earliest": "(SELECT min(v.first_seen) FROM articles v WHERE v.url = x.url), x.id",
    # the longest cleaned text, the earliest on a tie
    "longest": "(SELECT length(t.text) FROM texts t WHERE t.id = x.text_id) DESC, x.first_seen,"
               " x.id",
}

PAGE_SELECT = """
SELECT p.url, p.site, p.fetched_at, p.status, p.crawl_id, p.is_article, p.page_reason,
       p.discard_reason, p.meta, p.fingerprint, a.version, p.extractor_version,
       p.warc_filename, p.warc_offset, p.warc_length, p.warc_record_id, p.warc_record_type,
       p.payload_digest
FROM pages p LEFT JOIN articles a ON a.id = p.article_id
"""

_STATE_SELECT = """
SELECT p.url, p.site, p.fetched_at, p.status, p.etag, p.last_modified,
       (SELECT count(*) FROM pages c WHERE c.url = p.url) AS captures,
       (SELECT count(*) FROM articles v WHERE v.url = p.url) AS versions,
       (SELECT t.fingerprint FROM articles l JOIN texts t ON t.id = l.text_id
         WHERE l.url = p.url AND +l.is_latest = 1) AS fingerprint,
       (SELECT lp.meta FROM articles l JOIN pages lp ON lp.id = l.page_id
         WHERE l.url = p.url AND +l.is_latest = 1) AS latest_meta
FROM pages p
"""

#: Rows fetched from SQLite at a time: keeps iteration streaming with little overhead.
BATCH = 256


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One full-text search match: the article version and a snippet around the match."""

    article: Article
    snippet: str
    rank: float


def row_to_article(row: sqlite3.Row) -> Article:
    """Build an :class:`Article` from a row of ``_ARTICLE_SELECT``."""
    meta = json.loads(row["meta"] or "{}")
    text = row["text"]
    return Article(
        url=row["url"],
        canonical_url=meta.get("canonical_url"),
        site=row["site"],
        version=row["version"],
        title=meta.get("title"),
        authors=tuple(meta.get("authors") or ()),
        published=meta.get("published"),
        published_source=meta.get("published_source"),
        modified=meta.get("modified"),
        modified_source=meta.get("modified_source"),
        language=meta.get("language"),
        description=meta.get("description"),
        text=text,
        text_fingerprint=row["fingerprint"],
        word_count=len(text.split()),
        is_partial=bool(meta.get("is_partial")),
        page_reason=row["page_reason"],
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        captures=row["captures"],
        fetched_at=row["fetched_at"],
        crawl_id=row["crawl_id"],
        extractor_version=row["extractor_version"],
        warc_filename=row["warc_filename"],
        warc_offset=row["warc_offset"],
        warc_length=row["warc_length"],
        warc_record_id=row["warc_record_id"],
        payload_digest=row["payload_digest"],
        warc_record_type=row["warc_record_type"],
        conversion_filename=row["conversion_filename"],
        conversion_offset=row["conversion_offset"],
        conversion_length=row["conversion_length"],
        conversion_record_id=row["conversion_record_id"],
        cluster_id=row["cluster_id"],
        cluster_similarity=row["cluster_similarity"],
        cluster_size=row["cluster_size"] or 1,
        cluster_first_url=row["cluster_first_url"],
        lead=meta.get("lead"),
        lead_image=meta.get("lead_image"),
        blocks=blocks_from_json(row["blocks_json"]),
    )


def _stream(
    conn: sqlite3.Connection, sql: str, params: tuple[object, ...]
) -> Iterator[sqlite3.Row]:
    """Yield the rows of a query a batch at a time (never the whole result in memory)."""
    cur = conn.cursor()
    cur.execute(sql, params)
    try:
        while rows := cur.fetchmany(BATCH):
            yield from rows
    finally:
        # An abandoned iterator may be collected after the store closed: nothing left to free.
        with contextlib.suppress(sqlite3.ProgrammingError):
            cur.close()


def iter_articles(
    conn: sqlite3.Connection,
    site: str | None = None,
    since: str | None = None,
    all_versions: bool = False,
    url: str | None = None,
    dedupe: str | None = None,
) -> Generator[Article, None, None]:
    """Yield article versions (the latest per URL unless ``all_versions``) in storage order.

    ``dedupe`` (``earliest`` or ``longest``, see :data:`DEDUPE_ORDER`) keeps one of the
    selected articles per syndication cluster.
    """
    where, params = _article_filters("a", site, since, all_versions, url)
    if dedupe is not None:
        inner, inner_params = _article_filters("x", site, since, all_versions, url)
        where.append(
            "a.id IN (SELECT id FROM (SELECT x.id, row_number() OVER (PARTITION BY x.cluster_id"
            f" ORDER BY {DEDUPE_ORDER[dedupe]}) AS rank FROM articles x"
            + (" WHERE " + " AND ".join(inner) if inner else "") + ") WHERE rank = 1)"
        )
        params.extend(inner_params)
    sql = _ARTICLE_SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY a.id"
    for row in _stream(conn, sql, tuple(params)):
        yield row_to_article(row)


def iter_new_versions(
    conn: sqlite3.Connection, after_page: int, upto_page: int, site: str | None = None,
    since: str | None = None,
) -> Generator[Article, None, None]:
    """Yield the versions whose defining capture has a page id in (after_page, upto_page].

    Page ids only grow and every version is made in the transaction that stores its
    page, so a bound read in the same snapshot names each version exactly once. In
    capture (store) order.
    """
    where, params = _article_filters("a", site, since, True, None)
    where.insert(0, "a.page_id > ? AND a.page_id <= ?")
    sql = _ARTICLE_SELECT + " WHERE " + " AND ".join(where) + " ORDER BY a.page_id, a.id"
    for row in _stream(conn, sql, (after_page, upto_page, *params)):
        yield row_to_article(row)


def _article_filters(
    alias: str, site: str | None, since: str | None, all_versions: bool, url: str | None
) -> tuple[list[str], list[str]]:
    """SQL conditions (on table alias ``alias``) and parameters for an article selection."""
    where, params = [], []
    if not all_versions:
        where.append(f"{alias}.is_latest = 1")
    if url is not None:  # "" selects the URL "" (none), never every URL
        where.append(f"{alias}.url = ?")
        params.append(url)
    for column, value in (("site", site), ("first_seen", since)):
        if value:
            where.append(f"{alias}.{column} {'>=' if column == 'first_seen' else '='} ?")
            params.append(value)
    return where, params


def copies(conn: sqlite3.Connection, url: str) -> list[Copy]:
    """The URLs in the cluster of ``url``'s latest version, first capture first; [] if none."""
    row = conn.execute(
        "SELECT cluster_id FROM articles WHERE url = ? AND +is_latest = 1", (url,)
    ).fetchone()
    if row is None or row[0] is None:
        return []
    return cluster_copies(conn, row[0])


def cluster_copies(conn: sqlite3.Connection, cluster_id: int) -> list[Copy]:
    """The URLs of one cluster (the latest version of each in it), first capture first."""
    rows = conn.execute(_COPIES_SELECT, (cluster_id,)).fetchall()
    return [
        Copy(
            cluster_id=r["cluster_id"],
            url=r["url"],
            site=r["site"],
            title=json.loads(r["meta"] or "{}").get("title"),
            version=r["version"],
            first_seen=r["url_first_seen"],
            similarity=r["cluster_similarity"] if r["cluster_similarity"] is not None else 1.0,
            is_first=i == 0,
        )
        for i, r in enumerate(rows)
    ]


def iter_clusters(
    conn: sqlite3.Connection, min_urls: int = 2, limit: int | None = None
) -> Iterator[list[Copy]]:
    """Clusters of at least ``min_urls`` URLs, most URLs first (then the earliest)."""
    sql = (
        "SELECT cluster_id, count(DISTINCT url) AS urls, min(first_seen) AS first FROM articles"
        " WHERE cluster_id IS NOT NULL GROUP BY cluster_id HAVING urls >= ?"
        " ORDER BY urls DESC, first, cluster_id" + (" LIMIT ?" if limit else "")
    )
    for row in _stream(conn, sql, (min_urls, limit) if limit else (min_urls,)):
        yield cluster_copies(conn, row[0])


def iter_pages(
    conn: sqlite3.Connection, site: str | None = None, url: str | None = None
) -> Iterator[Page]:
    """Yield every fetched page (of a site, or of one URL) with its decision, in capture order."""
    where = [clause for clause, value in (("p.site = ?", site), ("p.url = ?", url)) if value]
    params = tuple(value for value in (site, url) if value)
    order = " ORDER BY p.fetched_at, p.id" if url else " ORDER BY p.id"
    sql = PAGE_SELECT + (" WHERE " + " AND ".join(where) if where else "") + order
    for row in _stream(conn, sql, params):
        yield row_to_page(row)


def row_to_page(row: sqlite3.Row) -> Page:
    """Build a :class:`Page` from a row of ``PAGE_SELECT``."""
    meta = json.loads(row["meta"] or "{}")
    return Page(
        url=row["url"],
        site=row["site"],
        fetched_at=row["fetched_at"],
        status=row["status"],
        crawl_id=row["crawl_id"],
        is_article=bool(row["is_article"]),
        page_reason=row["page_reason"],
        discard_reason=row["discard_reason"],
        title=meta.get("title"),
        text_fingerprint=row["fingerprint"],
        version=row["version"],
        extractor_version=row["extractor_version"],
        warc_filename=row["warc_filename"],
        warc_offset=row["warc_offset"],
        warc_length=row["warc_length"],
        warc_record_id=row["warc_record_id"],
        warc_record_type=row["warc_record_type"],
        payload_digest=row["payload_digest"],
        language=meta.get("language"),
    )


def _row_to_state(row: sqlite3.Row) -> CaptureState:
    """Build a :class:`CaptureState` from a row of ``_STATE_SELECT``."""
    meta = json.loads(row["latest_meta"] or "{}")
    return CaptureState(
        url=row["url"],
        site=row["site"],
        last_fetched=row["fetched_at"],
        status=row["status"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        published=meta.get("published"),
        text_fingerprint=row["fingerprint"],
        versions=row["versions"],
        captures=row["captures"],
    )


def capture_state(conn: sqlite3.Connection, url: str) -> CaptureState | None:
    """Return the capture state of one URL (from its latest capture), or None if never fetched."""
    row = conn.execute(
        _STATE_SELECT + " WHERE p.url = ? ORDER BY p.fetched_at DESC, p.id DESC LIMIT 1", (url,)
    ).fetchone()
    return _row_to_state(row) if row else None


def last_capture(conn: sqlite3.Connection, url: str) -> WarcLocation | None:
    """Where the latest stored capture of ``url`` with a body (HTTP 200/203) sits in a WARC."""
    row = conn.execute(
        "SELECT warc_filename, warc_offset, warc_length, warc_record_id, payload_digest, "
        "warc_record_type FROM pages WHERE url = ? AND status IN (200, 203) AND "
        "warc_filename IS NOT NULL ORDER BY fetched_at DESC, id DESC LIMIT 1", (url,)
    ).fetchone()
    if row is None:
        return None
    return WarcLocation(row[0], int(row[1] or 0), int(row[2] or 0), record_id=row[3],
                        payload_digest=row[4], record_type=row[5])


def iter_capture_states(
    conn: sqlite3.Connection, site: str | None = None
) -> Iterator[CaptureState]:
    """Yield the capture state of every URL (of one site if given), one per URL."""
    # The latest capture of each URL: no later page (by time, then id) of the same URL exists.
    latest = (
        " WHERE NOT EXISTS (SELECT 1 FROM pages q WHERE q.url = p.url AND "
        "(q.fetched_at > p.fetched_at OR (q.fetched_at = p.fetched_at AND q.id > p.id)))"
    )
    sql = _STATE_SELECT + latest + (" AND p.site = ?" if site else "") + " ORDER BY p.url"
    for row in _stream(conn, sql, (site,) if site else ()):
        yield _row_to_state(row)


def count_matches(conn: sqlite3.Connection, query: str, all_versions: bool = False) -> int:
    """How many article versions (latest ones unless ``all_versions``) match an FTS5 query."""
    sql = (
        "SELECT count(*) FROM articles_fts f JOIN articles a ON a.id = f.rowid "
        "WHERE articles_fts MATCH ?" + ("" if all_versions else " AND a.is_latest = 1")
    )
    return int(conn.execute(sql, (query,)).fetchone()[0])


def search(
    conn: sqlite3.Connection, query: str, limit: int = 10, all_versions: bool = False
) -> list[SearchHit]:
    """Return the best ``limit`` matches of an FTS5 query, best first (raises sqlite3 errors)."""
    sql = (
        "SELECT f.rowid AS hit_id, bm25(articles_fts, 4.0, 1.0) AS rank, "
        "snippet(articles_fts, 1, '[', ']', '…', 16) AS snip "
        "FROM articles_fts f JOIN articles a ON a.id = f.rowid "
        "WHERE articles_fts MATCH ?" + ("" if all_versions else " AND a.is_latest = 1")
        + " ORDER BY rank LIMIT ?"
    )
    hits = conn.execute(sql, (query, limit)).fetchall()
    result = []
    for hit in hits:
        row = conn.execute(_ARTICLE_SELECT + " WHERE a.id = ?", (hit["hit_id"],)).fetchone()
        result.append(SearchHit(row_to_article(row), hit["snip"], hit["rank"]))
    return result
