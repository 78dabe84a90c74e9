"""URLs given up after a redirect loop are counted and shown; a seed that loops is an error."""

from __future__ import annotations

import re

import pytest

from tests.crawl.helpers import FAST, crawler
from tests.crawl.sitekit import html, serve

pytestmark = pytest.mark.slow


def test_redirect_loops_are_counted_and_shown(tmp_path):
    routes = {
        "/": (200, {}, html('<a href="/ping">p</a> <a href="/self">s</a> <a href="/meta">m</a>')),
        "/ping": (302, {"Location": "/pong"}, b""),
        "/pong": (302, {"Location": "/ping"}, b""),
        "/self": (301, {"Location": "/self"}, b""),
        "/meta": (200, {}, html("").replace(
            b"<head>", b'<head><meta http-equiv="refresh" content="0; url=/meta">')),
    }
    with serve(routes) as site:
        run = crawler("crawl", "--archive-dir", str(tmp_path), *FAST, site.url)
        assert site.paths().count("/self") == 1  # given up at once, not after 20 hops
    assert run.returncode == 0, run.stderr
    assert re.search(r"0 errors, 3 redirect loops given up \[finished\]", run.stdout), run.stdout


def test_a_seed_that_loops_is_an_error(tmp_path):
    with serve({"/": (302, {"Location": "/"}, b"")}) as site:
        run = crawler("crawl", "--archive-dir", str(tmp_path), *FAST, site.url)
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 2 and len(lines) == 1, (run.stdout, lines)
    assert "was given up: redirect loop" in lines[0], lines

