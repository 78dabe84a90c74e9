"""The incremental middlewares in a real Scrapy crawl of the demo site (edition 1, then 2)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from crawler.demosite.model import AD_CHANGED_ARTICLE, EDITED_ARTICLE, build_site
from crawler.demosite.server import DemoSiteServer

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def crawl(tmp_path: Path, archive: Path, hub: str, requests: list[dict], **settings) -> dict:
    """Run one mini crawl in a subprocess; return its integer stats."""
    spec = tmp_path / "spec.json"
    stats = tmp_path / "stats.json"
    spec.write_text(json.dumps({
        "archive_dir": str(archive), "hub": hub, "requests": requests,
        "settings": settings, "stats_out": str(stats),
    }))
    subprocess.run(
        [sys.executable, "-m", "tests.incremental.minicrawl", str(spec)],
        cwd=REPO, check=True, timeout=60, capture_output=True, text=True,
    )
    return json.loads(stats.read_text())


def entries(base: str, edition: int, indexes: list[int]) -> list[dict]:
    """Sitemap-like entries (url, lastmod) for articles of an edition, newest first."""
    site = build_site(edition)
    return [
        {"url": base + site.articles[i].path.lstrip("/"),
         "lastmod": f"{site.articles[i].modified:%Y-%m-%dT%H:%M:%SZ}"}
        for i in indexes
    ]


def article_paths(requests: list[str]) -> list[str]:
    return sorted(p for p in requests if p.count("/") > 3)


def test_second_run_fetches_only_new_and_changed(tmp_path):
    archive = tmp_path / "archive"
    site1, site2 = build_site(1), build_site(2)
    edited, untouched = site1.articles[EDITED_ARTICLE], site1.articles[AD_CHANGED_ARTICLE + 1]
    with DemoSiteServer() as server:
        first = entries(server.url, 1, [EDITED_ARTICLE, AD_CHANGED_ARTICLE + 1])
        stats1 = crawl(tmp_path, archive, server.url, first)
        assert stats1["incremental/new"] == 2
        assert article_paths(server.requests) == sorted([edited.path, untouched.path])

        server.set_edition(2)
        before = len(server.requests)
        # Edition 2 shifts indexes by the 5 new articles; entry 0 is a new article.
        second = entries(server.url, 2, [0, 5 + EDITED_ARTICLE, 5 + AD_CHANGED_ARTICLE + 1])
        stats2 = crawl(tmp_path, archive, server.url, second, INCREMENTAL_REVISIT_AFTER="1w")
        fetched = article_paths(server.requests[before:])
        assert fetched == sorted([site2.articles[0].path, edited.path])  # not the untouched one
        assert stats2["incremental/new"] == 1
        assert stats2["incremental/changed"] == 1  # lastmod moved a day
        assert stats2["incremental/skip"] == 1
        assert stats2["incremental/dropped"] == 1
        assert stats2["incremental/fetched/new"] == 1  # captures, as the summary reports
        assert stats2["incremental/fetched/changed"] == 1
        assert stats2["incremental/skipped_urls"] == 1

        # A revisit time (1 s after the first capture) passed for the new and the untouched
        # article: both are asked for conditionally. The new one is as it was -> 304; the
        # untouched one's page changed around the text since edition 1 (new links) -> 200.
        time.sleep(1.1)
        before = len(server.requests)
        third = [second[0], second[2]]
        stats3 = crawl(tmp_path, archive, server.url, third, INCREMENTAL_REVISIT_AFTER="1s")
        assert len(article_paths(server.requests[before:])) == 2
        assert stats3["incremental/revisit"] == 2
        assert stats3["incremental/conditional"] == 2
        assert stats3["incremental/not_modified"] == 1
        assert stats3["incremental/fetched/revisit"] == 2
        assert stats3.get("downloader/response_status_count/304") == 1

    with closing(sqlite3.connect(archive / "articles.sqlite")) as conn:
        rows = dict(conn.execute("SELECT url, status FROM incremental_fetch").fetchall())
    assert rows == {third[0]["url"]: 304, third[1]["url"]: 200, second[1]["url"]: 200}


def test_full_flag_fetches_everything_again(tmp_path):
    archive = tmp_path / "archive"
    with DemoSiteServer() as server:
        wanted = entries(server.url, 1, [0, 1])
        crawl(tmp_path, archive, server.url, wanted)
        before = len(server.requests)
        stats = crawl(tmp_path, archive, server.url, wanted, INCREMENTAL_FULL=True)
        assert len(article_paths(server.requests[before:])) == 2
        assert stats["incremental/forced"] == 2
        assert "incremental/skip" not in stats


def test_bad_revisit_setting_fails_the_crawl(tmp_path):
    with DemoSiteServer() as server:
        with pytest.raises(subprocess.CalledProcessError) as failed:
            crawl(tmp_path, tmp_path / "a", server.url, [], INCREMENTAL_REVISIT_AFTER="soon")
    assert "'soon' is not a duration" in failed.value.stderr
