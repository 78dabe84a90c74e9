"""Redirects and meta refreshes do not take the crawl out of its scope (host and port)."""

from __future__ import annotations

import re

import pytest

from tests.crawl.helpers import FAST, crawler, stored_pages, warc_response_uris
from tests.crawl.sitekit import article, html, serve

pytestmark = pytest.mark.slow

STORY = "/2024/05/01/a-story-about-the-council-and-the-port"


def test_redirects_to_other_ports_and_hosts_are_refused_and_counted(tmp_path):
    with serve({"/secret": (200, {}, article("Internal admin page")),
                "/": (200, {}, html("internal"))}) as internal:
        target = internal.url + "secret"
        routes = {
            "/": (200, {}, html("".join(f'<a href="{p}">{p}</a>' for p in (
                "/go-port", "/go-host", "/refresh", "/go-fine")))),
            "/go-port": (302, {"Location": target}, b""),
            "/refresh": (200, {}, html("").replace(b"<head>", (
                f'<head><meta http-equiv="refresh" content="0; url={target}">').encode())),
            "/go-fine": (301, {"Location": STORY}, b""),
            STORY: (200, {}, article("Council story")),
        }
        with serve(routes) as site:
            routes["/go-host"] = (302, {"Location": f"http://localhost:{site.port}{STORY}"}, b"")
            run = crawler("crawl", "--archive-dir", str(tmp_path), *FAST, site.url)
        assert internal.paths() == []  # never asked
    assert run.returncode == 0, run.stderr
    assert re.search(r"0 errors, 3 redirects refused \(out of scope\) \[finished\]", run.stdout), \
        run.stdout
    pages = stored_pages(tmp_path)
    assert STORY in pages and "/secret" not in pages
    assert not any("localhost" in uri or str(internal.port) in uri
                   for uri in warc_response_uris(tmp_path))
    log = next((tmp_path / "logs").glob("crawl-*.log")).read_text()
    assert re.search(r"Not following the redirect of \S+/go-port to \S+/secret \(other-port", log)
