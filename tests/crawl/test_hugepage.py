"""A page past DOWNLOAD_MAXSIZE is an error of its own kind; a big article's text is capped."""

from __future__ import annotations

import re

import pytest

from tests.crawl.helpers import FAST, crawler, stored_articles
from tests.crawl.sitekit import PARA, article, html, serve

pytestmark = pytest.mark.slow

BIG = "/2024/05/01/a-very-long-story-about-the-council"
HUGE = "/2024/05/02/a-page-past-the-size-cap"


def test_oversized_page_is_named_and_a_big_text_is_capped(tmp_path):
    routes = {
        "/": (200, {}, html(f'<a href="{BIG}">big</a> <a href="{HUGE}">huge</a>')),
        BIG: (200, {}, article("Long story", PARA * 6000)),  # 2.6 MB of prose
        HUGE: (200, {}, b" " * 3_000_000),
    }
    with serve(routes) as site:
        run = crawler("crawl", "--archive-dir", str(tmp_path), *FAST, site.url,
                      "-s", "DOWNLOAD_MAXSIZE=2900000", timeout=180)
    assert run.returncode == 1, run.stderr
    assert re.search(r"1 errors \(too large 1\)", run.stdout), run.stdout
    stored = stored_articles(tmp_path)[BIG]
    assert 400_000 < len(stored.text) <= 500_000 and stored.is_partial
