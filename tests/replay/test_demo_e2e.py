"""End to end: crawl the demo site twice (so revisits exist), replay it through pywb, package it."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import lxml.html
import pytest
from markupsafe import escape
from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_timestamp

from crawler.store import open_store
from tests.conftest import free_port
from tests.replay.browser import dump_dom, why_chromium_cannot_run
from tests.replay.replayhelp import (
    REPO,
    archived_responses,
    fetch,
    free_ports,
    replay_of,
    run_cli,
    running_replay,
)

pytestmark = pytest.mark.slow

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]


@contextlib.contextmanager
def demo_site(port: int):
    """`crawler demo-site` on 127.0.0.1:port (a fixed port: both crawls see the same URLs)."""
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "demo-site", "--port", str(port)],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not _answers(f"http://127.0.0.1:{port}/robots.txt"):
            assert proc.poll() is None and time.monotonic() < deadline, "demo site did not start"
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        return fetch(url, timeout=2).status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def demo_archive(tmp_path_factory) -> Path:
    """An archive folder holding two crawls of the same demo site (the second one: revisits)."""
    root = tmp_path_factory.mktemp("demo") / "archive"
    with demo_site(free_port()) as seed:
        # The second crawl is --full: an incremental one would spend its budget on new pages.
        for extra in ([], ["--full"]):
            result = run_cli("crawl", seed, "--archive-dir", str(root), "--max-pages", "30",
                             *extra, *FAST, timeout=180)
            assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.fixture(scope="module")
def demo_replay(demo_archive):
    """`crawler replay` of the demo archive."""
    with running_replay(demo_archive, free_ports()) as base:
        yield base, demo_archive


def _articles(root: Path) -> list:
    with open_store(root, create=False) as store:
        return list(store.iter_articles())


def test_every_archived_html_page_replays_byte_equal(demo_replay):
    base, root = demo_replay
    pages = [r for r in archived_responses(root / "warc") if "html" in r.content_type]
    assert len(pages) >= 20
    print(f"{len(pages)} archived HTML responses compared")
    for page in pages:
        answer = fetch(f"{base}/archive/{page.timestamp}id_/{page.url}")
        assert str(answer.status) == page.status, page.url
        assert answer.body == page.decoded, page.url
        coded = fetch(f"{base}/archive/{page.timestamp}id_/{page.url}",
                      {"Accept-Encoding": "gzip"})
        assert coded.body == page.dechunked, page.url


def test_revisits_replay_the_original_payload(demo_replay):
    base, root = demo_replay
    originals = {(r.url, r.timestamp): r.decoded for r in archived_responses(root / "warc")}
    revisits = []
    for path in sorted((root / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "revisit":
                    h = record.rec_headers
                    revisits.append((h.get_header("WARC-Target-URI"),
                                     iso_date_to_timestamp(h.get_header("WARC-Date")),
                                     iso_date_to_timestamp(h.get_header("WARC-Refers-To-Date")),
                                     h.get_header("WARC-Refers-To-Target-URI")))
    assert len(revisits) >= 10, "the second crawl should have written revisits"
    print(f"{len(revisits)} revisits compared")
    for url, ts, ref_ts, ref_url in revisits:
        answer = fetch(f"{base}/archive/{ts}id_/{url}")
        assert answer.status == 200, url
        assert answer.headers["memento-datetime"], url
        assert answer.body == originals[(ref_url, ref_ts)], url


def test_rewritten_article_shows_its_headline(demo_replay):
    base, root = demo_replay
    article = _articles(root)[0]
    ts = iso_date_to_timestamp(article.fetched_at)
    text = fetch(f"{base}/archive/{ts}/{article.url}").body.decode()
    assert article.title and article.title in text
    listing = fetch(base + "/").body.decode()  # the archive browser, newest first
    newest = iso_date_to_timestamp(article.last_seen)
    assert f'href="{replay_of(base)}/archive/{newest}/{article.url}">replay</a>' in listing
    assert f">{escape(article.title)}</a>" in listing


@pytest.mark.browser
def test_chromium_reads_the_first_paragraph_of_a_replayed_article(demo_replay):
    reason = why_chromium_cannot_run()
    if reason:
        pytest.skip(reason)
    base, root = demo_replay
    article = next(a for a in _articles(root) if len(a.text) > 200)
    first = " ".join(article.text.split("\n\n")[0].split())
    ts = iso_date_to_timestamp(article.fetched_at)
    dom = dump_dom(f"{base}/archive/{ts}/{article.url}")
    page_text = " ".join(lxml.html.fromstring(dom).text_content().split())
    assert first[:300] in page_text


def test_wacz_of_the_demo_crawl_validates(demo_archive, tmp_path):
    out = tmp_path / "demo.wacz"
    result = run_cli("wacz", "--archive-dir", str(demo_archive), "-o", str(out))
    assert result.returncode == 0, result.stderr
    check = subprocess.run([str(Path(sys.executable).with_name("wacz")), "validate", "-f",
                            str(out)], capture_output=True, text=True, timeout=120)
    assert check.returncode == 0 and "is valid" in check.stdout, check.stdout
    with zipfile.ZipFile(out) as zf:
        pages = zf.read("pages/pages.jsonl").decode().splitlines()[1:]
        warcs = [n for n in zf.namelist() if re.match(r"archive/.+\.warc\.gz$", n)]
    assert len(warcs) == 2
    titles = {a.url: a.title for a in _articles(demo_archive)}
    assert len(pages) == len(titles)
    assert all('"title": ' in line for line in pages)
