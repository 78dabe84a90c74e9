"""Resume without waste: after SIGKILL, nothing with a complete WARC record is fetched again."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from tests.conftest import REPO_ROOT
from tests.crawl.helpers import FAST, crawl, stored_articles, warc_response_uris

pytestmark = pytest.mark.slow


def _kill_after(demo, archive, article_requests: int) -> None:
    """Start a crawl and SIGKILL it once the site has served that many article pages."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "crawl", demo.url, "--archive-dir", str(archive),
         *FAST, "-s", "DOWNLOAD_DELAY=0.03"],
        cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        if sum("/2024/" in path for path in demo.requests) >= article_requests:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)


def test_resume_after_sigkill_fetches_no_archived_article_again(demo, tmp_path):
    archive = tmp_path / "a"
    _kill_after(demo, archive, 25)
    _kill_after(demo, archive, 60)
    assert list((archive / "warc").glob("*.open")), "the kill should leave a WARC open"
    run = crawl(archive, demo.url)
    assert "Resumed from the WARCs of an unfinished crawl" in run.stdout
    articles = Counter(uri for uri in warc_response_uris(archive) if "/2024/" in uri)
    assert len(articles) == 120
    refetched = sorted(uri for uri, count in articles.items() if count > 1)
    assert refetched == []  # each article has exactly one capture: none fetched twice
    assert len(stored_articles(archive)) == 120  # articles in the store = article responses
    assert not list((archive / "warc").glob("*.open"))


def test_no_false_resume_after_a_crawl_with_a_timeout(tmp_path):
    """A crawl that finished with a failed fetch (a timeout) is not an "unfinished crawl"."""
    import time

    from tests.crawl.helpers import FAST, crawler
    from tests.crawl.sitekit import html, serve

    def slow(_site):
        time.sleep(2.5)
        return (200, {}, html("late"))

    with serve({"/": (200, {}, html('<a href="/slow">s</a>')), "/slow": slow}) as site:
        args = ("crawl", "--archive-dir", str(tmp_path), *FAST, site.url,
                "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMEOUT_TIMES=0")
        first = crawler(*args)
        assert first.returncode == 1 and "timeout 1" in first.stdout, first.stdout
        again = crawler(*args)
    assert "Resumed" not in again.stdout, again.stdout
