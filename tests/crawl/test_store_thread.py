"""The article store is written off the reactor thread: a store whose lock another writer holds
(another worker of a shared crawl) does not stop the crawl's reactor meanwhile."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from crawler.store import open_store
from tests.conftest import FAST, REPO_ROOT
from tests.crawl.sitekit import Answer, Site, article, html, serve

pytestmark = pytest.mark.slow

ARTICLES = [f"/2024/05/{day:02d}/the-council-meets-about-the-port-{day}" for day in range(1, 31)]
#: The article whose answer waits until the test holds the store's write lock.
TRIGGER = ARTICLES[11]
#: How long the lock is held (seconds), and the longest the reactor may wait meanwhile: the
#: margin is for a loaded machine; a reactor waiting for the lock waits nearly all of it.
HOLD_SECONDS = 4.0
MAX_REACTOR_WAIT = 2.0


class LockHolder:
    """Holds the store's write lock from a connection of its own for HOLD_SECONDS, once."""

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


def _routes(holder: LockHolder) -> dict[str, Any]:
    def slow(title: str) -> Any:
        def answer(site: Site) -> Answer:
            time.sleep(0.1)  # the crawl has pages in flight while the lock is held
            return 200, {}, article(title)
        return answer

    def trigger(site: Site) -> Answer:
        holder.start()  # the page is answered with the lock held: its store write waits
        return 200, {}, article("The port answers the council")

    links = "".join(f'<a href="{path}">story</a> ' for path in ARTICLES)
    routes: dict[str, Any] = {"/": (200, {}, html(links)), TRIGGER: trigger}
    routes.update({path: slow(f"The council meets {n}") for n, path in enumerate(ARTICLES)
                   if path != TRIGGER})
    return routes


@pytest.mark.parametrize("shared", [False, True], ids=["commit-every-page", "shared-in-redis"])
def test_the_reactor_runs_while_the_store_waits_for_its_lock(tmp_path, request, shared):
    archive, out = tmp_path / "archive", tmp_path / "watch.json"
    holder = LockHolder(archive / "articles.sqlite")
    extra = (["--redis", request.getfixturevalue("redis_url")] if shared
             else ["-s", "STORE_COMMIT_EVERY=1"])
    with serve(_routes(holder)) as site:
        done = subprocess.run(
            [sys.executable, "-m", "tests.crawl.lockwatch", str(out), site.url,
             "--archive-dir", str(archive), *FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
             "-s", "EXTRACT_WORKERS=1", "-s", "PROGRESS_ENABLED=false", *extra],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    assert holder.error is None and holder.span is not None, holder.error
    watch = json.loads(out.read_text())
    start, end = holder.span
    waits = [waited for sent, waited in watch["pings"] if start <= sent <= end]
    assert len(waits) >= 10, watch["pings"][-20:]  # the reactor was watched while held
    assert max(waits) < MAX_REACTOR_WAIT, max(waits)
    # Store writes ran on a thread of their own, never on the reactor's.
    assert watch["add_page_threads"] and watch["reactor_threads"]
    assert not set(watch["add_page_threads"]) & set(watch["reactor_threads"])
    # Nothing was lost to the wait: every article is stored.
    with open_store(archive) as store:
        stored = {a.url for a in store.iter_articles()}
    assert {site.url.rstrip("/") + path for path in ARTICLES} <= stored
