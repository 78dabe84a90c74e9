"""The fetch log: buffered writes, merge with the store's state, pruning, busy files."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from crawler.frontier.incremental import known_capture
from crawler.incremental.fetchlog import Fetch, FetchLog, close_open_logs

T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def test_fetches_survive_a_restart_and_keep_the_first_fetch(tmp_path):
    log = FetchLog(tmp_path)
    validators = {"etag": '"1"', "last_modified": "Wed, 25 Nov 2026 07:00:00 GMT"}
    log.record(Fetch("http://x/a", T0, 200, **validators))
    log.close()
    log = FetchLog(tmp_path)
    log.record(Fetch("http://x/a", T0 + timedelta(hours=2), 304))
    log.close()
    again = FetchLog(tmp_path).get("http://x/a")
    assert again.first_fetched == T0 and again.fetched_at == T0 + timedelta(hours=2)
    assert again.status == 304 and again.etag == '"1"'  # a 304 keeps the validators we had


def test_buffered_fetches_are_visible_before_the_flush(tmp_path):
    log = FetchLog(tmp_path, flush_every=100)
    log.record(Fetch("http://x/b", T0, 200))
    assert log.get("http://x/b").fetched_at == T0
    with sqlite3.connect(tmp_path / "articles.sqlite") as conn:
        assert conn.execute("SELECT count(*) FROM incremental_fetch").fetchone()[0] == 0
    log.close()


def test_a_busy_store_keeps_the_buffer_until_it_can_write(tmp_path):
    log = FetchLog(tmp_path, flush_every=1)
    blocker = sqlite3.connect(tmp_path / "articles.sqlite")
    blocker.execute("BEGIN IMMEDIATE")  # the store's writer in the middle of a batch
    log.record(Fetch("http://x/c", T0, 200))  # tries to flush, cannot, keeps it
    assert log.get("http://x/c") is not None
    blocker.rollback()
    blocker.close()
    assert log.flush()
    log.close()
    assert FetchLog(tmp_path).get("http://x/c").status == 200


def test_prune_forgets_old_urls(tmp_path):
    log = FetchLog(tmp_path)
    log.record(Fetch("http://x/old", T0 - timedelta(days=200), 200))
    log.record(Fetch("http://x/new", T0, 200))
    log.flush()
    assert log.prune(T0 - timedelta(days=90)) == 1
    assert log.get("http://x/old") is None and log.get("http://x/new") is not None
    log.close()


def test_known_capture_merges_store_and_log():
    state = SimpleNamespace(last_fetched="2026-11-25T08:00:00Z", published="2026-11-25T07:00:00Z",
                            etag='"s"', last_modified=None, modified=None)
    fetch = Fetch("http://x/a", T0 + timedelta(hours=1), 304, etag='"l"',
                  lastmod=T0 - timedelta(minutes=30), first_fetched=T0)
    known = known_capture(state, fetch)
    assert known.last_fetch == T0 + timedelta(hours=1) and known.first_fetch == T0
    assert known.published == T0 - timedelta(hours=1)
    assert known.etag == '"l"'  # the later fetch's validator
    assert known.modified == T0 - timedelta(minutes=30)
    assert known_capture(None, None) is None
    only_store = known_capture(state, None)
    assert only_store.etag == '"s"' and only_store.last_fetch == T0


def test_a_store_always_mid_batch_does_not_hold_the_log_back(tmp_path):
    # The store's writer (on the crawl's thread, as in a crawl) commits a batch and begins
    # the next one right after the crawl's other work: the log gets its turn in that gap.
    log = FetchLog(tmp_path, flush_every=20)
    store = sqlite3.connect(tmp_path / "articles.sqlite", isolation_level=None)
    store.execute("CREATE TABLE batch (n INTEGER)")
    store.execute("BEGIN IMMEDIATE")
    for n in range(600):
        store.execute("INSERT INTO batch VALUES (?)", (n,))
        log.record(Fetch(f"http://x/{n}", T0, 200))
        if n % 60 == 59:
            store.execute("COMMIT")
            time.sleep(0.15)  # the crawl's other callbacks
            store.execute("BEGIN IMMEDIATE")
    written = store.execute("SELECT count(*) FROM incremental_fetch").fetchone()[0]
    store.execute("COMMIT")
    store.close()
    assert written >= 300  # written while the store was busy, not all at the end
    assert log.flush()
    log.close()
    with sqlite3.connect(tmp_path / "articles.sqlite") as conn:
        assert conn.execute("SELECT count(*) FROM incremental_fetch").fetchone()[0] == 600


def test_a_lock_never_released_does_not_hold_the_close_for_a_minute(tmp_path, caplog):
    # A forced stop: the reactor stopped with the store's batch open, so its lock is never
    # released. Closing the logs left open ends in about its timeout, not the 60 s lock wait
    # (the interpreter used to wait that out at exit), and says what it did not write.
    log = FetchLog(tmp_path, flush_every=1)
    store = sqlite3.connect(tmp_path / "articles.sqlite")
    store.execute("BEGIN IMMEDIATE")
    log.record(Fetch("http://x/held", T0, 200))  # handed to the writer, which waits
    closer = threading.Thread(target=close_open_logs, args=(0.5,))
    with caplog.at_level(logging.WARNING, logger="crawler.incremental.fetchlog"):
        closer.start()
        closer.join(timeout=30)  # a generous bound: only a wait on the lock reaches it
        assert not closer.is_alive()
    assert "1 fetches not written at close" in caplog.text
    store.rollback()
    store.close()


def test_closing_the_logs_left_open_writes_their_buffers(tmp_path):
    log = FetchLog(tmp_path, flush_every=100)
    log.record(Fetch("http://x/left", T0, 200))
    close_open_logs(5.0)
    assert FetchLog(tmp_path).get("http://x/left").status == 200
    close_open_logs(5.0)
