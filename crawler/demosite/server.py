"""Serve the demo site on 127.0.0.1 with a stdlib threading HTTP server.

Answers carry ``ETag`` and ``Last-Modified``; conditional requests (``If-None-Match``,
``If-Modified-Since``) get ``304 Not Modified``. Every request path is recorded in
``DemoSiteServer.requests`` so tests can check what a crawler fetched.
"""

from __future__ import annotations

import hashlib
import threading
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

from crawler.demosite.model import build_site
from crawler.demosite.routes import Page, route

#: Paths of the page requisites every page uses (not pages: crawler/demosite/images.py).
REQUISITE_PATHS = ("/static/", "/favicon.ico")


class _Handler(BaseHTTPRequestHandler):
    """Answers GET and HEAD from the site of the server's edition."""

    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's naming
        """Answer a GET."""
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        """Answer a HEAD."""
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        path = urlsplit(self.path).path
        with self.server.lock:
            self.server.requests.append(path)
        host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_port}"
        page = route(build_site(self.server.edition), path, f"http://{host}")
        etag = '"' + hashlib.sha1(page.body).hexdigest()[:16] + '"'
        if page.status == 200 and self._not_modified(page, etag):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(page.status)
        self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(len(page.body)))
        if page.status == 200:
            self.send_header("ETag", etag)
            if page.last_modified:
                self.send_header("Last-Modified", format_datetime(page.last_modified, usegmt=True))
        self.end_headers()
        if send_body:
            self.wfile.write(page.body)

    def _not_modified(self, page: Page, etag: str) -> bool:
        """True if the request's validators say the client's copy is current."""
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            return etag in [tag.strip() for tag in inm.split(",")] or inm.strip() == "*"
        ims = self.headers.get("If-Modified-Since")
        if ims and page.last_modified:
            try:
                return page.last_modified.replace(microsecond=0) <= parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                return False
        return False

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Stay quiet: the crawler's progress display owns the terminal."""


class _Server(ThreadingHTTPServer):
    """Threading server that knows its edition and records request paths."""

    daemon_threads = True
    edition: int = 1

    def __init__(self, address: tuple[str, int], edition: int) -> None:
        super().__init__(address, _Handler)
        self.edition = edition
        self.requests: list[str] = []
        self.lock = threading.Lock()


#: The demo's fixed port: the same URLs every run, so a second `make run` is incremental.
DEMO_PORT = 8000


class DemoSiteServer:
    """The demo site on 127.0.0.1, in a background thread; use as a context manager."""

    @classmethod
    def on_fixed_port(cls, port: int = DEMO_PORT, tries: int = 20, edition: int = 1
                      ) -> DemoSiteServer:
        """Serve on ``port``, or the next free one of the ``tries`` after it."""
        for candidate in range(port, port + tries):
            try:
                return cls(port=candidate, edition=edition)
            except OSError:
                continue
        return cls(port=0, edition=edition)

    def __init__(self, port: int = 0, edition: int = 1, host: str = "127.0.0.1") -> None:
        self._server = _Server((host, port), edition)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL of the running site, with a trailing slash."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    @property
    def port(self) -> int:
        """The TCP port served."""
        return int(self._server.server_address[1])

    @property
    def requests(self) -> list[str]:
        """Paths requested so far, in arrival order (a copy)."""
        with self._server.lock:
            return list(self._server.requests)

    @property
    def page_requests(self) -> list[str]:
        """:attr:`requests` without robots.txt and the page requisites (stylesheet, images)."""
        return [p for p in self.requests
                if p != "/robots.txt" and not p.startswith(REQUISITE_PATHS)]

    def set_edition(self, edition: int) -> None:
        """Switch the content served from now on (for incremental-crawl tests)."""
        self._server.edition = edition

    def start(self) -> DemoSiteServer:
        """Start serving in a daemon thread; return self."""
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="demo-site", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted."""
        self._server.serve_forever()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> DemoSiteServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
