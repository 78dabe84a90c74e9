"""A tiny news site on 127.0.0.1 for wget to mirror: one list page, articles, a chunked one."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.store.warcs import article_html, unique_text

TOPICS = ["harbour", "railway", "orchard", "festival"]


def site_pages() -> dict[str, bytes]:
    """Path -> HTML: a home page linking to one article per topic, each with its own text."""
    pages = {}
    links = []
    for number, topic in enumerate(TOPICS):
        body = f"News about the {topic} today. " + unique_text(number, 12)
        pages[f"/2026/11/{topic}-story.html"] = article_html(f"The {topic} story", body)
        links.append(f"<li><a href='/2026/11/{topic}-story.html'>The {topic} story</a></li>")
    pages["/"] = ("<html><head><title>Home</title></head><body><ul>" + "".join(links)
                  + "</ul></body></html>").encode()
    return pages


class _Handler(BaseHTTPRequestHandler):
    """Serves ``site_pages()``; the railway story with chunked transfer encoding."""

    protocol_version = "HTTP/1.1"
    pages: dict[str, bytes] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.pages.get(self.path)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if "railway" in self.path:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(body), 300):
                chunk = body[start:start + 300]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@contextmanager
def serve_site(port: int) -> Iterator[str]:
    """Serve the site on 127.0.0.1:port in a thread; yield its base URL; always stop it."""
    _Handler.pages = site_pages()
    server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
