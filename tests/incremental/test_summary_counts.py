"""The crawl summary's incremental line counts pages fetched, not requests planned."""

from __future__ import annotations

import re

import pytest

from crawler.demosite.server import DemoSiteServer
from crawler.store import open_store
from tests.incremental.sitecrawl import records, run_crawl, warc_files, write_sites

pytestmark = pytest.mark.slow

LINE = re.compile(
    r"incremental: fetched (\d+) new articles \(never archived\), (\d+) changed since archived, "
    r"(\d+) due revisits(?: \((\d+) not modified\))?; skipped (\d+) archived and not due"
)


def counts(stdout: str) -> tuple[int, ...]:
    """(new, changed, revisits, not modified, skipped) from a crawl's summary."""
    found = LINE.search(stdout)
    assert found, stdout
    return tuple(int(n or 0) for n in found.groups())


def stored_articles(archive) -> set[str]:
    with open_store(archive) as store:
        return {a.url for a in store.iter_articles()}


def test_page_capped_crawl_reports_the_articles_it_archived(tmp_path):
    archive = tmp_path / "archive"
    with DemoSiteServer() as server:
        sites = write_sites(tmp_path / "sites.toml", server.url)
        first = counts(run_crawl(sites, archive, "--max-pages", "15").stdout)
        in_warc = {uri for kind, uri, _p, status in records(warc_files(archive))
                   if kind == "response" and status == 200}
        articles = stored_articles(archive)
        second = counts(run_crawl(sites, archive).stdout)
    new = first[0]
    assert 0 < new <= 15
    assert new == len(articles) and articles <= in_warc  # each new one is in the WARC
    assert first[1:] == (0, 0, 0, 0)
    # The uncapped crawl fetches the rest; the ones archived before are not due yet.
    assert second == (120 - new, 0, 0, 0, new)
