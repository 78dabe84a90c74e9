"""A generated local news site whose pages share a stylesheet and a script and each have two
images of their own (benchmarks/crawl_throughput.py, ``--requisite-pages``).

Served on 127.0.0.1 by a threaded server: a home page and list pages of 50 links each, N
article pages of about 2 kB of text, ``/static/site.css`` (which names a background image
and a font), ``/static/app.js``, and per page ``/img/N-a.png`` (a 120x80 PNG, 29 kB) and
``/img/N-b.jpg`` (a 320x180 JPEG, 5 kB), each page's own bytes.
"""

from __future__ import annotations

import struct
import threading
import zlib
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.sites.pngs import noise_png, png

ASSETS = Path(__file__).resolve().parent.parent / "tests" / "sites" / "assets"
PER_LIST = 50
_TEXT = ("The council met on Tuesday to weigh the plans residents sent in over the summer, and "
         "most of those who came stayed until the vote. ") * 12
_CSS = (b"@font-face{font-family:Box;src:url(/static/box.woff2) format('woff2')}"
        b"body{font-family:Box,serif;background:url(/static/bg.png) repeat-x}")
_JS = b"document.documentElement.className += ' js';\n"


@cache
def _base_png() -> bytes:
    return noise_png(120, 80, "bench")


def _own_png(n: int) -> bytes:
    """The page's own PNG: the base image with a text chunk naming the page (new bytes)."""
    data = b"Comment\x00page " + str(n).encode()
    chunk = (struct.pack(">I", len(data)) + b"tEXt" + data
             + struct.pack(">I", zlib.crc32(b"tEXt" + data) & 0xFFFFFFFF))
    base = _base_png()
    return base[:33] + chunk + base[33:]  # after the signature and IHDR


@cache
def _base_jpeg() -> bytes:
    return (ASSETS / "photo.jpg").read_bytes()


def _own_jpeg(n: int) -> bytes:
    """The page's own JPEG: a comment segment naming the page after the SOI marker."""
    text = b"page " + str(n).encode()
    return _base_jpeg()[:2] + b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text + \
        _base_jpeg()[2:]


def _article(n: int) -> bytes:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Story {n}</title><link rel="stylesheet" href="/static/site.css">
<script src="/static/app.js"></script></head><body>
<article><h1>Council story number {n}</h1>
<img src="/img/{n}-a.png" width="120" height="80" alt="">
<p>{_TEXT}</p><img src="/img/{n}-b.jpg" width="320" height="180" alt=""><p>{_TEXT}</p>
</article><a href="/">Home</a></body></html>""".encode()


def _listing(page: int, pages: int, articles: int) -> bytes:
    first = page * PER_LIST
    links = "".join(f'<li><a href="/news/2026/12/story-{n}-council-plan">Story {n}</a></li>'
                    for n in range(first, min(first + PER_LIST, articles)))
    more = f'<a href="/list/{page + 1}">Older</a>' if page + 1 < pages else ""
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>News</title>
<link rel="stylesheet" href="/static/site.css"></head><body><ul>{links}</ul>{more}
</body></html>""".encode()


class RequisiteBenchSite:
    """The site on a free port of 127.0.0.1 (a context manager)."""

    def __init__(self, articles: int) -> None:
        self.articles = articles
        self.lists = max(1, -(-articles // PER_LIST))
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The home page."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    @property
    def pages(self) -> int:
        """HTML pages: the list pages (the home page is the first) and the articles."""
        return self.lists + self.articles

    @property
    def requisites(self) -> int:
        """Distinct requisites: the shared stylesheet, script, font, background, two per page."""
        return 4 + 2 * self.articles

    def answer(self, path: str) -> tuple[int, str, bytes]:
        """Status, content type and body of one path."""
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nAllow: /\n"
        if path == "/" or path.startswith("/list/"):
            page = 0 if path == "/" else int(path.rsplit("/", 1)[1] or 0)
            return 200, "text/html; charset=utf-8", _listing(page, self.lists, self.articles)
        if path.startswith("/news/"):
            return 200, "text/html; charset=utf-8", _article(int(path.split("-")[1]))
        statics = {"/static/site.css": ("text/css", _CSS), "/static/app.js":
                   ("application/javascript", _JS),
                   "/static/box.woff2": ("font/woff2", (ASSETS / "box.woff2").read_bytes()),
                   "/static/bg.png": ("image/png", png(8, 40, "bg"))}
        if path in statics:
            return 200, *statics[path]
        if path.startswith("/img/"):
            name = path[5:]
            n = int(name.split("-")[0])
            return 200, ("image/png" if name.endswith(".png") else "image/jpeg"), (
                _own_png(n) if name.endswith(".png") else _own_jpeg(n))
        return 404, "text/html", b"not found"

    def __enter__(self) -> RequisiteBenchSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                try:
                    status, ctype, body = site.answer(self.path.split("?", 1)[0])
                except (ValueError, IndexError):
                    status, ctype, body = 404, "text/html", b"not found"
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
