"""The LSH index in SQLite: one sketch per distinct text, its band keys in an indexed table.

The index lives in the database, not in a process: every process that writes the store (a
crawl, several workers of a shared crawl, ``crawler extract``) queries and extends the same
bands inside its own write transaction, and a long crawl keeps nothing per page in memory.
A lookup is one indexed ``IN`` query over the new text's band keys.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from crawler.syndication.sketch import Sketch, band_keys

DDL = """
CREATE TABLE IF NOT EXISTS sketches (
    text_id INTEGER PRIMARY KEY,
    shingles INTEGER NOT NULL,
    signature BLOB
);
CREATE TABLE IF NOT EXISTS sketch_bands (
    band_key INTEGER NOT NULL,
    text_id INTEGER NOT NULL,
    PRIMARY KEY (band_key, text_id)
) WITHOUT ROWID;
"""

#: Most candidate texts examined per lookup (those sharing the most bands first).
MAX_CANDIDATES = 64


class SketchIndex:
    """Sketches and LSH bands of texts, keyed by the store's text id, in an SQLite database."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        """Use ``conn``'s tables (created by :func:`create_tables`); the caller commits."""
        self.conn = conn

    def get(self, text_id: int) -> Sketch | None:
        """The stored sketch of a text; None if the text was not indexed or is too short."""
        return self.lookup(text_id)[1]

    def lookup(self, text_id: int) -> tuple[bool, Sketch | None]:
        """Whether the text is indexed (too-short texts are, without a sketch), and its sketch."""
        row = self.conn.execute(
            "SELECT shingles, signature FROM sketches WHERE text_id = ?", (text_id,)
        ).fetchone()
        if row is None:
            return False, None
        return True, (Sketch.from_bytes(row[1], row[0]) if row[1] is not None else None)

    def is_indexed(self, text_id: int) -> bool:
        """Whether the text was already sketched (too-short texts count as sketched)."""
        return self.lookup(text_id)[0]

    def get_many(self, text_ids: Iterable[int]) -> dict[int, Sketch]:
        """The stored sketches of several texts (texts without one are left out)."""
        ids = list(text_ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(
            f"SELECT text_id, shingles, signature FROM sketches WHERE text_id IN ({marks})"
            " AND signature IS NOT NULL",
            ids,
        )
        return {row[0]: Sketch.from_bytes(row[2], row[1]) for row in rows}

    def add(self, text_id: int, sketch: Sketch | None) -> None:
        """Index a text's sketch and bands (a None sketch marks a too-short text as seen)."""
        if sketch is None:
            self.conn.execute(
                "INSERT OR REPLACE INTO sketches (text_id, shingles) VALUES (?, 0)", (text_id,)
            )
            return
        self.conn.execute(
            "INSERT OR REPLACE INTO sketches (text_id, shingles, signature) VALUES (?, ?, ?)",
            (text_id, sketch.size, sketch.to_bytes()),
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO sketch_bands (band_key, text_id) VALUES (?, ?)",
            [(key, text_id) for key in band_keys(sketch)],
        )

    def candidates(self, sketch: Sketch, limit: int = MAX_CANDIDATES) -> list[int]:
        """Text ids sharing at least one band with ``sketch``, most shared bands first."""
        keys = band_keys(sketch)
        marks = ",".join("?" * len(keys))
        rows = self.conn.execute(
            f"SELECT text_id FROM sketch_bands WHERE band_key IN ({marks}) "
            "GROUP BY text_id ORDER BY count(*) DESC, text_id LIMIT ?",
            (*keys, limit),
        )
        return [row[0] for row in rows]

    def remove(self, text_ids: Iterable[int]) -> None:
        """Forget texts (after the store pruned them): their sketches and bands."""
        for text_id in text_ids:
            found = self.get(text_id)
            if found is not None:
                self.conn.executemany(
                    "DELETE FROM sketch_bands WHERE band_key = ? AND text_id = ?",
                    [(key, text_id) for key in band_keys(found)],
                )
            self.conn.execute("DELETE FROM sketches WHERE text_id = ?", (text_id,))

    def clear(self) -> None:
        """Forget every sketch (before re-indexing with another format)."""
        self.conn.execute("DELETE FROM sketch_bands")
        self.conn.execute("DELETE FROM sketches")


def create_tables(conn: sqlite3.Connection) -> None:
    """Create the index tables if they are missing."""
    conn.executescript(DDL)
