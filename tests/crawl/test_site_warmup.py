"""Site learning in a real crawl with the analysis pool: a sidebar of prose teasers that only
the site profile can tell from the story is gone from every stored article, including pages
that were queued for the pool before the site had been seen often enough to learn it."""

from __future__ import annotations

import pytest

from tests.crawl.helpers import crawl, stored_articles
from tests.crawl.sitekit import html, serve
from tests.extract import sitepages

pytestmark = pytest.mark.slow

ARTICLES = 60


def _routes() -> dict[str, tuple[int, dict[str, str], bytes]]:
    """A home page linking 60 articles, each with the site's teaser column in its body column."""
    routes = {}
    for i in range(ARTICLES):
        title, paras = sitepages.STORIES[i % len(sitepages.STORIES)]
        own = [f"{p} (Report {i}, part {n}.)" for n, p in enumerate(paras)]
        routes[f"/news/{i}.html"] = (200, {}, sitepages.page(f"{title} ({i})", own).encode())
    links = "".join(f'<a href="/news/{i}.html">Story {i}</a> ' for i in range(ARTICLES))
    routes["/"] = (200, {}, html(links))
    return routes


def test_pages_analysed_before_the_site_was_learned_are_extracted_again(tmp_path):
    with serve(_routes()) as site:
        # Two pool workers and no delay: most pages are queued for analysis at once, long
        # before the first eight came back and taught the site's profile.
        crawl(tmp_path / "archive", site.url, "-s", "EXTRACT_WORKERS=2")
    articles = stored_articles(tmp_path / "archive")
    assert len(articles) == ARTICLES
    teasers = [text for _, text in sitepages.TEASERS]
    leaked = sorted(path for path, a in articles.items()
                    if any(t in a.text for t in teasers))  # type: ignore[attr-defined]
    assert leaked == []
