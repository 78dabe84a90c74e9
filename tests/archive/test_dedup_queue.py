"""QueuedDedupIndex answers exactly as the synchronous DedupIndex does while its writes wait
on another thread, and leaves the same index file behind."""

from __future__ import annotations

import random
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from crawler.archive.dedup import Capture, DedupIndex
from crawler.archive.dedupqueue import QueuedDedupIndex

URLS = [f"http://news.test/{n}" for n in range(6)]
DIGESTS = [f"sha1:{c * 32}" for c in "ABCD"]


class PausableThread:
    """A one-thread executor whose queue the test can hold back (a writer waiting for a lock)."""

    def __init__(self) -> None:
        self.executor = ThreadPoolExecutor(1)
        self.gate = threading.Event()
        self.gate.set()

    def pause(self) -> None:
        """Hold every call queued from now on until :meth:`resume`."""
        self.gate.clear()
        self.executor.submit(self.gate.wait)

    def resume(self) -> None:
        """Let the queued calls run."""
        self.gate.set()

    def submit(self, func: Any, *args: Any) -> Any:
        """Queue ``func(*args)``."""
        return self.executor.submit(func, *args)


def _step(rng: random.Random, index: Any, n: int) -> Any:
    """One random call on ``index`` (the same for both indexes given the same rng state)."""
    url, digest = rng.choice(URLS), rng.choice(DIGESTS)
    kind = rng.choice(["lookup", "lookup", "digest", "last", "add", "add", "commit"])
    if kind == "lookup":
        return index.lookup(url, digest)
    if kind == "digest":
        return index.lookup_digest(digest)
    if kind == "last":
        return index.last_capture(url)
    if kind == "add":
        return index.add(Capture(url, digest, f"<urn:uuid:{n}>", f"2024-01-01T00:00:{n % 60:02d}Z",
                                 f"crawl-{n}.warc.gz"))
    return index.commit()


def _rows(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT * FROM captures ORDER BY url, digest").fetchall()


@pytest.mark.parametrize("seed", range(12))
def test_answers_and_file_match_the_synchronous_index(tmp_path, seed):
    reference = DedupIndex(tmp_path / "sync.sqlite")
    thread = PausableThread()
    queued = QueuedDedupIndex(DedupIndex(tmp_path / "queued.sqlite"), thread.submit)
    rng = random.Random(seed)
    for n in range(400):
        if rng.random() < 0.05:
            thread.resume() if not thread.gate.is_set() else thread.pause()
        state = rng.getstate()
        expected = _step(rng, reference, n)
        rng.setstate(state)
        assert _step(rng, queued, n) == expected, n
    thread.resume()
    reference.close()
    queued.close()
    thread.executor.shutdown()
    assert _rows(tmp_path / "queued.sqlite") == _rows(tmp_path / "sync.sqlite")


def test_a_payload_added_while_the_writer_waits_is_found_at_once(tmp_path):
    thread = PausableThread()
    queued = QueuedDedupIndex(DedupIndex(tmp_path / "index.sqlite"), thread.submit)
    thread.pause()  # the writer waits (another crawl holds the lock)
    first = Capture(URLS[0], DIGESTS[0], "<urn:uuid:1>", "2024-01-01T00:00:00Z", "a.warc.gz")
    queued.add(first)
    assert queued.lookup(URLS[0], DIGESTS[0]) == first  # back to back: already a revisit
    assert queued.lookup_digest(DIGESTS[0]) == first
    assert queued.last_capture(URLS[0]) == first
    thread.resume()
    queued.close()
    thread.executor.shutdown()
    assert DedupIndex(tmp_path / "index.sqlite").lookup(URLS[0], DIGESTS[0]) == first


def test_a_failed_write_is_raised_by_the_next_call_and_later_writes_are_skipped(tmp_path):
    thread = PausableThread()
    index = DedupIndex(tmp_path / "index.sqlite")
    queued = QueuedDedupIndex(index, thread.submit)
    calls: list[str] = []

    def failing_add(capture: Capture) -> None:
        calls.append(capture.record_id)
        raise sqlite3.OperationalError("database is locked")

    index.add = failing_add  # type: ignore[method-assign]
    queued.add(Capture(URLS[0], DIGESTS[0], "<urn:uuid:1>", "2024-01-01T00:00:00Z", "a"))
    queued.flushed().result()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        queued.lookup(URLS[1], DIGESTS[1])
    queued.add(Capture(URLS[1], DIGESTS[1], "<urn:uuid:2>", "2024-01-01T00:00:00Z", "a"))
    queued.close()
    thread.executor.shutdown()
    assert calls == ["<urn:uuid:1>"]
