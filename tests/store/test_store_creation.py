"""A store being created is never seen half made: a reader finds none, or a whole one."""

from __future__ import annotations

import os
import threading

from crawler.exceptions import StoreNotFound, UserError
from crawler.store import open_store


def test_a_reader_never_sees_a_store_being_created_as_empty(tmp_path):
    # `crawler search` while the first crawl into a folder starts was told "the article store
    # is empty (0 bytes) ... delete the file": the file existed before its schema was written.
    folders = [tmp_path / f"a{n}" for n in range(40)]
    for folder in folders:
        folder.mkdir()
    problems: list[str] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            for folder in folders:
                try:
                    open_store(folder).close()
                except StoreNotFound:
                    pass
                except UserError as exc:
                    problems.append(str(exc))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for folder in folders:
            open_store(folder, create=True).close()
    finally:
        done.set()
        reader.join()
    assert problems == []
    assert all(sorted(os.listdir(f)) == ["articles.sqlite"] for f in folders)  # no scratch left


def test_a_store_made_meanwhile_by_another_writer_is_kept(tmp_path):
    with open_store(tmp_path, create=True) as first:
        first.conn.execute("CREATE TABLE marker (x)")
        first.conn.commit()
        with open_store(tmp_path, create=True) as second:
            assert second.conn.execute("SELECT count(*) FROM marker").fetchone()[0] == 0
