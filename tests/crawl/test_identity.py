"""Stable identity: an article keeps its site however it was reached; the demo's URLs are stable."""

from __future__ import annotations

import socket

import pytest

from crawler.demosite import DemoSiteServer
from tests.crawl.helpers import crawl, crawler


def _sites(archive) -> set[str]:
    from crawler.store import open_store

    with open_store(archive) as store:
        return {page.site for page in store.iter_pages()}


@pytest.mark.slow
def test_site_kept_however_the_article_was_reached(demo, tmp_path):
    archive = tmp_path / "a"
    sites = tmp_path / "sites.toml"
    sites.write_text(f'[[site]]\nname = "demo"\nseeds = ["{demo.url}"]\n')
    crawl(archive, "--sites", str(sites), "--max-pages", "40")
    demo.set_edition(2)
    crawl(archive, demo.url, "--full", "--max-pages", "40")  # a bare seed, no name
    assert _sites(archive) == {"demo"}
    run = crawler("extract", str(archive / "warc"), "--archive-dir", str(archive), "-j", "1")
    assert run.returncode == 0, run.stderr
    assert _sites(archive) == {"demo"}  # re-extraction keeps the name too
    fresh = tmp_path / "fresh"
    run = crawler("extract", str(archive / "warc"), "--archive-dir", str(fresh), "-j", "1")
    assert run.returncode == 0, run.stderr
    assert _sites(fresh) == {"127.0.0.1"}  # the registered domain: never host:port


def test_demo_serves_on_its_fixed_port_or_the_next_free_one():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        taken.listen()
        server = DemoSiteServer.on_fixed_port(port, tries=5)
        try:
            assert port < server.port <= port + 4
        finally:
            server.stop()


@pytest.mark.slow
def test_make_run_twice_is_incremental(tmp_path, bundled_demo_port):
    """The demo crawl (no seed) on the same port each time: the second run skips what it has."""
    first = crawl(tmp_path / "a")
    second = crawl(tmp_path / "a")
    assert "fetched 120 new articles" in first.stdout
    assert "fetched 0 new articles" in second.stdout, second.stdout
    assert "skipped 120 archived and not due" in second.stdout, second.stdout
    assert _sites(tmp_path / "a") == {"demo"}


@pytest.mark.slow
def test_demo_crawl_keeps_its_archive_port_or_says_it_is_taken(tmp_path):
    """The demo's URLs name its port: a second crawl never falls back to another one."""
    from urllib.parse import urlsplit

    from crawler.demosite.server import archived_demo_port
    from tests.crawl.helpers import assert_one_line_error, stored_pages

    archive = tmp_path / "a"
    crawl(archive, "--max-pages", "10")
    port = archived_demo_port(archive)
    assert port is not None
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind(("127.0.0.1", port))
        taken.listen()
        run = crawler("crawl", "--archive-dir", str(archive), "--max-pages", "10")
        assert_one_line_error(run, f"port {port}", "is in use", "another --archive-dir")
    crawl(archive, "--max-pages", "10", "--full")
    pages = stored_pages(archive)
    assert {urlsplit(p.url).port for p in pages.values()} == {port}


@pytest.mark.slow
def test_full_counts_article_pages_not_every_page_of_unknown_role(demo, tmp_path):
    """--full on the 120-article demo: 120 article pages, not 128 (8 pages of unknown role
    are lists)."""
    crawl(tmp_path, demo.url)
    again = crawl(tmp_path, demo.url, "--full")
    assert "(--full), 120 article pages fetched" in again.stdout, again.stdout
