"""StorePipeline under a Scrapy crawler: PageItems in, store rows and conversion records out."""

from __future__ import annotations

import asyncio
import sqlite3
import threading

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.exceptions import UserError
from crawler.extract import extract
from crawler.shell.extensions.warc import WarcWriterExtension, warc_writer_for
from crawler.shell.items import PageItem
from crawler.shell.pipelines.store import StorePipeline, close_left_open
from crawler.store import open_store, read_warc_record
from tests.store.warcs import article_html, unique_text, write_warc

URL = "http://news.test/2026/11/25/harbour-reopens"


def item(html: bytes, warc: dict, fetched_at: str, url: str = URL) -> PageItem:
    """A PageItem as the news spider yields it, with a real extraction."""
    return PageItem(
        url=url, requested_url=url, site="news", status=200, fetched_at=fetched_at,
        crawl_id="crawl-7", extraction=extract(html, url), warc=warc,
        http_headers={"etag": '"v1"', "Content-Type": "text/html"},
    )


def _process(pipeline: StorePipeline, thing: object) -> object:
    """Run the (async) process_item to completion, as Scrapy's reactor would."""
    return asyncio.run(pipeline.process_item(thing))


@pytest.fixture
def pipeline(tmp_path):
    """A StorePipeline on a crawler whose WARC writer is real (conversion records)."""
    crawler = get_crawler(settings_dict={"ARCHIVE_DIR": str(tmp_path), "WARC_CDXJ": False,
                                         "WARC_DEDUP": False, "EXTRACT_WORKERS": "1"})
    writer = WarcWriterExtension.from_crawler(crawler).writer
    pipe = build_from_crawler(StorePipeline, crawler)
    asyncio.run(pipe.open_spider())
    yield pipe
    asyncio.run(pipe.close_spider())
    writer.close()


def test_pages_versions_and_conversion_records(pipeline, tmp_path):
    (tmp_path / "warc").mkdir(exist_ok=True)
    old, new = article_html("Harbour", unique_text(1)), article_html("Harbour", unique_text(2))
    home = b"<html><body>" + b"<a href='/a'>a story</a> " * 40 + b"</body></html>"
    locs = write_warc(tmp_path / "warc" / "resp.warc.gz", [
        (URL, old, "2026-11-25T10:00:00Z"), (URL, old, "2026-11-25T11:00:00Z"),
        (URL, new, "2026-11-25T12:00:00Z"), ("http://news.test/", home, "2026-11-25T10:00:00Z")])
    for (html, date), loc in zip([(old, "2026-11-25T10:00:00Z"), (old, "2026-11-25T11:00:00Z"),
                                  (new, "2026-11-25T12:00:00Z")], locs, strict=False):
        assert isinstance(_process(pipeline, item(html, loc, date)), PageItem)
    _process(pipeline, item(home, locs[3], "2026-11-25T10:00:00Z", "http://news.test/"))
    assert _process(pipeline, {"other": "item"}) == {"other": "item"}
    stats = pipeline.crawler.stats
    assert stats.get_value("store/new_version") == 2
    assert stats.get_value("store/unchanged") == 1
    assert stats.get_value("store/conversion_records") == 2
    asyncio.run(pipeline.close_spider())
    warc_writer_for(pipeline.crawler).close()
    with open_store(tmp_path, create=False) as store:
        versions = store.versions(URL)
        state = store.capture_state(URL)
        pages = list(store.iter_pages())
    assert [(v.version, v.captures, v.crawl_id) for v in versions] == [(1, 2, "crawl-7"),
                                                                       (2, 1, "crawl-7")]
    assert state.etag == '"v1"' and state.versions == 2
    assert [p.is_article for p in pages] == [True, True, True, False]
    for version in versions:
        conversion = read_warc_record(version, tmp_path, conversion=True)
        assert conversion.refers_to == version.warc_record_id
        assert conversion.payload.decode() == version.text
        assert version.cluster_id is not None and version.cluster_similarity is not None


def test_store_can_be_switched_off(tmp_path):
    crawler = get_crawler(settings_dict={"ARCHIVE_DIR": str(tmp_path), "STORE_ENABLED": False})
    with pytest.raises(NotConfigured):
        build_from_crawler(StorePipeline, crawler)


def _writer_threads() -> list[threading.Thread]:
    """The store pipeline's writer threads still alive."""
    return [t for t in threading.enumerate() if t.name.startswith("store-writer")]


def _stored_pages(archive) -> int:
    """Pages a reader of the store sees (committed ones)."""
    with open_store(archive, create=False) as store:
        return store.counts()["pages"]


def _three_pages(tmp_path) -> list[PageItem]:
    """Three captures of distinct articles, archived in a real WARC."""
    (tmp_path / "warc").mkdir(exist_ok=True)
    pages = [(f"{URL}-{n}", article_html(f"Story {n}", unique_text(10 + n)),
              "2026-11-25T10:00:00Z") for n in range(3)]
    locs = write_warc(tmp_path / "warc" / "resp.warc.gz", pages)
    return [item(html, loc, date, url) for (url, html, date), loc in zip(pages, locs, strict=True)]


def test_store_writes_run_off_the_loop_thread_and_the_thread_ends_at_close(pipeline, tmp_path):
    from crawler.store import Store

    threads: list[int] = []
    original = Store.add_page

    def add_page(store: Store, record: object) -> object:
        threads.append(threading.get_ident())
        return original(store, record)

    async def crawl() -> int:
        for page in _three_pages(tmp_path):
            await pipeline.process_item(page)
        loop_thread = threading.get_ident()
        await pipeline.close_spider()
        return loop_thread

    Store.add_page = add_page  # type: ignore[method-assign]
    try:
        loop_thread = asyncio.run(crawl())
    finally:
        Store.add_page = original  # type: ignore[method-assign]
    assert len(threads) == 3 and len(set(threads)) == 1 and loop_thread not in threads
    assert _stored_pages(tmp_path) == 3 and not _writer_threads()


def test_a_forced_stop_commits_the_open_batch_and_ends_the_thread(pipeline, tmp_path):
    async def crawl() -> None:
        for page in _three_pages(tmp_path):
            await pipeline.process_item(page)

    asyncio.run(crawl())
    assert _writer_threads()
    assert _stored_pages(tmp_path) == 0  # one batch, open (STORE_COMMIT_EVERY 500)
    close_left_open()  # the reactor stopped at once: no loop runs now
    assert _stored_pages(tmp_path) == 3 and not _writer_threads()
    assert asyncio.run(pipeline.process_item(_three_pages(tmp_path)[0])) is not None


def test_a_store_that_cannot_be_opened_ends_its_thread(tmp_path):
    (tmp_path / "articles.sqlite").write_bytes(b"not a database, just some bytes" * 100)
    crawler = get_crawler(settings_dict={"ARCHIVE_DIR": str(tmp_path), "EXTRACT_WORKERS": "1"})
    pipe = build_from_crawler(StorePipeline, crawler)
    with pytest.raises(UserError, match="articles.sqlite"):
        asyncio.run(pipe.open_spider())
    assert not _writer_threads()


def test_a_page_waiting_for_the_stores_lock_leaves_the_loop_free_and_counts_as_in_hand(
    pipeline, tmp_path,
):
    (tmp_path / "warc").mkdir(exist_ok=True)
    home = b"<html><body>" + b"<a href='/a'>a story</a> " * 40 + b"</body></html>"
    [loc] = write_warc(tmp_path / "warc" / "home.warc.gz",
                       [("http://news.test/", home, "2026-11-25T10:00:00Z")])
    page = item(home, loc, "2026-11-25T10:00:00Z", "http://news.test/")  # no sketch: a list
    blocker = sqlite3.connect(tmp_path / "articles.sqlite", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer of the file holds its lock

    async def crawl() -> tuple[int, int, int]:
        stored = asyncio.ensure_future(pipeline.process_item(page))
        ticks = 0
        while pipeline.pool.queued == 0 and ticks < 200:
            await asyncio.sleep(0.01)
            ticks += 1
        in_hand = pipeline.pool.queued
        for _ in range(20):  # the loop runs while the page waits for the lock
            await asyncio.sleep(0.01)
            ticks += 1
        waiting = not stored.done()
        blocker.execute("ROLLBACK")
        await stored
        return in_hand, int(waiting), pipeline.pool.queued

    try:
        in_hand, waiting, after = asyncio.run(crawl())
    finally:
        blocker.close()
    assert (in_hand, waiting, after) == (1, 1, 0)
    assert pipeline.crawler.stats.get_value("store/not_article") == 1
