"""The SQLite schema of the store: pages (facts), texts (deduplicated), article versions, FTS5.

``pages`` holds every fetched page with its decision and provenance; ``articles`` is derived
from it (one row per run of equal text fingerprints of a URL, in capture order) and can be
rebuilt for any URL from ``pages`` and ``texts``. ``articles.dated`` and ``articles.language``
copy two facts of the version's page so the archive browser can filter and page by index;
``articles.cluster_id`` names the syndication cluster (``clusters``) of a version, and
``sketches`` and ``sketch_bands`` are its LSH index. ``blocks`` holds each distinct block
structure of a cleaned text once (JSON, ``crawler.extract.blocks``); a page names its own
(``pages.blocks_id``), and a version shows the one of the page that defined it.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from typing import Any

from crawler.exceptions import UserError
from crawler.store.dates import to_store_time
from crawler.syndication import create_tables as create_syndication_tables

SCHEMA_VERSION = 4

_DDL = """
CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS texts (
    id INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pages (
    id INTEGER PRIMARY KEY,
    capture_key TEXT UNIQUE,
    url TEXT NOT NULL,
    requested_url TEXT,
    site TEXT NOT NULL,
    status INTEGER,
    fetched_at TEXT NOT NULL,
    crawl_id TEXT NOT NULL DEFAULT '',
    depth INTEGER,
    source TEXT,
    is_article INTEGER NOT NULL,
    page_reason TEXT NOT NULL DEFAULT '',
    discard_reason TEXT,
    fingerprint TEXT,
    meta TEXT NOT NULL DEFAULT '{}',
    extractor_version TEXT NOT NULL DEFAULT '',
    etag TEXT,
    last_modified TEXT,
    warc_filename TEXT,
    warc_offset INTEGER,
    warc_length INTEGER,
    warc_record_id TEXT,
    payload_digest TEXT,
    warc_record_type TEXT,
    conversion_filename TEXT,
    conversion_offset INTEGER,
    conversion_length INTEGER,
    conversion_record_id TEXT,
    article_id INTEGER,
    blocks_id INTEGER
);
CREATE TABLE IF NOT EXISTS blocks (
    id INTEGER PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,
    json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS pages_url ON pages (url, fetched_at);
CREATE INDEX IF NOT EXISTS pages_site ON pages (site, url);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    version INTEGER NOT NULL,
    site TEXT NOT NULL,
    page_id INTEGER NOT NULL,
    text_id INTEGER NOT NULL,
    title TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    captures INTEGER NOT NULL DEFAULT 1,
    is_latest INTEGER NOT NULL DEFAULT 1,
    dated TEXT,
    language TEXT,
    cluster_id INTEGER,
    cluster_similarity REAL,
    UNIQUE (url, version)
);
CREATE INDEX IF NOT EXISTS articles_site ON articles (site, first_seen);
CREATE INDEX IF NOT EXISTS articles_latest ON articles (is_latest, id);
CREATE INDEX IF NOT EXISTS articles_text ON articles (text_id);
CREATE INDEX IF NOT EXISTS articles_page ON articles (page_id);
CREATE INDEX IF NOT EXISTS articles_cluster ON articles (cluster_id, first_seen, id);
CREATE TABLE IF NOT EXISTS clusters (id INTEGER PRIMARY KEY AUTOINCREMENT);
CREATE INDEX IF NOT EXISTS articles_dated ON articles (is_latest, dated, id);
CREATE INDEX IF NOT EXISTS articles_site_dated ON articles (site, is_latest, dated, id);
CREATE INDEX IF NOT EXISTS articles_language_dated ON articles (language, is_latest, dated, id);
CREATE VIEW IF NOT EXISTS article_docs AS
    SELECT articles.id AS id, articles.title AS title, texts.text AS text
    FROM articles JOIN texts ON texts.id = articles.text_id;
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5 (
    title, text, content='article_docs', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
"""


def connect(path: str) -> sqlite3.Connection:
    """Open (creating if needed) the store database in WAL mode and apply the schema."""
    conn = sqlite3.connect(path, isolation_level="DEFERRED")
    conn.row_factory = sqlite3.Row
    # WAL lets `crawler search`/`export` read while a crawl writes; NORMAL sync is safe in WAL.
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=10000")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        conn.close()
        raise UserError(
            f"{path} was written by a newer version of the crawler (schema {version}); "
            "upgrade the crawler to read it"
        )
    if version < SCHEMA_VERSION:
        _upgrade(conn, version)
    return conn


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The rowid of the row the cursor's INSERT just made."""
    # sqlite3 leaves lastrowid None only on a cursor that never inserted a row.
    if cursor.lastrowid is None:
        raise sqlite3.InterfaceError("the statement inserted no row")
    return cursor.lastrowid


def _upgrade(conn: sqlite3.Connection, version: int) -> None:
    """Create the schema, or bring a store written by an older crawler up to date."""
    if version >= 1:
        _add_browse_columns(conn)
        _add_cluster_columns(conn)
        _add_column(conn, "pages", "blocks_id", "INTEGER")
    conn.executescript(_DDL)
    create_syndication_tables(conn)
    # Names this store in resumable exports' state files (page ids restart in a new store).
    conn.execute(
        "INSERT OR IGNORE INTO store_meta (key, value) VALUES ('store_id', ?)", (str(uuid.uuid4()),)
    )
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    conn.commit()


def _add_browse_columns(conn: sqlite3.Connection) -> None:
    """Add and fill ``articles.dated`` and ``articles.language`` where they are missing."""
    columns = {row["name"] for row in conn.execute("PRAGMA table_info(articles)")}
    if "dated" in columns:
        return
    # The indexes on them come with _DDL, after this.
    conn.execute("ALTER TABLE articles ADD COLUMN dated TEXT")
    conn.execute("ALTER TABLE articles ADD COLUMN language TEXT")
    rows = conn.execute(
        "SELECT a.id, a.first_seen, p.meta FROM articles a JOIN pages p ON p.id = a.page_id"
    ).fetchall()
    conn.executemany(
        "UPDATE articles SET dated = ?, language = ? WHERE id = ?",
        [(*browse_facts(json.loads(r["meta"] or "{}"), r["first_seen"]), r["id"]) for r in rows],
    )


def _add_cluster_columns(conn: sqlite3.Connection) -> None:
    """Add the syndication cluster columns (filled when the store opens: store.clusters)."""
    for name, kind in (("cluster_id", "INTEGER"), ("cluster_similarity", "REAL")):
        _add_column(conn, "articles", name, kind)


def _add_column(conn: sqlite3.Connection, table: str, name: str, kind: str) -> None:
    """Add a column an older store lacks (its rows get NULL: a value not known then)."""
    columns = {row["name"] for row in conn.execute(f"PRAGMA table_info({table})")}
    if name in columns:
        return
    try:
        conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
    except sqlite3.OperationalError as exc:
        # Another process opening the same old store (workers of one crawl) added it first.
        if "duplicate column" not in str(exc):
            raise


def store_id(conn: sqlite3.Connection) -> str:
    """The store's random identity (made with the store, or when an older one is upgraded)."""
    row = conn.execute("SELECT value FROM store_meta WHERE key = 'store_id'").fetchone()
    return str(row[0]) if row else ""


def browse_facts(meta: dict[str, Any], first_seen: str) -> tuple[str, str | None]:
    """An article version's date (published, else first captured) and primary language tag."""
    dated = to_store_time(meta.get("published")) or first_seen
    language = str(meta.get("language") or "").strip().lower().replace("_", "-")
    return dated, language.split("-", 1)[0] or None
