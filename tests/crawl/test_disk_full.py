"""A full disk mid-crawl: one line, exit 1, every record readable, store consistent, resumable."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from collections import Counter

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import REPO_ROOT
from tests.crawl.helpers import FAST, crawl, crawler, stored_articles, warc_response_uris

pytestmark = pytest.mark.slow


@pytest.fixture
def small_disk(tmp_path):
    """A 1.2 MB tmpfs (the demo archives about 2 MB); skipped where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1200k", "tmpfs", str(mount)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _all_records_readable(archive) -> int:
    count = 0
    for path in sorted((archive / "warc").iterdir()):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                record.content_stream().read()
                count += 1
    return count


def _html_captures(archive) -> set[str]:
    """Record IDs of the 200 HTML responses in the archive's WARCs."""
    found = set()
    for path in sorted((archive / "warc").iterdir()):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                http = record.http_headers
                if (record.rec_type == "response" and http is not None
                        and http.get_statuscode() == "200"
                        and "html" in (http.get_header("Content-Type") or "")):
                    found.add(record.rec_headers.get_header("WARC-Record-ID"))
    return found


def _fill(folder) -> None:
    """Take every free byte of the file system that holds ``folder``."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 65536)
    except OSError:
        pass
    finally:
        os.close(fd)


def _held(archive) -> tuple[int, int, int]:
    """Pages, article versions and article pages without their version, as a reader sees them."""
    conn = sqlite3.connect(f"file:{archive / 'articles.sqlite'}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return conn.execute(
            "SELECT count(*), (SELECT count(*) FROM articles), "
            "coalesce(sum(is_article = 1 AND article_id IS NULL), 0) FROM pages").fetchone()
    finally:
        conn.close()


def test_the_store_keeps_every_commit_when_the_disk_fills(small_disk):
    """What the store committed before the disk filled outlives the refused batch, the failed
    close (the pipeline's path: close, else abandon) and the WAL left behind, full or not."""
    from crawler.store import Store
    from tests.store.warcs import page_record, unique_text

    def page(i: int):
        warc = {"filename": "a.warc.gz", "offset": i * 1000, "length": 900,
                "record_id": f"<urn:uuid:{i:08d}-0000-0000-0000-000000000000>"}
        return page_record(f"http://127.0.0.1/2024/story-{i}", unique_text(i, 40),
                           "2026-11-20T10:00:00Z", warc)

    store = Store(small_disk, commit_every=10_000, create=True)
    for i in range(30):
        store.add_page(page(i))
        if i % 10 == 9:
            store.commit()
    committed = 30
    _fill(small_disk)
    with pytest.raises(sqlite3.OperationalError, match="full"):
        for i in range(30, 3000):
            store.add_page(page(i))
            if i % 10 == 9:
                store.commit()
                committed = i + 1
    try:
        store.close()
    except sqlite3.Error:
        store.abandon()
    assert committed >= 30
    assert _held(small_disk) == (committed, committed, 0)  # the disk still full
    (small_disk / "filler").unlink()
    with Store(small_disk) as reopened:
        assert reopened.counts()["articles"] == committed
        reopened.add_page(page(5000))
    assert _held(small_disk) == (committed + 1, committed + 1, 0)


def test_disk_full_stops_the_crawl_and_the_next_crawl_resumes(demo, small_disk):
    archive = small_disk / "a"
    run = crawler("crawl", demo.url, "--archive-dir", str(archive), *FAST, timeout=120)
    assert run.returncode == 1, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr + run.stdout
    assert "Logging error" not in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("crawler crawl: error: ") and "has free space" in last, last
    assert "No space left on device" in last or "disk is full" in last, last
    assert "[archive_error]" in run.stdout
    fetched_before = len(demo.requests)
    assert fetched_before < 150  # it stopped: it did not go on fetching the whole site
    assert _all_records_readable(archive) > 0
    conn = sqlite3.connect(archive / "articles.sqlite")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = conn.execute("SELECT count(*) FROM pages WHERE is_article = 1").fetchone()[0]
    conn.close()
    # The summary counts the articles the store holds, not those extracted and then lost.
    said = re.search(r"^  \S+: \d+ pages fetched, (\d+) articles", run.stdout, re.M)
    assert said and int(said.group(1)) == stored, (run.stdout, stored)
    # Room again: the next crawl resumes, and nothing already archived is fetched twice.
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    assert "Resumed from the WARCs" in crawl(archive, demo.url).stdout
    articles = Counter(u for u in warc_response_uris(archive) if "/2024/" in u)
    assert len(articles) == 120 and max(articles.values()) == 1
    missing = {u for u in articles if u.split("/", 3)[3] not in
               {p.lstrip("/") for p in stored_articles(archive)}}
    assert not missing  # articles in the store = article responses in the WARCs
    _all_records_readable(archive)
    # Every HTML page the WARCs hold, the disk-full crawl's too, has its decision stored.
    conn = sqlite3.connect(archive / "articles.sqlite")
    held = {row[0] for row in conn.execute("SELECT capture_key FROM pages")}
    conn.close()
    pages = _html_captures(archive)
    assert len(pages) >= 183  # the demo's 120 articles and 63 other pages
    assert not set(pages) - held, sorted(set(pages) - held)[:5]
    assert _held(archive)[2] == 0  # no article page without its version


def test_archive_folder_gone_mid_crawl_stops_with_one_line(demo, tmp_path):
    """The WARC folder replaced by a file mid-crawl (a lost mount, say): stop, keep, resume."""
    import time

    archive = tmp_path / "a"
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "crawl", demo.url, "--archive-dir", str(archive),
         *FAST, "-s", "DOWNLOAD_DELAY=0.05", "-s", "WARC_MAX_SIZE=30000"],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    while len(demo.requests) < 40 and time.monotonic() < deadline:
        time.sleep(0.05)
    (archive / "warc").rename(archive / "moved")
    (archive / "warc").write_text("not a folder any more")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, (out, err)
    last = err.strip().splitlines()[-1]
    assert "cannot write WARC records" in last and "Traceback" not in err, err
    assert len(demo.requests) < 188  # it stopped instead of fetching pages it cannot keep
    (archive / "warc").unlink()
    (archive / "moved").rename(archive / "warc")
    assert _all_records_readable(archive) > 0
    crawl(archive, demo.url)
    assert len(stored_articles(archive)) == 120
    articles = Counter(u for u in warc_response_uris(archive) if "/2024/" in u)
    assert len(articles) == 120 and max(articles.values()) == 1
