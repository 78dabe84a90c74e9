"""End to end: ``crawler crawl`` in a subprocess against the demo site on a free port."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from crawler.demosite import DemoSiteServer, build_site
from crawler.demosite.model import SYNDICATED
from crawler.demosite.server import REQUISITE_PATHS
from tests.crawl.helpers import crawl, crawler, stored_articles, stored_pages, warc_response_uris

pytestmark = pytest.mark.slow


def test_full_crawl_finds_every_article_and_stores_no_list_page(demo_crawl, article_paths):
    archive = demo_crawl.archive
    articles = stored_articles(archive)
    assert set(articles) == article_paths
    pages = stored_pages(archive)
    for path in ("/", "/world/", "/world/page/2/", "/author/elif-moreau/", "/tag/economy/",
                 "/opinion/"):
        assert path in pages and not pages[path].is_article, (path, pages.get(path))
        assert pages[path].page_reason  # the decision says why
    # robots.txt disallows /private/, which every page links to.
    assert "/robots.txt" in demo_crawl.requests
    assert not [p for p in demo_crawl.requests if p.startswith("/private/")]
    assert "Crawl finished" in demo_crawl.stdout and "120 articles" in demo_crawl.stdout
    assert str(archive / "articles.sqlite") in demo_crawl.stdout
    assert "WARC files:" in demo_crawl.stdout and ".warc.gz" in demo_crawl.stdout
    assert len(warc_response_uris(archive)) >= len(pages)
    # The demo's syndicated copies are found: `crawler duplicates` has stories to show.
    listed = crawler("duplicates", "--archive-dir", str(archive), "--json")
    assert listed.returncode == 0, listed.stderr
    clusters: dict[int, set[str]] = {}
    for line in listed.stdout.splitlines():
        row = json.loads(line)
        clusters.setdefault(row["cluster_id"], set()).add(urlsplit(row["url"]).path)
    site = build_site(1)
    pairs = {frozenset({site.articles[a].path, site.articles[b].path}) for a, b in SYNDICATED}
    assert {frozenset(urls) for urls in clusters.values()} == pairs


def test_article_text_is_clean_even_for_the_first_pages(demo_crawl):
    site = build_site(1)
    expected = {a.path: "\n\n".join(a.paragraphs) for a in site.articles}
    teasers = [e.teaser for e in site.editorials]
    articles = stored_articles(demo_crawl.archive)
    dirty = [p for p, a in articles.items() if a.text.strip() != expected[p]]
    assert not dirty, dirty[:3]
    assert not any(t in a.text for a in articles.values() for t in teasers)


def test_links_alone_find_every_article(demo, article_paths, tmp_path):
    crawl(tmp_path, demo.url, "-s", "CRAWL_USE_FEEDS=False", "-s", "CRAWL_USE_SITEMAPS=False")
    assert set(stored_articles(tmp_path)) == article_paths
    # The footer links the feed and the sitemap index, but their entries are not followed.
    assert "/sitemap-news.xml" not in demo.requests


def test_feed_alone_finds_every_article(demo, article_paths, tmp_path):
    crawl(tmp_path, demo.url + "feed.xml",
          "-s", "CRAWL_FOLLOW_LINKS=False", "-s", "CRAWL_USE_SITEMAPS=False")
    assert set(stored_articles(tmp_path)) == article_paths
    assert "/world/" not in demo.requests and "/sitemap-news.xml" not in demo.requests


def test_sitemap_alone_finds_every_article(demo, article_paths, tmp_path):
    crawl(tmp_path, demo.url + "sitemap_index.xml",
          "-s", "CRAWL_FOLLOW_LINKS=False", "-s", "CRAWL_USE_FEEDS=False")
    assert set(stored_articles(tmp_path)) == article_paths
    assert "/feed.xml" not in demo.requests


def test_robots_sitemaps_are_used(demo, article_paths, tmp_path):
    # A seed page that links nowhere useful: only robots.txt's Sitemap line finds the rest.
    crawl(tmp_path, demo.url + "about/", "-s", "CRAWL_FOLLOW_LINKS=False",
          "-s", "CRAWL_USE_FEEDS=False")
    assert "/sitemap_index.xml" in demo.requests
    assert set(stored_articles(tmp_path)) == article_paths


def test_max_pages_holds(demo, tmp_path):
    run = crawl(tmp_path, demo.url, "--max-pages", "25")
    fetched = demo.page_requests
    assert 20 <= len(fetched) <= 25
    pages = [u for u in warc_response_uris(tmp_path) if not u.endswith("/robots.txt")
             and not urlsplit(u).path.startswith(REQUISITE_PATHS)]  # requisites are no pages
    assert len(pages) <= 25
    assert "Crawl finished" in run.stdout


def test_no_seed_crawls_the_bundled_demo_site(tmp_path, bundled_demo_port):
    run = crawler("crawl", "--archive-dir", str(tmp_path), "--max-pages", "30")
    assert run.returncode == 0, run.stderr
    assert "bundled demo site" in run.stdout and "Crawl finished" in run.stdout
    assert "demo:" in run.stdout
    assert stored_pages(tmp_path)
    assert "Traceback" not in run.stderr


def test_sites_file_picks_sites_by_name(demo, tmp_path):
    sites = tmp_path / "sites.toml"
    sites.write_text(
        f'[[site]]\nname = "demo"\nseeds = ["{demo.url}"]\nmax_pages = 12\ninterval = "30m"\n'
        '[site.settings]\nDOWNLOAD_DELAY = 0\n\n'
        '[[site]]\nname = "elsewhere"\nseeds = ["http://127.0.0.1:1/"]\nschedule = "*/5 * * * *"\n'
    )
    run = crawl(tmp_path / "a", "--sites", str(sites), "--site", "demo")
    assert "demo:" in run.stdout and "elsewhere" not in run.stdout
    assert {a.site for a in stored_articles(tmp_path / "a").values()} <= {"demo"}
    assert len(demo.page_requests) <= 12


def test_articles_held_for_warmup_are_stored_when_the_crawl_ends(demo, tmp_path):
    # 5 requests: the feed and 4 articles, never enough pages for the site to get "warm".
    crawl(tmp_path, demo.url + "feed.xml", "--max-pages", "5", "-s", "CRAWL_USE_SITEMAPS=False")
    assert len(stored_articles(tmp_path)) == 4
    assert all(u.startswith("http") for u in warc_response_uris(tmp_path))


def test_newest_articles_first_within_the_page_budget(demo, tmp_path):
    # The news sitemap lists the oldest article first; the budget still goes to the newest.
    crawl(tmp_path, demo.url + "sitemap-news.xml", "--max-pages", "11",
          "-s", "CRAWL_FOLLOW_LINKS=False", "-s", "CRAWL_USE_SITEMAPS=False")
    newest = {a.path for a in build_site(1).articles[:10]}
    assert set(stored_articles(tmp_path)) == newest


def test_sitemap_index_budget_goes_to_the_newest_articles(demo, tmp_path):
    # The page sitemap (undated list pages) must not use up the budget before the news
    # sitemap's dated articles are known: the budget is spent in priority order.
    crawl(tmp_path, demo.url + "sitemap_index.xml", "--max-pages", "20")
    fetched = demo.page_requests
    assert len(fetched) <= 20
    newest = {a.path for a in build_site(1).articles[:20]}
    articles = set(stored_articles(tmp_path))
    assert len(articles) >= 10 and articles <= newest, sorted(articles)


def test_two_sites_each_with_their_own_settings(demo, tmp_path):
    with DemoSiteServer(port=0, edition=2) as second:
        sites = tmp_path / "sites.toml"
        sites.write_text(
            f'[[site]]\nname = "one"\nseeds = ["{demo.url}"]\nmax_pages = 40\n'
            f'[[site]]\nname = "two"\nseeds = ["{second.url}feed.xml"]\n'
            '[site.settings]\nCRAWL_FOLLOW_LINKS = false\nCRAWL_USE_SITEMAPS = false\n'
        )
        run = crawl(tmp_path / "a", "--sites", str(sites))
        assert "one:" in run.stdout and "two:" in run.stdout
        assert len(demo.page_requests) <= 40
        # Site two only read its feed's articles: no section pages.
        assert "/world/" not in second.requests
    from crawler.store import open_store

    by_site: dict[str, int] = {}
    with open_store(tmp_path / "a") as store:  # both sites use the same paths: count by site
        for article in store.iter_articles():
            by_site[article.site] = by_site.get(article.site, 0) + 1
    assert by_site.get("two") == len(build_site(2).articles), by_site
    assert 0 < by_site.get("one", 0) <= 40, run.stdout
