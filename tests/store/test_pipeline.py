"""StorePipeline under a Scrapy crawler: PageItems in, store rows and conversion records out."""

from __future__ import annotations

import asyncio

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.extract import extract
from crawler.shell.extensions.warc import WarcWriterExtension, warc_writer_for
from crawler.shell.items import PageItem
from crawler.shell.pipelines.store import StorePipeline
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
    pipe.open_spider()
    yield pipe
    pipe.close_spider()
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
    pipeline.close_spider()
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
