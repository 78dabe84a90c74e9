"""Done-when check: a local site of 181 REAL article pages; >= 99 % found and stored as articles."""

from __future__ import annotations

import pytest

from tests.crawl import realsite
from tests.crawl.helpers import crawl, stored_articles, stored_pages

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not realsite.available(), reason="needs ../shared benchmark pages"),
]


def test_real_article_pages_are_found_and_stored_as_articles(tmp_path):
    with realsite.RealSiteServer(copies=1) as site:
        run = crawl(tmp_path, site.url, timeout=300)
        expected = {p.path for p in site.pages}
    pages = stored_pages(tmp_path)
    found = expected & set(pages)
    articles = expected & set(stored_articles(tmp_path))
    missed = sorted(expected - articles)
    for path in missed:
        page = pages.get(path)
        print("not stored as article:", path, page.page_reason if page else "never fetched")
    assert len(found) >= 0.99 * len(expected), run.stdout
    assert len(articles) >= 0.99 * len(expected), f"{len(missed)} missed: {missed[:10]}"
    lists = [p for path, p in pages.items() if path.startswith("/section/") or path == "/"]
    assert lists and not any(p.is_article for p in lists)
