"""Server faults: a silent or dripping server costs (1 + RETRY_TIMEOUT_TIMES) x DOWNLOAD_TIMEOUT.

Errors are counted once per failed URL, by kind, and a crawl with failures exits 1 after
its summary; a missing robots.txt is no error.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.crawl.helpers import FAST, crawler, stored_pages

PARA = "<p>" + "The council met again on Tuesday to discuss the budget and the port. " * 6 + "</p>"
HOME = ("<html><body><a href='/silent'>s</a> <a href='/drip'>d</a> <a href='/gone'>g</a> "
        "<a href='/2024/05/01/story'>story</a></body></html>")
STORY = ("<html><head><title>Story</title><meta property='og:type' content='article'></head>"
         "<body><article><h1>Story</h1>" + PARA * 4 + "</article></body></html>")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        self.server.hits[self.path] += 1  # type: ignore[attr-defined]
        if self.path == "/silent":  # accepts, then says nothing
            time.sleep(20)
            return
        if self.path == "/drip":  # a byte at a time, never done
            self._head(10_000)
            for _ in range(200):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)
            return
        body = {"/": HOME, "/2024/05/01/story": STORY}.get(self.path)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._head(len(body.encode()))
        self.wfile.write(body.encode())

    def _head(self, length: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the crawler hangs up on the silent and dripping answers


@pytest.fixture
def faulty():
    server = _Server(("127.0.0.1", 0), _Handler)
    server.hits = Counter()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", server.hits
    server.shutdown()
    server.server_close()


@pytest.mark.slow
@pytest.mark.parametrize("timeout_retries", [1, 0])
def test_silent_and_dripping_servers_are_cut_and_retried_once(faulty, tmp_path, timeout_retries):
    url, hits = faulty
    run = crawler("crawl", url, "--archive-dir", str(tmp_path), *FAST, "-s", "RETRY_TIMES=3",
                  "-s", "DOWNLOAD_TIMEOUT=1.5", "-s", f"RETRY_TIMEOUT_TIMES={timeout_retries}",
                  timeout=120)
    assert run.returncode == 1, run.stderr  # partial failure, after the summary
    assert hits["/silent"] == hits["/drip"] == 1 + timeout_retries  # not RETRY_TIMES
    assert hits["/gone"] == 1  # a 404 is not retried
    # The 404 of a found link is the site's broken link, archived as answered: not an error.
    assert "2 errors (timeout 2), 1 broken link (HTTP 404/410)" in run.stdout
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("crawler crawl: error: 2 errors (timeout 2)"), last
    assert stored_pages(tmp_path)["/2024/05/01/story"].is_article
    truncated = []
    for path in (tmp_path / "warc").glob("*.warc.gz"):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                uri = record.rec_headers.get_header("WARC-Target-URI", "")
                if record.rec_type == "response" and uri.endswith("/drip"):
                    truncated.append(record.rec_headers.get_header("WARC-Truncated"))
    assert truncated and set(truncated) == {"time"}  # what dripped in is kept, marked cut


@pytest.mark.slow
def test_missing_robots_txt_and_retries_are_not_errors(demo, tmp_path):
    """The demo has every page; a missing robots.txt is normal: 0 errors, exit 0."""
    run = crawler("crawl", demo.url + "world/", "--archive-dir", str(tmp_path), *FAST,
                  "--max-pages", "5", timeout=120)
    assert run.returncode == 0, run.stderr
    assert " 0 errors [" in run.stdout
