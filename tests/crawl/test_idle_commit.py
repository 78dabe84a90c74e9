"""A quiet crawl's stored pages reach readers of the store before the next page arrives."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from crawler.exceptions import StoreNotFound
from crawler.store import open_store
from tests.conftest import FAST, REPO_ROOT
from tests.crawl.sitekit import Answer, Site, article, html, serve

pytestmark = pytest.mark.slow

#: More than EXTRACT_WARMUP_PAGES: the site's early articles are not held back for its profile.
FAST_PAGES = [f"/2024/05/{day:02d}/the-council-meets-about-the-port-{day}" for day in range(1, 11)]
SLOW = "/2024/05/20/the-port-answers-the-council-slowly"


def _stored_urls(archive: Path) -> set[str]:
    """Article URLs a reader of the store sees now (none while it does not exist)."""
    try:
        with open_store(archive) as store:
            return {a.url for a in store.iter_articles()}
    except StoreNotFound:
        return set()


def test_a_slow_crawls_articles_are_visible_before_the_crawl_ends(tmp_path):
    release = threading.Event()

    def slow(site: Site) -> Answer:
        release.wait(25)  # the next page is long in coming: nothing else makes the store commit
        return 200, {}, article("The port answers")

    links = "".join(f'<a href="{path}">story</a> ' for path in [*FAST_PAGES, SLOW])
    routes: dict[str, Any] = {"/": (200, {}, html(links)), SLOW: slow}
    routes.update({path: (200, {}, article(f"The council meets {n}"))
                   for n, path in enumerate(FAST_PAGES)})
    with serve(routes) as site:
        proc = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "crawl", "--archive-dir", str(tmp_path),
             *FAST, site.url], cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        try:
            wanted = {site.url.rstrip("/") + path for path in FAST_PAGES}
            seen: set[str] = set()
            deadline = time.monotonic() + 20
            while not wanted <= seen and time.monotonic() < deadline:
                time.sleep(0.25)
                seen = _stored_urls(tmp_path)
            # The slow page is still being answered, so the crawl cannot have ended.
            crawl_running = proc.poll() is None
        finally:
            release.set()
            out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert crawl_running and SLOW in site.paths()
    # Every fast article was stored before the slow page came; the last of them is committed
    # by no later write: only the idle commit makes it visible while the crawl waits.
    assert wanted <= seen, f"uncommitted while the crawl waited: {sorted(wanted - seen)}"
    assert site.url.rstrip("/") + SLOW in _stored_urls(tmp_path)
