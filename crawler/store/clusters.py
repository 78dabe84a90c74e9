"""Syndication clusters of article versions, kept in ``articles.cluster_id`` as versions are stored.

Each new version is sketched (once per distinct text), looked up in the shared LSH index
(:mod:`crawler.syndication`) and joins the cluster of the most similar copy on another URL, or
starts its own. ``cluster_similarity`` is the similarity to the cluster's first capture (the
earliest ``first_seen``); when an older capture arrives late, it becomes the first and the
cluster's similarities are recomputed. Everything happens inside the caller's write
transaction, so processes sharing one store extend the same clusters.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from crawler.store.schema import inserted_id
from crawler.syndication import (
    FORMAT,
    Match,
    SketchIndex,
    choose_cluster,
    is_copy,
    similarity,
    sketch_text,
)
from crawler.syndication.sketch import Sketch

#: Most stored versions of matching texts considered per new version.
MAX_MATCH_ROWS = 256
#: Articles re-clustered per batch by :func:`rebuild`.
REBUILD_BATCH = 500
_FORMAT_KEY = "syndication_format"


def _ensure_sketch(conn: sqlite3.Connection, index: SketchIndex, text_id: int) -> Sketch | None:
    """The text's sketch, computed and indexed the first time the text is seen."""
    known, found = index.lookup(text_id)
    if not known:
        text = conn.execute("SELECT text FROM texts WHERE id = ?", (text_id,)).fetchone()[0]
        found = sketch_text(text)
        index.add(text_id, found)
    return found


def index_text(conn: sqlite3.Connection, text_id: int, sketch: Sketch) -> None:
    """Index a text with a sketch computed elsewhere (a crawl computes it in its workers)."""
    index = SketchIndex(conn)
    if not index.is_indexed(text_id):
        index.add(text_id, sketch)


def _matches(conn: sqlite3.Connection, index: SketchIndex, sketch: Sketch, text_id: int,
             article_id: int) -> list[Match]:
    """Stored versions (other than ``article_id``) whose text is a copy of ``sketch``'s."""
    others = [t for t in index.candidates(sketch) if t != text_id]
    scores = {tid: similarity(sketch, other) for tid, other in index.get_many(others).items()
              if is_copy(sketch, other)}
    scores[text_id] = 1.0  # the same text on another URL (or an earlier version)
    marks = ",".join("?" * len(scores))
    rows = conn.execute(
        f"SELECT id, url, cluster_id, first_seen, text_id FROM articles WHERE text_id IN ({marks})"
        " AND id != ? AND cluster_id IS NOT NULL ORDER BY first_seen, id LIMIT ?",
        (*scores, article_id, MAX_MATCH_ROWS),
    )
    return [Match(r[0], r[1], r[2], r[3], scores[r[4]]) for r in rows]


def assign(conn: sqlite3.Connection, article_id: int) -> int:
    """Put a newly stored article version into a cluster; return the cluster id."""
    url, text_id = conn.execute(
        "SELECT url, text_id FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    index = SketchIndex(conn)
    sketch = _ensure_sketch(conn, index, text_id)
    matches = _matches(conn, index, sketch, text_id, article_id) if sketch is not None else []
    cluster = choose_cluster(url, matches)
    if cluster is None:  # a story of its own: it is its cluster's first capture
        cluster = inserted_id(conn.execute("INSERT INTO clusters DEFAULT VALUES"))
        conn.execute("UPDATE articles SET cluster_id = ?, cluster_similarity = 1.0 WHERE id = ?",
                     (cluster, article_id))
        return cluster
    conn.execute("UPDATE articles SET cluster_id = ? WHERE id = ?", (cluster, article_id))
    settle(conn, cluster, joined=article_id)
    return cluster


def settle(conn: sqlite3.Connection, cluster_id: int, joined: int | None = None) -> None:
    """Set ``cluster_similarity`` against the cluster's first capture.

    When ``joined`` (a new member) is not the first, only its own similarity is computed;
    otherwise (a new first, or members removed) every member's is.
    """
    order = "FROM articles WHERE cluster_id = ? ORDER BY first_seen, id"
    head = conn.execute(f"SELECT id, text_id {order} LIMIT 1", (cluster_id,)).fetchone()
    if head is None:
        conn.execute("DELETE FROM clusters WHERE id = ?", (cluster_id,))
        return
    first_id, first_text = head
    if joined is not None and joined != first_id:
        row = conn.execute("SELECT text_id FROM articles WHERE id = ?", (joined,)).fetchone()
        members = [(joined, row[0])]
    else:  # a new first (or members gone): every member is measured against it
        members = conn.execute(f"SELECT id, text_id {order}", (cluster_id,)).fetchall()
    index = SketchIndex(conn)
    sketches = index.get_many({first_text, *(m[1] for m in members)})
    first = sketches.get(first_text)
    updates = []
    for member_id, text_id in members:
        other = sketches.get(text_id)
        score = 1.0 if text_id == first_text or first is None or other is None else similarity(
            first, other)
        updates.append((round(score, 3), member_id))
    conn.executemany("UPDATE articles SET cluster_similarity = ? WHERE id = ?", updates)


def clusters_of(conn: sqlite3.Connection, url: str) -> list[int]:
    """The clusters a URL's versions belong to (before they are dropped)."""
    rows = conn.execute(
        "SELECT DISTINCT cluster_id FROM articles WHERE url = ? AND cluster_id IS NOT NULL",
        (url,),
    )
    return [row[0] for row in rows]


def resettle(conn: sqlite3.Connection, cluster_ids: Iterable[int]) -> None:
    """Recompute clusters that lost members (their first capture may have changed)."""
    for cluster_id in cluster_ids:
        settle(conn, cluster_id)


def forget_texts(conn: sqlite3.Connection, text_ids: Iterable[int]) -> None:
    """Drop pruned texts from the index."""
    SketchIndex(conn).remove(text_ids)


def rebuild(conn: sqlite3.Connection) -> int:
    """Re-index every text and re-cluster every version in capture order; return versions."""
    SketchIndex(conn).clear()
    conn.execute("UPDATE articles SET cluster_id = NULL, cluster_similarity = NULL")
    conn.execute("DELETE FROM clusters")
    done, last = 0, ("", 0)
    while True:
        batch = conn.execute(
            "SELECT id, first_seen FROM articles WHERE (first_seen, id) > (?, ?) "
            "ORDER BY first_seen, id LIMIT ?",
            (*last, REBUILD_BATCH),
        ).fetchall()
        if not batch:
            break
        for article_id, _ in batch:
            assign(conn, article_id)
        done += len(batch)
        last = (batch[-1][1], batch[-1][0])
    conn.execute(
        "INSERT OR REPLACE INTO store_meta (key, value) VALUES (?, ?)", (_FORMAT_KEY, FORMAT)
    )
    return done


def ensure_current(conn: sqlite3.Connection) -> bool:
    """Rebuild the clusters if they were made with another index format; True if rebuilt."""
    if _stored_format(conn) == FORMAT:
        return False
    conn.execute("BEGIN IMMEDIATE")  # one process rebuilds; the others wait, then see it done
    try:
        if _stored_format(conn) == FORMAT:
            conn.rollback()
            return False
        rebuild(conn)
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    return True


def _stored_format(conn: sqlite3.Connection) -> str | None:
    """The index format the store's clusters were made with."""
    row = conn.execute("SELECT value FROM store_meta WHERE key = ?", (_FORMAT_KEY,)).fetchone()
    return row[0] if row else None
