"""A page answered 304 still has its requisites checked, from the body its archive holds."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import FAST
from tests.crawl.helpers import crawler, warc_response_uris
from tests.crawl.sitekit import Answer, Site, article, html, serve

pytestmark = pytest.mark.slow

# Undated: its revisit schedule runs from its first capture (a dated URL says 2024: done).
STORY = "/news/the-council-meets-about-the-port"
CSS, IMAGE = "/static/story.css", "/img/story.png"
ETAG = '"story-1"'
# A revisit of every archived article 1 s after its capture: the second crawl asks for it.
DUE = ["-s", "INCREMENTAL_REVISIT_AFTER=1s"]


def _story(site: Site) -> Answer:
    """The article, or 304 to a request that names its ETag."""
    headers = next(h for _, path, h in reversed(site.hits) if path == STORY)
    if headers.get("If-None-Match") == ETAG:
        return 304, {"ETag": ETAG}, b""
    extra = f'<link rel="stylesheet" href="{CSS}"><img src="{IMAGE}" alt="the port">'
    return 200, {"ETag": ETAG}, article("The council meets", extra)


ROUTES = {
    "/": (200, {}, html(f'<a href="{STORY}">the story</a>')),
    STORY: _story,
    CSS: (200, {"Content-Type": "text/css", "ETag": '"css-1"'}, b"h1 { color: navy }"),
    IMAGE: (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
}


def _crawl(archive: Path, site: Site, *args: str) -> list[str]:
    """Crawl the site into ``archive``; return the paths it asked for."""
    before = len(site.hits)
    run = crawler("crawl", "--archive-dir", str(archive), *FAST, *args, site.url)
    assert run.returncode == 0, run.stderr
    return [path for _, path, _ in site.hits[before:]]


def _was_answered_304(site: Site, start: int) -> bool:
    return any(path == STORY and h.get("If-None-Match") == ETAG for _, path, h in site.hits[start:])


def test_requisites_never_fetched_are_fetched_when_the_page_is_unchanged(tmp_path):
    with serve(ROUTES) as site:
        first = _crawl(tmp_path, site, "-s", "CRAWL_REQUISITES=off")
        time.sleep(1.2)
        mark = len(site.hits)
        second = _crawl(tmp_path, site, *DUE)
        assert _was_answered_304(site, mark)
    assert CSS not in first and IMAGE not in first
    assert CSS in second and IMAGE in second
    archived = warc_response_uris(tmp_path)
    assert site.url.rstrip("/") + CSS in archived and site.url.rstrip("/") + IMAGE in archived


def test_stale_requisites_of_an_unchanged_page_are_asked_for_again(tmp_path):
    with serve(ROUTES) as site:
        first = _crawl(tmp_path, site)
        time.sleep(1.2)
        mark = len(site.hits)
        second = _crawl(tmp_path, site, *DUE, "-s", "CRAWL_REQUISITES_FRESH_FOR=0")
        asked = [h for _, path, h in site.hits[mark:] if path == CSS]
        assert _was_answered_304(site, mark)
    assert CSS in first
    assert CSS in second and [h.get("If-None-Match") for h in asked] == ['"css-1"']
