"""Crawl three local sites: two carry the same wire story in their own templates, one another."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.crawl.helpers import crawl, crawler
from tests.syndication.stories import OTHER, WIRE, copy_of_wire, page

pytestmark = pytest.mark.slow


def _site(name: str, title: str, paragraphs: list[str]) -> dict[str, bytes]:
    """A home page linking to one article, in the site's own template."""
    path = f"/2026/03/14/{name.lower().replace(' ', '-')}-story.html"
    home = (f"<html><head><title>{name}</title></head><body><h1>{name}</h1><ul>"
            f"<li><a href='{path}'>{title}</a></li></ul></body></html>").encode()
    return {"/": home, path: page(name, title, paragraphs)}


def _handler(pages: dict[str, bytes]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            """Quiet."""

    return Handler


@contextmanager
def _serve(pages: dict[str, bytes]) -> Iterator[str]:
    """Serve ``pages`` on a free port of 127.0.0.1; always stop."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(pages))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_wire_story_on_two_sites_across_crawls_is_one_cluster_and_duplicates_shows_it(tmp_path):
    sites = [
        _site("Valmora Wire", "Crews start draining flooded metro tunnels", WIRE),
        _site("Coast Daily", "Metro pumping begins after storm surge", copy_of_wire()),
        _site("Arts Weekly", "Orchestra finds a new home in a tram depot", OTHER),
    ]
    with ExitStack() as stack:
        urls = [stack.enter_context(_serve(pages)) for pages in sites]
        # The templates link to pages the sites lack: broken links, not errors (exit 0).
        crawl(tmp_path, urls[0] + "/")  # the wire story first, others later
        crawl(tmp_path, urls[1] + "/", urls[2] + "/")
    wire, copy, other = (url + next(p for p in s if p != "/") for url, s in zip(urls, sites,
                                                                              strict=True))
    run = crawler("duplicates", wire, "--archive-dir", str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert "2 URL(s) carry the story" in run.stdout
    lines = run.stdout.splitlines()
    assert wire in lines[2] and "(first)" in lines[2]
    assert copy in lines[3] and other not in run.stdout
    alone = crawler("duplicates", other, "--archive-dir", str(tmp_path))
    assert alone.returncode == 1 and "no other copy" in alone.stdout
    listed = crawler("duplicates", "--json", "--archive-dir", str(tmp_path))
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [r["url"] for r in rows] == [wire, copy]
    assert rows[1]["similarity"] > 0.7
    exported = crawler("export", "--dedupe", "--archive-dir", str(tmp_path))
    kept = {json.loads(line)["url"]: json.loads(line) for line in exported.stdout.splitlines()}
    assert set(kept) == {wire, other}
    assert kept[wire]["cluster_size"] == 2 and kept[other]["cluster_size"] == 1
    _reextraction_rebuilds_the_same_clusters(tmp_path, rows)


def _story_rows(archive) -> list[dict]:
    """`crawler duplicates --json` rows without the cluster id (a store-local number)."""
    run = crawler("duplicates", "--json", "--archive-dir", str(archive))
    return [{k: v for k, v in json.loads(line).items() if k != "cluster_id"}
            for line in run.stdout.splitlines()]


def _reextraction_rebuilds_the_same_clusters(archive, rows: list[dict]) -> None:
    """`crawler extract` of the crawls' WARCs, into the same store and a new one."""
    expected = _story_rows(archive)
    assert [r["url"] for r in expected] == [r["url"] for r in rows]
    again = crawler("extract", str(archive / "warc"), "--archive-dir", str(archive), "-j", "1")
    assert again.returncode == 0, again.stderr
    assert _story_rows(archive) == expected
    fresh = archive / "fresh"
    run = crawler("extract", str(archive / "warc"), "--archive-dir", str(fresh), "-j", "1")
    assert run.returncode == 0, run.stderr
    assert [(r["url"], r["is_first"]) for r in _story_rows(fresh)] == [
        (r["url"], r["is_first"]) for r in expected]
