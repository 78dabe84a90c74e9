"""The bundled demo site: realistic shape, valid feed and sitemaps, validators, editions."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections import Counter

import pytest

from crawler.demosite import (
    AD_CHANGED_ARTICLE,
    EDITED_ARTICLE,
    NEW_ARTICLES,
    DemoSiteServer,
    build_site,
)
from crawler.discovery import detect_kind, parse_feed, parse_sitemap, sitemaps_in_robots


@pytest.fixture(scope="module")
def server():
    with DemoSiteServer(port=0) as running:
        yield running


def get(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_content_is_deterministic_and_news_shaped():
    site = build_site(1)
    assert len(site.articles) >= 100
    sections = Counter(a.section for a in site.articles)
    assert len(sections) >= 4 and min(sections.values()) > 10  # >10 per section: paginated
    assert all(a.author and a.published and len(a.paragraphs) >= 6 for a in site.articles)
    assert len({a.path for a in site.articles}) == len(site.articles)
    assert [a.title for a in build_site.__wrapped__(1).articles] == [a.title for a in site.articles]


def test_article_page_has_metadata_and_boilerplate(server):
    article = build_site(1).articles[0]
    status, headers, body = get(server.url.rstrip("/") + article.path)
    html = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    for marker in ('"@type": "NewsArticle"', 'og:type" content="article"', 'class="byline"',
                   "<h2>Opinion</h2><h3>Editorial</h3>", 'class="related"', 'class="newsletter"',
                   'class="share"', 'class="comments"', 'class="site-footer"', 'class="ad-slot"'):
        assert marker in html, marker
    assert all(p in html for p in article.paragraphs[:1])


def test_feed_sitemaps_and_robots_list_every_article(server):
    base = server.url.rstrip("/")
    paths = {base + a.path for a in build_site(1).articles}
    _, _, robots = get(base + "/robots.txt")
    assert "Disallow: /private/" in robots.decode()
    (index_url,) = sitemaps_in_robots(robots.decode(), base)
    _, _, index = get(index_url)
    assert detect_kind(index) == "sitemapindex"
    children = [d.url for d in parse_sitemap(index, index_url)]
    _, _, news = get(children[0])
    assert {d.url for d in parse_sitemap(news, children[0]) if d.role == "article"} == paths
    _, headers, feed = get(base + "/feed.xml")
    assert headers["Content-Type"].startswith("application/rss+xml")
    assert {d.url for d in parse_feed(feed, base)} == paths


def test_private_pages_are_linked_but_disallowed(server):
    _, _, home = get(server.url)
    assert b'href="/private/' in home


def test_pagination_and_404(server):
    base = server.url.rstrip("/")
    assert get(base + "/world/page/2/")[0] == 200
    assert get(base + "/world/page/99/")[0] == 404
    assert get(base + "/no/such/page")[0] == 404


def test_conditional_requests_get_304(server):
    url = server.url.rstrip("/") + build_site(1).articles[5].path
    status, headers, _ = get(url)
    assert status == 200 and headers["ETag"] and headers["Last-Modified"]
    assert get(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert get(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert get(url, {"If-None-Match": '"other"'})[0] == 200


def test_edition_two_changes_exactly_what_it_documents():
    one, two = build_site(1), build_site(2)
    assert len(two.articles) == len(one.articles) + NEW_ARTICLES
    new = two.articles[:NEW_ARTICLES]
    assert all(a.published > one.articles[0].published for a in new)
    old_by_path = {a.path: a for a in one.articles}
    changed = {a.path for a in two.articles[NEW_ARTICLES:] if a != old_by_path[a.path]}
    edited, ad = one.articles[EDITED_ARTICLE], one.articles[AD_CHANGED_ARTICLE]
    assert changed == {edited.path, ad.path}
    assert two.by_path[edited.path].paragraphs != edited.paragraphs
    assert two.by_path[ad.path].paragraphs == ad.paragraphs
    assert two.by_path[ad.path].ad_text != ad.ad_text


def test_syndicated_copies_carry_their_original_story():
    """A few articles republish another's wire story (new headline and section, cut ending,
    dateline and note), so `crawler duplicates` has something to show on the demo."""
    from crawler.demosite.model import SYNDICATED

    site = build_site(1)
    assert len(site.articles) == 120
    copies = [a for a in site.articles if a.copy_of]
    assert len(copies) == len(SYNDICATED)
    for original_index, copy_index in SYNDICATED:
        original, copy = site.articles[original_index], site.articles[copy_index]
        assert copy.copy_of == original.slug
        assert copy.section != original.section and copy.title != original.title
        assert copy.published > original.published
        words = set(" ".join(original.paragraphs).split())
        copied = " ".join(copy.paragraphs).split()
        assert sum(w in words for w in copied) / len(copied) > 0.8
        assert len(copy.paragraphs) <= len(original.paragraphs)  # the ending is cut
