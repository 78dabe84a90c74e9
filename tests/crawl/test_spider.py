"""The news spider's callbacks on hand-built responses (analysis inline, no network)."""

from __future__ import annotations

import asyncio

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.utils.test import get_crawler

from crawler.demosite import build_site
from crawler.demosite.pages import home
from crawler.demosite.xmldocs import rss
from crawler.discovery import Discovered
from crawler.items import PageItem
from crawler.pagebudget import PageBudgetMiddleware
from crawler.spiders.news import NewsSpider
from crawler.spiders.pool import AnalysisPool

BASE = "http://news.example"


@pytest.fixture(autouse=True)
def _release_pool():
    """These spiders are never closed: forget their (inline) shared pool after each test."""
    yield
    AnalysisPool._shared = None


def _spider(**settings):
    values = {"EXTRACT_WORKERS": 0, "CRAWL_SEEDS": [BASE + "/"], **settings}
    crawler = get_crawler(NewsSpider, values)
    spider = NewsSpider.from_crawler(crawler)
    return spider, crawler


def _run(spider, response):
    async def collect():
        return [x async for x in spider.parse(response)]

    return asyncio.run(collect())


def _response(cls, url, body, role, ctype):
    request = Request(url, meta={"page_role": role, "depth": 0})
    return cls(url, body=body, headers={"Content-Type": ctype}, request=request)


def test_feed_seed_schedules_its_articles_newest_first():
    spider, crawler = _spider()
    body = rss(build_site(1), BASE).encode()
    out = _run(spider, _response(TextResponse, BASE + "/feed.xml", body, "seed",
                                 "application/rss+xml"))
    articles = [r for r in out if r.meta.get("page_role") == "article"]
    assert len(articles) == 120
    assert articles[0].priority >= articles[-1].priority
    assert all(r.meta["discovered_via"] == "feed" for r in articles)
    robots = [r for r in out if r.meta.get("page_role") == "robots"]
    assert [r.url for r in robots] == [BASE + "/robots.txt"]
    assert crawler.stats.get_value("seeds/feed") == 1


def test_home_page_yields_links_and_a_list_page_item():
    spider, crawler = _spider(CRAWL_USE_SITEMAPS=False)
    body = home(build_site(1)).encode()
    out = _run(spider, _response(HtmlResponse, BASE + "/", body, "seed", "text/html"))
    items = [x for x in out if isinstance(x, PageItem)]
    requests = [x for x in out if isinstance(x, Request)]
    assert len(items) == 1 and not items[0].extraction.is_article
    assert items[0].extraction.page_reason
    urls = {r.url for r in requests}
    assert BASE + "/world/" in urls and BASE + "/feed.xml" in urls
    assert crawler.stats.get_value("pages/list/list-page") == 1


def test_max_pages_bounds_scheduling_to_a_multiple_of_the_budget():
    # The budget is spent in the downloader; the spider queues 4 requests per page of it.
    spider, crawler = _spider(CRAWL_MAX_PAGES=5)
    body = rss(build_site(1), BASE).encode()
    out = _run(spider, _response(TextResponse, BASE + "/feed.xml", body, "seed",
                                 "application/rss+xml"))
    assert len([r for r in out if r.meta.get("page_role") == "article"]) == 20
    assert crawler.stats.get_value("discovery/not_scheduled") == 100


def test_page_budget_is_spent_in_the_downloader_once_per_request():
    spider, crawler = _spider(CRAWL_MAX_PAGES=2)
    crawler.spider = spider
    budget = PageBudgetMiddleware.from_crawler(crawler)
    free = [Request(BASE + "/robots.txt", meta={"page_role": "robots"}),
            Request(BASE + "/robots.txt"), Request("data:,x", meta={"page_role": "internal"})]
    for request in free:
        budget.process_request(request)
    first = Request(BASE + "/a", meta={"page_role": "article"})
    budget.process_request(first)
    budget.process_request(first.replace(url=BASE + "/a2"))  # a redirect: meta copied
    budget.process_request(Request(BASE + "/b", meta={"page_role": "list"}))
    assert spider._budget_spent
    refused = Request(BASE + "/c", meta={"page_role": "article"})
    with pytest.raises(IgnoreRequest):
        budget.process_request(refused)
    assert refused.meta["page_budget_refused"]
    assert crawler.stats.get_value("discovery/budget_exhausted") == 1
    assert spider._request(Discovered(BASE + "/d", "article")) is None


def test_seed_that_is_not_a_document_is_reported():
    spider, _ = _spider()
    out = _run(spider, _response(TextResponse, BASE + "/logo.png", b"\x89PNG\r\n\x1a\n\0\0\0",
                                 "seed", "image/png"))
    assert out == []
    assert "neither an HTML page, a feed nor a sitemap" in spider.seed_problems[0]


def test_seed_redirected_to_another_host_brings_it_into_scope():
    spider, _ = _spider(CRAWL_USE_SITEMAPS=False)
    body = home(build_site(1)).encode()
    # The seed was news.example; the response came from www.news-example.org after a redirect.
    out = _run(spider, _response(HtmlResponse, "http://www.news-example.org/", body, "seed",
                                 "text/html"))
    urls = {r.url for r in out if isinstance(r, Request)}
    assert "http://www.news-example.org/world/" in urls
