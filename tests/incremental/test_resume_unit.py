"""resume_from_warcs: which WARC files it reconciles, what it adds to the store and fetch log."""

from __future__ import annotations

import subprocess
from pathlib import Path

from crawler.archive import WarcWriter, WireExchange
from crawler.incremental.fetchlog import FetchLog
from crawler.incremental.resume import mark_reconciled, resume_from_warcs
from crawler.store import open_store
from tests.store.warcs import article_html, unique_text


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _warc_of_dead_crawl(archive: Path, url: str) -> Path:
    """A finished WARC holding one article, named as if a crawl now gone had written it."""
    body = article_html("Flood defences hold", unique_text(3))
    ex = WireExchange(url=url, peer_ip="192.0.2.7")
    ex.add_sent(b"GET / HTTP/1.1\r\nHost: news.test\r\n\r\n")
    ex.add_received(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
                    + str(len(body)).encode() + b"\r\n\r\n" + body)
    ex.finish_response()
    ex.close()
    writer = WarcWriter(archive)
    writer.write_exchange(ex)
    (path,) = writer.close()
    dead = path.with_name(path.name.replace(f"-{path.name.split('-')[-1]}",
                                            f"-{_dead_pid()}.warc.gz"))
    path.rename(dead)
    return dead


def test_a_dead_crawls_files_are_reconciled_once(tmp_path):
    archive = tmp_path / "a"
    legacy = _warc_of_dead_crawl(archive, "http://news.test/2026/old-story")
    first = resume_from_warcs(archive, jobs=1)
    assert first.files == []  # an archive older than the table: its files count as known
    fresh = _warc_of_dead_crawl(archive, "http://news.test/2026/new-story")
    second = resume_from_warcs(archive, jobs=1)
    assert second.files == [fresh] and second.captures == 1 and second.stored == 1
    assert "1 captures counted as fetched, 1 pages added to the store" in second.summary()
    with open_store(archive) as store:
        assert [a.url for a in store.iter_articles()] == ["http://news.test/2026/new-story"]
    log = FetchLog(archive)
    assert log.get("http://news.test/2026/new-story").status == 200
    log.close()
    assert resume_from_warcs(archive, jobs=1).files == []  # marked: not read again
    assert legacy.exists()


def test_files_of_a_clean_crawl_are_not_read(tmp_path):
    archive = tmp_path / "a"
    resume_from_warcs(archive, jobs=1)  # a new archive: the table exists from now on
    path = _warc_of_dead_crawl(archive, "http://news.test/2026/story")
    mark_reconciled(archive, [path])
    assert resume_from_warcs(archive, jobs=1).files == []
