"""A tiny configurable HTTP server on 127.0.0.1 for crawl tests: path -> (status, headers, body)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PARA = "<p>" + "The council met again on Tuesday to discuss the budget and the port. " * 6 + "</p>"

Answer = tuple[int, dict[str, str], bytes]


def article(title: str, extra: str = "") -> bytes:
    """An HTML article page with enough text to be stored as an article."""
    return (f"<html><head><title>{title}</title><meta property='og:type' content='article'>"
            f"</head><body><article><h1>{title}</h1>{PARA * 4}{extra}</article></body></html>"
            ).encode()


def html(body: str) -> bytes:
    """An HTML page with ``body``."""
    return f"<html><head><title>list</title></head><body>{body}</body></html>".encode()


@dataclass
class Site:
    """A running server: its base URL, the paths asked for, with their times and headers."""

    url: str
    port: int
    hits: list[tuple[float, str, dict[str, str]]] = field(default_factory=list)

    def paths(self) -> list[str]:
        """The paths asked for, in order."""
        return [path for _, path, _ in self.hits]


@contextmanager
def serve(routes: dict[str, Answer | Callable[[Site], Answer]],
          host: str = "127.0.0.1") -> Iterator[Site]:
    """Serve ``routes`` (404 elsewhere) on a free port until the block ends."""
    site: Site

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            site.hits.append((time.monotonic(), self.path, dict(self.headers.items())))
            answer = routes.get(self.path)
            if callable(answer):
                answer = answer(site)
            status, headers, body = answer or (404, {"Content-Type": "text/plain"}, b"no")
            self.send_response(status)
            headers = {"Content-Type": "text/html; charset=utf-8", **headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    port = server.server_address[1]
    site = Site(f"http://{host}:{port}/", port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
