"""One-line messages for a store SQLite cannot use: damaged, empty, locked or unreadable."""

from __future__ import annotations

import sqlite3
from pathlib import Path

#: SQLite's names for a file that is not (or no longer) a readable database.
_DAMAGED = ("SQLITE_CORRUPT", "SQLITE_NOTADB")


def is_damaged(exc: sqlite3.Error) -> bool:
    """Whether SQLite says the file is corrupt or not a database at all."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    return name.startswith(_DAMAGED) or "malformed" in text or "not a database" in text


def store_problem(path: str | Path, exc: sqlite3.Error) -> str:
    """What is wrong with the store at ``path`` and the way out, in one line."""
    store = Path(path)
    if store.is_dir() or store.suffix not in (".sqlite", ".sqlite3", ".db"):
        store = store / "articles.sqlite"
    archive = store.parent
    if is_damaged(exc):
        return (f"the article store {store} is damaged ({exc}): the WARCs are intact; move the "
                f"store aside and rebuild it from them with `crawler extract {archive}/warc "
                f"--archive-dir {archive}`, or restore a backup")
    return (f"cannot use the article store {store} ({exc}): check that no other program holds "
            "it and that the disk and folder can be read and written")
