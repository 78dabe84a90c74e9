"""Tests' kit for "the reactor runs while SQLite waits": a lock held from another connection,
and a crawl run under tests/crawl/lockwatch.py whose reactor pings are checked."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from tests.conftest import FAST, REPO_ROOT

#: How long the lock is held (seconds), and the longest the reactor may wait meanwhile: the
#: margin is for a loaded machine; a reactor waiting for the lock waits nearly all of it.
HOLD_SECONDS = 4.0
MAX_REACTOR_WAIT = 2.0


class LockHolder:
    """Holds an SQLite file's write lock from a connection of its own for HOLD_SECONDS, once."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self.held = threading.Event()
        self.span: tuple[float, float] | None = None  # wall times the lock was held
        self.error: BaseException | None = None
        self._started = threading.Lock()

    def start(self) -> None:
        """Take the lock in a thread of its own and return once it is held (or failed)."""
        if not self._started.acquire(blocking=False):
            return
        threading.Thread(target=self._hold, daemon=True).start()
        self.held.wait(30)

    def _hold(self) -> None:
        try:
            conn = sqlite3.connect(self.store, timeout=30, isolation_level=None)
            try:
                conn.execute("BEGIN IMMEDIATE")  # the write lock: every other writer waits
                start = time.time()
                self.held.set()
                time.sleep(HOLD_SECONDS)
                conn.execute("ROLLBACK")
                self.span = (start, time.time())
            finally:
                conn.close()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        finally:
            self.held.set()


def crawl_watched(site_url: str, archive: Path, out: Path, extra: list[str]) -> dict[str, Any]:
    """Crawl ``site_url`` into ``archive`` under the reactor watch; what the watch saw."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.crawl.lockwatch", str(out), site_url,
         "--archive-dir", str(archive), *FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
         "-s", "EXTRACT_WORKERS=1", "-s", "PROGRESS_ENABLED=false", *extra],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    watch: dict[str, Any] = json.loads(out.read_text())
    return watch


def assert_reactor_ran(watch: dict[str, Any], holder: LockHolder, writer_threads: str) -> None:
    """The reactor answered its pings while the lock was held, and the writes the watch
    names (``writer_threads``) ran on a thread other than the reactor's."""
    assert holder.error is None and holder.span is not None, holder.error
    start, end = holder.span
    waits = [waited for sent, waited in watch["pings"] if start <= sent <= end]
    assert len(waits) >= 10, watch["pings"][-20:]  # the reactor was watched while held
    assert max(waits) < MAX_REACTOR_WAIT, max(waits)
    assert watch[writer_threads] and watch["reactor_threads"]
    assert not set(watch[writer_threads]) & set(watch["reactor_threads"])
