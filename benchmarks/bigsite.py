"""A generated news site of about 5,000 pages on 127.0.0.1, for crash and resume benchmarks.

Home page -> 10 sections x 25 list pages (each list page links every page of its section, so
every list page is at depth 2) -> 19 articles per list page (4,750 articles, depth 3), each
with a byline, JSON-LD dates, five paragraphs and links to three related articles. Articles
are dated 10 to 400 days back, so an incremental crawl never finds one due for a revisit.
Answers carry ``ETag`` and ``Last-Modified`` and honour ``If-None-Match``.
"""

from __future__ import annotations

import hashlib
import random
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECTIONS = ("world", "politics", "business", "science", "culture", "sport", "health",
            "climate", "tech", "opinion")
LIST_PAGES = 25
PER_PAGE = 19
WORDS = ("council", "river", "budget", "minister", "harbour", "school", "union", "market",
         "railway", "hospital", "farmers", "report", "court", "energy", "storm", "museum",
         "bridge", "election", "village", "factory", "teachers", "drought", "festival")
_NOW = datetime(2026, 11, 1, tzinfo=UTC)


def article_count() -> int:
    """Articles on the site."""
    return len(SECTIONS) * LIST_PAGES * PER_PAGE


def article_path(number: int) -> str:
    """URL path of article ``number`` (0-based)."""
    section = SECTIONS[number % len(SECTIONS)]
    return f"/{section}/story-{number:05d}/"


def list_path(section: str, page: int) -> str:
    """URL path of a section's list page (1-based)."""
    return f"/{section}/" if page == 1 else f"/{section}/page/{page}/"


def all_paths() -> tuple[set[str], set[str]]:
    """(list paths incl. the home page, article paths) of the whole site."""
    lists = {"/"} | {list_path(s, p) for s in SECTIONS for p in range(1, LIST_PAGES + 1)}
    return lists, {article_path(n) for n in range(article_count())}


def _page(title: str, body: str, head: str = "") -> bytes:
    nav = " ".join(f'<a href="{list_path(s, 1)}">{s.title()}</a>' for s in SECTIONS)
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}"
            f"</title>{head}</head><body><header><nav>{nav}</nav></header>{body}"
            "<footer><p>The Bench Gazette. All rights reserved.</p></footer></body></html>"
            ).encode()


def _date(number: int) -> datetime:
    return _NOW - timedelta(days=10 + number % 390, minutes=number)


def _article(number: int) -> bytes:
    rng = random.Random(number)
    title = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} talks over the {rng.choice(WORDS)}"
    when = _date(number).strftime("%Y-%m-%dT%H:%M:%SZ")
    paragraphs = "".join(
        "<p>" + " ".join(rng.choice(WORDS) for _ in range(45)).capitalize() + ".</p>"
        for _ in range(5)
    )
    related = "".join(
        f'<li><a href="{article_path(rng.randrange(article_count()))}">Related story</a></li>'
        for _ in range(3)
    )
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", '
            f'"headline": "{title}", "datePublished": "{when}", "dateModified": "{when}"}}'
            "</script>")
    body = (f"<main><article><h1>{title}</h1><p class='byline'>By Ada Reporter, {when}</p>"
            f"{paragraphs}</article><aside><h2>Related</h2><ul>{related}</ul></aside></main>")
    return _page(title, body, head)


def _list(section: str, page: int) -> bytes:
    first = (page - 1) * PER_PAGE
    numbers = [SECTIONS.index(section) + len(SECTIONS) * (first + i) for i in range(PER_PAGE)]
    items = "".join(f'<li><a href="{article_path(n)}">Story {n}</a></li>' for n in numbers)
    pages = " ".join(f'<a href="{list_path(section, p)}">{p}</a>'
                     for p in range(1, LIST_PAGES + 1))
    return _page(f"{section.title()} page {page}",
                 f"<main><h1>{section.title()}</h1><ul>{items}</ul><p>{pages}</p></main>")


def render(path: str) -> tuple[int, bytes, datetime | None]:
    """(status, HTML, last modified) of a path."""
    if path == "/":
        links = "".join(f'<li><a href="{list_path(s, 1)}">{s}</a></li>' for s in SECTIONS)
        return 200, _page("The Bench Gazette", f"<main><ul>{links}</ul></main>"), None
    parts = [p for p in path.split("/") if p]
    if parts and parts[0] in SECTIONS:
        if len(parts) == 2 and parts[1].startswith("story-") and parts[1][6:].isdigit():
            number = int(parts[1][6:])
            if number < article_count() and article_path(number) == path:
                return 200, _article(number), _date(number)
        if len(parts) == 1:
            return 200, _list(parts[0], 1), None
        if len(parts) == 3 and parts[1] == "page" and parts[2].isdigit():
            if 1 < int(parts[2]) <= LIST_PAGES:
                return 200, _list(parts[0], int(parts[2])), None
    return 404, _page("Not found", "<p>Not found</p>"), None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's naming
        """Answer one GET (robots.txt allows everything)."""
        path = self.path.split("?", 1)[0]
        if path == "/robots.txt":
            status, body, modified = 200, b"User-agent: *\nAllow: /\n", None
        else:
            status, body, modified = render(path)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if status == 200 and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(status)
        ctype = "text/plain" if path == "/robots.txt" else "text/html; charset=utf-8"
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        if modified is not None:
            self.send_header("Last-Modified", format_datetime(modified, usegmt=True))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A crawler killed mid-request resets its connections: not worth a traceback."""


class BigSite:
    """The site served from a daemon thread; a context manager."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Home page URL."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def __enter__(self) -> BigSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
