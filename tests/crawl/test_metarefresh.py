"""Meta refresh redirects are found in a page's head without decoding the whole page."""

from __future__ import annotations

from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.settings import DOWNLOADER_MIDDLEWARES
from crawler.shell.metarefresh import HEAD_BYTES, HeadMetaRefreshMiddleware

URL = "http://news.example/old-story"
FILLER = "<p>" + "A long paragraph of the story, repeated to make a large page. " * 40 + "</p>"


def _middleware() -> HeadMetaRefreshMiddleware:
    return HeadMetaRefreshMiddleware.from_crawler(get_crawler(settings_dict={}))


def _page(head: str, paragraphs: int = 200) -> HtmlResponse:
    body = f"<html><head>{head}</head><body>{FILLER * paragraphs}</body></html>".encode()
    assert len(body) > 4 * HEAD_BYTES
    return HtmlResponse(URL, body=body, headers={"Content-Type": "text/html"})


def test_refresh_in_the_head_of_a_large_page_redirects() -> None:
    response = _page('<meta http-equiv="refresh" content="0; url=/new-story">')
    result = _middleware().process_response(Request(URL), response)
    assert isinstance(result, Request)
    assert result.url == "http://news.example/new-story"


def test_large_page_without_refresh_is_passed_on_undecoded() -> None:
    response = _page("<title>Story</title>")
    result = _middleware().process_response(Request(URL), response)
    assert result is response
    # Not decoded: Scrapy's middleware would have left the decoded text cached on it.
    assert getattr(response, "_cached_ubody", None) is None


def test_small_page_and_long_delay_behave_as_in_scrapy() -> None:
    small = HtmlResponse(URL, body=b'<meta http-equiv="refresh" content="0; url=/b">',
                         headers={"Content-Type": "text/html"})
    assert isinstance(_middleware().process_response(Request(URL), small), Request)
    slow = _page('<meta http-equiv="refresh" content="600; url=/new-story">')
    assert _middleware().process_response(Request(URL), slow) is slow


def test_the_crawl_uses_it_instead_of_scrapys() -> None:
    assert DOWNLOADER_MIDDLEWARES["scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware"] \
        is None
    assert "crawler.shell.metarefresh.HeadMetaRefreshMiddleware" in DOWNLOADER_MIDDLEWARES
