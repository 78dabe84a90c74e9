"""Article versions of a URL: a new version when the cleaned text's fingerprint changes.

Functions here take an open connection; :class:`crawler.store.sqlite.Store` owns transactions.
``+is_latest`` in a query about one URL keeps SQLite on the URL index: the ``is_latest`` index
would scan every latest version, once per stored page.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

from crawler.store import clusters
from crawler.store.schema import browse_facts, inserted_id

_FTS_DELETE = (
    "INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', ?, ?, ?)"
)


def ensure_text(conn: sqlite3.Connection, fingerprint: str, text: str) -> int:
    """Return the id of the text with this fingerprint, storing the text the first time."""
    conn.execute(
        "INSERT OR IGNORE INTO texts (fingerprint, text) VALUES (?, ?)", (fingerprint, text)
    )
    row = conn.execute("SELECT id FROM texts WHERE fingerprint = ?", (fingerprint,)).fetchone()
    return int(row[0])


def ensure_blocks(conn: sqlite3.Connection, blocks_json: str) -> int | None:
    """Return the id of this block structure (JSON), storing it the first time; None for ""."""
    if not blocks_json:
        return None
    digest = hashlib.blake2b(blocks_json.encode("utf-8"), digest_size=16).hexdigest()
    conn.execute("INSERT OR IGNORE INTO blocks (digest, json) VALUES (?, ?)", (digest, blocks_json))
    row = conn.execute("SELECT id FROM blocks WHERE digest = ?", (digest,)).fetchone()
    return int(row[0])


# "+is_latest" keeps SQLite on the (url, version) index: through an index on is_latest it would
# read every latest article for each page stored (a 100,000-article store took minutes).
def latest_version(conn: sqlite3.Connection, url: str) -> sqlite3.Row | None:
    """Return the latest version row of a URL (with its text fingerprint), or None."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT a.id, a.version, a.last_seen, t.fingerprint FROM articles a "
        "JOIN texts t ON t.id = a.text_id WHERE a.url = ? AND +a.is_latest = 1",
        (url,),
    ).fetchone()
    return row


def new_version(conn: sqlite3.Connection, page: sqlite3.Row, text_id: int, version: int) -> int:
    """Insert a version defined by this page (the first capture with its text); return its id."""
    meta = json.loads(page["meta"] or "{}")
    title = meta.get("title")
    dated, language = browse_facts(meta, page["fetched_at"])
    conn.execute(
        "UPDATE articles SET is_latest = 0 WHERE url = ? AND +is_latest = 1", (page["url"],)
    )
    cur = conn.execute(
        "INSERT INTO articles (url, version, site, page_id, text_id, title, first_seen, last_seen,"
        " captures, is_latest, dated, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?)",
        (
            page["url"], version, page["site"], page["id"], text_id, title,
            page["fetched_at"], page["fetched_at"], dated, language,
        ),
    )
    article_id = inserted_id(cur)
    text = conn.execute("SELECT text FROM texts WHERE id = ?", (text_id,)).fetchone()[0]
    conn.execute(
        "INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)", (article_id, title, text)
    )
    conn.execute("UPDATE pages SET article_id = ? WHERE id = ?", (article_id, page["id"]))
    clusters.assign(conn, article_id)
    return article_id


def extend_version(conn: sqlite3.Connection, article_id: int, page: sqlite3.Row) -> None:
    """Count a later capture with unchanged text against an existing version."""
    conn.execute(
        "UPDATE articles SET captures = captures + 1, last_seen = max(last_seen, ?) WHERE id = ?",
        (page["fetched_at"], article_id),
    )
    conn.execute("UPDATE pages SET article_id = ? WHERE id = ?", (article_id, page["id"]))


def attach_page(conn: sqlite3.Connection, page: sqlite3.Row, text_id: int) -> tuple[bool, int]:
    """Attach an article page captured after all others of its URL; return (is_new, version)."""
    latest = latest_version(conn, page["url"])
    if latest is not None and latest["fingerprint"] == page["fingerprint"]:
        extend_version(conn, latest["id"], page)
        return False, int(latest["version"])
    version = int(latest["version"]) + 1 if latest is not None else 1
    new_version(conn, page, text_id, version)
    return True, version


def drop_versions(conn: sqlite3.Connection, url: str) -> None:
    """Delete every version of a URL and its full-text index entries."""
    rows = conn.execute(
        "SELECT a.id, a.title, t.text FROM articles a JOIN texts t ON t.id = a.text_id "
        "WHERE a.url = ?",
        (url,),
    ).fetchall()
    for row in rows:
        conn.execute(_FTS_DELETE, (row["id"], row["title"], row["text"]))
    touched = clusters.clusters_of(conn, url)
    conn.execute("DELETE FROM articles WHERE url = ?", (url,))
    conn.execute("UPDATE pages SET article_id = NULL WHERE url = ?", (url,))
    clusters.resettle(conn, touched)


def rebuild_url(conn: sqlite3.Connection, url: str) -> None:
    """Recompute a URL's versions from its pages in capture order (after a page changed)."""
    drop_versions(conn, url)
    pages = conn.execute(
        "SELECT p.*, t.id AS text_id FROM pages p JOIN texts t ON t.fingerprint = p.fingerprint "
        "WHERE p.url = ? AND p.is_article = 1 ORDER BY p.fetched_at, p.id",
        (url,),
    ).fetchall()
    for page in pages:
        attach_page(conn, page, page["text_id"])


def prune_texts(conn: sqlite3.Connection) -> int:
    """Delete texts and block structures no page refers to any more; return how many texts."""
    unused = ("FROM texts WHERE fingerprint NOT IN "
              "(SELECT fingerprint FROM pages WHERE fingerprint IS NOT NULL)")
    clusters.forget_texts(conn, [row[0] for row in conn.execute(f"SELECT id {unused}")])
    cur = conn.execute(f"DELETE {unused}")
    conn.execute("DELETE FROM blocks WHERE id NOT IN "
                 "(SELECT blocks_id FROM pages WHERE blocks_id IS NOT NULL)")
    return cur.rowcount
