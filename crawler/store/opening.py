"""Where an archive's store lives and how it is opened: a reader never creates one."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from pathlib import Path

from crawler.exceptions import StoreNotFound, UserError
from crawler.store import clusters
from crawler.store.damage import store_problem
from crawler.store.schema import connect

#: File name of the store inside an archive folder.
STORE_FILENAME = "articles.sqlite"


def store_path(archive_dir_or_sqlite_path: str | Path) -> Path:
    """Return the SQLite path for an archive folder, or the path itself if it names a file."""
    path = Path(archive_dir_or_sqlite_path)
    if path.suffix in (".sqlite", ".sqlite3", ".db") or path.is_file():
        return path
    return path / STORE_FILENAME


def open_connection(path: Path, create: bool) -> sqlite3.Connection:
    """Open the store's database at ``path``, current (schema and clusters); UserError if not.

    Only writers pass ``create=True``; for a reader a missing store is StoreNotFound and an
    empty file is an error (a reader must not write a schema into it and so make it look
    like a store).
    """
    if not create and not path.exists():
        raise StoreNotFound(
            f"no article store at {path}: run `crawler crawl` or `crawler extract "
            "WARC...` first, or point --archive-dir at the folder that holds articles.sqlite"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            f"cannot create the folder {path.parent} ({exc.strerror}): choose another --archive-dir"
        ) from None
    if not create and path.is_file() and path.stat().st_size == 0:
        raise UserError(
            f"the article store {path} is empty (0 bytes): it holds no articles; run "
            "`crawler crawl` or `crawler extract WARC...` into this folder, or delete the file"
        )
    try:
        if create and not path.exists():
            _create_whole(path)
        conn = connect(str(path))
    except sqlite3.DatabaseError as exc:
        raise UserError(store_problem(path, exc)) from None
    # A store made before clustering, or with another index format, is clustered now.
    try:
        clusters.ensure_current(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise UserError(store_problem(path, exc)) from None
    return conn


def _create_whole(path: Path) -> None:
    """Make a new store beside ``path`` and link it into place with its schema written.

    Created in place, the file is empty for a moment, and a reader then (``crawler search``
    while a first crawl starts) would be told the store is empty and to delete it. A link
    fails if another writer made the store meanwhile; theirs is kept.
    """
    handle, name = tempfile.mkstemp(prefix=".articles-", suffix=".sqlite", dir=path.parent)
    os.close(handle)
    try:
        connect(name).close()
        with contextlib.suppress(FileExistsError):
            os.link(name, path)
    except OSError:
        pass  # no hard links here (some network file systems): created in place, as before
    finally:
        Path(name).unlink(missing_ok=True)
