"""A local news site built from the 181 real article pages of the extraction benchmark.

Generated home and paginated section pages link to the real pages, which are served under
``/{original host}{original path}`` (``/mirror{k}/...`` for extra copies, used by the
throughput benchmark to get ~1,000 pages). A ``<base href>`` pointing at the page's original
URL is added to each real page, so its own relative links resolve to its original (off-scope)
site, as they would on a mirror, instead of to thousands of local 404s.
Bodies are gzip-compressed once when the client accepts it. With ``distinct=True`` every
extra copy is a new text: the letters of its text are permuted, one permutation per copy, as
it is served (a long crawl of new articles, for memory measurements). Needs /work/shared
(absent on users' machines: callers skip then).
"""

from __future__ import annotations

import gzip
import json
import random
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


def _benchmark_dir() -> Path:
    """``shared/data/article-extraction-benchmark`` beside the repository (or beside a parent
    folder of it, for a git worktree)."""
    here = Path(__file__).resolve()
    for parent in here.parents[2:]:
        found = parent / "shared" / "data" / "article-extraction-benchmark"
        if found.is_dir():
            return found
    return here.parents[3] / "shared" / "data" / "article-extraction-benchmark"


BENCHMARK = _benchmark_dir()
PAGE_SIZE, SECTIONS = 15, 8
_HEAD = re.compile(rb"<head[^>]*>", re.I)
_TEXT = re.compile(rb">([^<]+)<")
_LETTERS = b"abcdefghijklmnopqrstuvwxyz"


def available() -> bool:
    """True if the benchmark pages are on this machine."""
    return (BENCHMARK / "ground-truth.json").is_file()


@dataclass(frozen=True)
class RealPage:
    """One real article page as served locally."""

    path: str
    original_url: str
    html: bytes
    html_gz: bytes


def load_pages(copies: int = 1) -> list[RealPage]:
    """The real pages, ``copies`` times each under different paths, in a fixed order."""
    truth = json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))
    pages: list[RealPage] = []
    for key in sorted(truth):
        raw = gzip.decompress((BENCHMARK / "html" / f"{key}.html.gz").read_bytes())
        url = truth[key]["url"]
        parts = urlsplit(url)
        html = _with_base(raw, url)
        packed = gzip.compress(html, compresslevel=6)
        for copy in range(copies):
            prefix = f"/mirror{copy}" if copy else ""
            path = f"{prefix}/{parts.hostname}{parts.path or '/'}"
            pages.append(RealPage(path, url, html, packed))
    seen: set[str] = set()
    unique = []
    for page in pages:
        if page.path not in seen:
            seen.add(page.path)
            unique.append(page)
    return unique


def _with_base(html: bytes, url: str) -> bytes:
    """Insert ``<base href=url>`` after ``<head>`` unless the page has a base already."""
    if re.search(rb"<base\s", html[:20000], re.I):
        return html
    tag = b'<base href="' + url.encode() + b'">'
    match = _HEAD.search(html)
    return html[: match.end()] + tag + html[match.end():] if match else tag + html


def copy_number(path: str) -> int:
    """Which copy of its page ``path`` serves (0: the original)."""
    if not path.startswith("/mirror"):
        return 0
    digits = path[len("/mirror"):path.find("/", 1)]
    return int(digits) if digits.isdigit() else 0


def distinct_copy(html: bytes, copy: int) -> bytes:
    """``html`` with the letters of its text permuted by a permutation of its own for ``copy``
    (markup, links and spacing unchanged), so every copy is a text never seen before."""
    order = list(_LETTERS)
    random.Random(copy).shuffle(order)
    shuffled = bytes(order)
    table = bytes.maketrans(_LETTERS + _LETTERS.upper(), shuffled + shuffled.upper())
    return _TEXT.sub(lambda m: b">" + m.group(1).translate(table) + b"<", html)


def _list_page(title: str, links: list[RealPage], nav: str) -> bytes:
    items = "".join(f'<li><a href="{p.path}">Story {i}</a></li>' for i, p in enumerate(links))
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1>"
            f'<nav><a href="/">Home</a> {nav}</nav><ul>{items}</ul></body></html>').encode()


def build_routes(pages: list[RealPage]) -> dict[str, tuple[bytes, bytes | None]]:
    """Path -> (body, gzipped body or None) for home, sections, pagination and articles."""
    sections = [pages[i::SECTIONS] for i in range(SECTIONS)]
    nav = " ".join(f'<a href="/section/{n}/">Section {n}</a>' for n in range(SECTIONS))
    routes: dict[str, tuple[bytes, bytes | None]] = {
        "/": (_list_page("Home", pages[:20], nav), None),
        "/robots.txt": (b"User-agent: *\nAllow: /\n", None),
    }
    for n, members in enumerate(sections):
        count = -(-len(members) // PAGE_SIZE)
        numbers = " ".join(
            f'<a href="/section/{n}/{"" if k == 1 else f"page/{k}/"}">{k}</a>'
            for k in range(1, count + 1)
        )
        for k in range(1, count + 1):
            path = f"/section/{n}/" + ("" if k == 1 else f"page/{k}/")
            chunk = members[(k - 1) * PAGE_SIZE : k * PAGE_SIZE]
            routes[path] = (_list_page(f"Section {n} page {k}", chunk, nav + " " + numbers), None)
    for page in pages:
        routes[page.path] = (page.html, page.html_gz)
    return routes


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        with self.server.lock:  # type: ignore[attr-defined]
            self.server.hits.append(path)  # type: ignore[attr-defined]
        found = self.server.routes.get(path)  # type: ignore[attr-defined]
        if found is None:
            body, packed = b"not found", None
            self.send_response(404)
        else:
            body, packed = found
            copy = copy_number(path) if self.server.distinct else 0  # type: ignore[attr-defined]
            if copy and packed is not None:
                body = distinct_copy(body, copy)
                packed = gzip.compress(body, compresslevel=1)
            self.send_response(200)
        ctype = "text/plain" if path == "/robots.txt" else "text/html"
        self.send_header("Content-Type", ctype)
        if packed is not None and "gzip" in (self.headers.get("Accept-Encoding") or ""):
            body = packed
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class RealSiteServer:
    """Serve the real-page site on 127.0.0.1:0 in a thread (context manager)."""

    def __init__(self, copies: int = 1, distinct: bool = False) -> None:
        self.pages = load_pages(copies)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.routes = build_routes(self.pages)  # type: ignore[attr-defined]
        self._server.hits = []  # type: ignore[attr-defined]
        self._server.lock = threading.Lock()  # type: ignore[attr-defined]
        self._server.distinct = distinct  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Home page URL."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    @property
    def hits(self) -> list[str]:
        """Paths requested so far."""
        return list(self._server.hits)  # type: ignore[attr-defined]

    def __enter__(self) -> RealSiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)
        self._server.server_close()
