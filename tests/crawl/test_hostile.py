"""Hostile pages do not stop a crawl: huge link lists, binary bodies, bad charsets, deep nesting."""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.crawl.helpers import FAST, crawler, stored_pages

pytestmark = pytest.mark.slow

PARA = "<p>" + "The council met again on Tuesday to discuss the budget and the port. " * 6 + "</p>"
PAGES = {
    "/": "<html><body>" + "".join(
        f'<a href="/{name}">{name}</a>' for name in
        ("links", "binary", "charset", "nested", "2024/05/01/fine-story-about-the-council")
    ) + "</body></html>",
    "/links": "<html><body>" + "".join(f'<a href="/l/{i}">{i}</a>' for i in range(20000))
    + "</body></html>",
    "/charset": ("<html><head><meta charset='utf-8'></head><body><h1>Caf\xe9</h1>"
                 + PARA * 3 + "</body></html>"),
    "/nested": "<html><body>" + "<div>" * 5000 + PARA + "</div>" * 5000 + "</body></html>",
    "/2024/05/01/fine-story-about-the-council": (
        "<html><head><title>Fine story</title><meta property='og:type' content='article'>"
        "</head><body><article><h1>Fine story</h1>" + PARA * 4 + "</article></body></html>"
    ),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        if self.path == "/binary":
            body = bytes(range(256)) * 800  # deterministic "binary" bytes
        elif self.path == "/charset":
            body = PAGES["/charset"].encode("latin-1")  # says utf-8, is latin-1
        elif self.path in PAGES:
            body = PAGES[self.path].encode()
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def hostile():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.hits = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", server.hits
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


def test_hostile_pages_are_survived(hostile, tmp_path):
    url, hits = hostile
    run = crawler("crawl", "--archive-dir", str(tmp_path), *FAST, url, "-s",
                  "CRAWL_MAX_LINKS_PER_PAGE=50", "-s", "DEPTH_LIMIT=2", "--max-pages", "80")
    assert "Crawl finished" in run.stdout
    # The 50 links taken lead to 404s: the site's broken links, archived, not crawl errors.
    assert run.returncode == 0, run.stderr
    assert re.search(r" 0 errors, \d+ broken links \(HTTP 404/410\)", run.stdout), run.stdout
    pages = stored_pages(tmp_path)
    story = pages["/2024/05/01/fine-story-about-the-council"]
    assert story.is_article
    assert "/charset" in pages and "/nested" in pages and "/links" in pages
    # 20,000 links on one page: only the first 50 were taken.
    assert 0 < len([p for p in hits if p.startswith("/l/")]) <= 50
    # Random bytes served as text/html: recorded as a page that is not an article, and why.
    assert not pages["/binary"].is_article and pages["/binary"].page_reason
