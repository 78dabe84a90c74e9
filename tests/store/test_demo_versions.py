"""End to end: crawl the demo site twice across an edit; versions follow the text, not the ads."""

from __future__ import annotations

import subprocess
import sys

import pytest

from crawler.demosite import AD_CHANGED_ARTICLE, EDITED_ARTICLE, NEW_ARTICLES, DemoSiteServer
from crawler.demosite.model import build_site
from crawler.store import open_store

pytestmark = pytest.mark.slow


def crawl(url: str, archive, *settings: str) -> None:
    """`crawler crawl URL` in a subprocess, fast and complete."""
    args = [sys.executable, "-m", "crawler.cli", "crawl", url, "--archive-dir", str(archive),
            "--max-pages", "400", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]
    for setting in settings:
        args += ["-s", setting]
    out = subprocess.run(args, capture_output=True, text=True, timeout=240, check=False)
    assert out.returncode == 0, out.stderr[-2000:]


def test_edit_makes_a_version_and_an_ad_change_does_not(tmp_path):
    with DemoSiteServer() as server:
        crawl(server.url, tmp_path)
        server.set_edition(2)
        crawl(server.url, tmp_path, "INCREMENTAL_FULL=True")
        base = server.url.rstrip("/")
    site = build_site(2)
    edited = base + site.articles[NEW_ARTICLES + EDITED_ARTICLE].path
    ad_changed = base + site.articles[NEW_ARTICLES + AD_CHANGED_ARTICLE].path
    new = base + site.articles[0].path
    with open_store(tmp_path, create=False) as store:
        edits = store.versions(edited)
        ads = store.versions(ad_changed)
        fresh = store.versions(new)
        crawls = {a.crawl_id for a in store.iter_articles(all_versions=True)}
    assert [v.version for v in edits] == [1, 2]
    assert "Correction:" in edits[1].text and "Correction:" not in edits[0].text
    assert edits[0].crawl_id != edits[1].crawl_id
    assert [(v.version, v.captures) for v in ads] == [(1, 2)]
    assert "sponsor" not in ads[0].text
    assert [v.version for v in fresh] == [1]
    assert len(crawls) == 2
