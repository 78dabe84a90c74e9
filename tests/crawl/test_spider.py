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
from crawler.frontier import TASK_META_KEY, CrawlTask
from crawler.shell.items import PageItem
from crawler.shell.middlewares import FrontierMiddleware
from crawler.shell.spiders.news import NewsSpider
from crawler.shell.spiders.pool import AnalysisPool

BASE = "http://news.example"


@pytest.fixture(autouse=True)
def _release_pool():
    """These spiders are never closed: forget their (inline) shared pool after each test."""
    yield
    AnalysisPool._shared = None


@pytest.fixture
def spider_of():
    """Build spiders (and close their frontiers afterwards)."""
    made = []

    def build(**settings):
        values = {"EXTRACT_WORKERS": 0, "CRAWL_SEEDS": [BASE + "/"], **settings}
        crawler = get_crawler(NewsSpider, values)
        spider = NewsSpider.from_crawler(crawler)
        made.append(spider)
        return spider, crawler

    yield build
    for spider in made:
        spider.frontier.close()


def _run(spider, response):
    async def collect():
        return [x async for x in spider.parse(response)]

    return asyncio.run(collect())


def _response(cls, url, body, role, ctype):
    request = Request(url, meta={TASK_META_KEY: CrawlTask(url, role=role), "depth": 0})
    return cls(url, body=body, headers={"Content-Type": ctype}, request=request)


def _queued(spider):
    """Every task the frontier holds, in the order it hands them out."""
    tasks = []
    while (task := spider.frontier.next_task()) is not None:
        tasks.append(task)
    return tasks


def test_feed_seed_queues_its_articles_newest_first(spider_of):
    spider, crawler = spider_of()
    body = rss(build_site(1), BASE).encode()
    out = _run(spider, _response(TextResponse, BASE + "/feed.xml", body, "seed",
                                 "application/rss+xml"))
    assert out == []  # links go to the frontier, not to Scrapy
    tasks = _queued(spider)
    assert [t.url for t in tasks if t.role == "robots"] == [BASE + "/robots.txt"]
    assert tasks[0].role == "robots"  # sources first
    articles = [t for t in tasks if t.role == "article"]
    assert len(articles) == 120 and all(t.via == "feed" for t in articles)
    assert [t.priority for t in articles] == sorted((t.priority for t in articles), reverse=True)
    assert articles[0].lastmod >= articles[-1].lastmod
    assert crawler.stats.get_value("seeds/feed") == 1


def test_home_page_yields_a_list_page_item_and_queues_its_links(spider_of):
    spider, crawler = spider_of(CRAWL_USE_SITEMAPS=False)
    body = home(build_site(1)).encode()
    out = _run(spider, _response(HtmlResponse, BASE + "/", body, "seed", "text/html"))
    items = [x for x in out if isinstance(x, PageItem)]
    assert len(items) == 1 and not items[0].extraction.is_article
    assert items[0].extraction.page_reason and items[0].task.url == BASE + "/"
    urls = {t.url for t in _queued(spider)}
    assert BASE + "/world/" in urls and BASE + "/feed.xml" in urls
    assert crawler.stats.get_value("pages/list/list-page") == 1


def test_a_url_is_queued_once(spider_of):
    spider, _ = spider_of()
    found = [Discovered(BASE + "/a", "article"), Discovered(BASE + "/a", "article")]
    assert spider.frontier.add_links(found, "links", 1) == 1
    assert spider.frontier.add_links(found[:1], "links", 1) == 0
    assert [t.url for t in _queued(spider)] == [BASE + "/a"]


def test_max_pages_bounds_scheduling_to_a_multiple_of_the_budget(spider_of):
    # The budget is spent in the downloader; the frontier queues 4 tasks per page of it.
    spider, crawler = spider_of(CRAWL_MAX_PAGES=5)
    body = rss(build_site(1), BASE).encode()
    _run(spider, _response(TextResponse, BASE + "/feed.xml", body, "seed",
                           "application/rss+xml"))
    assert len([t for t in _queued(spider) if t.role == "article"]) == 20
    assert crawler.stats.get_value("discovery/not_scheduled") == 100


def test_page_budget_is_spent_in_the_downloader_once_per_request(spider_of):
    spider, crawler = spider_of(CRAWL_MAX_PAGES=2)
    budget = FrontierMiddleware.from_crawler(crawler)
    free = [Request(BASE + "/robots.txt", meta={TASK_META_KEY: CrawlTask("r", role="robots")}),
            Request(BASE + "/robots.txt"), Request("data:,x")]
    for request in free:
        budget.process_request(request)
    first = Request(BASE + "/a", meta={TASK_META_KEY: CrawlTask(BASE + "/a", role="article")})
    budget.process_request(first)
    budget.process_request(first.replace(url=BASE + "/a2"))  # a redirect: same task
    budget.process_request(Request(BASE + "/b", meta={
        TASK_META_KEY: CrawlTask(BASE + "/b", role="list")}))
    assert spider.frontier.budget_spent
    refused = Request(BASE + "/c", meta={TASK_META_KEY: CrawlTask(BASE + "/c", role="article")})
    with pytest.raises(IgnoreRequest):
        budget.process_request(refused)
    assert refused.meta[TASK_META_KEY].budget == "refused"
    assert crawler.stats.get_value("discovery/budget_exhausted") == 1
    assert spider.frontier.add_links([Discovered(BASE + "/d", "article")], "links", 1) == 0


def test_seed_that_is_not_a_document_is_reported(spider_of):
    spider, _ = spider_of()
    out = _run(spider, _response(TextResponse, BASE + "/logo.png", b"\x89PNG\r\n\x1a\n\0\0\0",
                                 "seed", "image/png"))
    assert out == []
    assert "neither an HTML page, a feed nor a sitemap" in spider.seed_problems[0]


def test_seed_redirected_to_another_host_brings_it_into_scope(spider_of):
    spider, _ = spider_of(CRAWL_USE_SITEMAPS=False)
    body = home(build_site(1)).encode()
    # The seed was news.example; the response came from www.news-example.org after a redirect.
    _run(spider, _response(HtmlResponse, "http://www.news-example.org/", body, "seed",
                           "text/html"))
    assert "http://www.news-example.org/world/" in {t.url for t in _queued(spider)}
