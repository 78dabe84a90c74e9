"""A due article is revisited even when nothing links to it any more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawler.demosite.model import build_site
from crawler.demosite.server import DemoSiteServer
from tests.incremental.sitecrawl import (
    NOT_MODIFIED,
    records,
    revisit_offset,
    run_crawl,
    sleep_until,
    warc_files,
    write_sites,
)

pytestmark = pytest.mark.slow

# Second run: only the seed is read, no link, feed or sitemap is followed.
NO_DISCOVERY = ["-s", "CRAWL_FOLLOW_LINKS=false", "-s", "CRAWL_USE_FEEDS=false",
                "-s", "CRAWL_USE_SITEMAPS=false"]


def test_due_article_without_links_is_revisited_conditionally(tmp_path):
    archive = tmp_path / "archive"
    articles = {a.path for a in build_site(1).articles}
    target = build_site(1).articles[60].path  # deep in the archive: not on the home page
    with DemoSiteServer() as server:
        url = server.url.rstrip("/")
        sites = write_sites(tmp_path / "sites.toml", server.url)
        run_crawl(sites, archive)
        due_at = datetime.now(UTC) + timedelta(seconds=1.0)
        offset = revisit_offset(archive, url + target, due_at)
        sleep_until(due_at)
        mark, files = len(server.requests), warc_files(archive)
        run_crawl(sites, archive, "-s", f"INCREMENTAL_REVISIT_AFTER={offset}", *NO_DISCOVERY)
        second = server.requests[mark:]
        new_files = warc_files(archive) - files
    assert [p for p in second if p in articles] == [target]
    revisits = [r for r in records(new_files) if r[1] == url + target]
    assert revisits == [("revisit", url + target, NOT_MODIFIED, 304)]
