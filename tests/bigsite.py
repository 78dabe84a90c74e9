"""A generated news site of N articles served on 127.0.0.1, logging every request it answers.

Home page -> 20 section pages (each lists its articles) -> articles (each links 3 others).
Every page is generated from its path (nothing kept per page but the request counts), so a
2,000-page site starts instantly. Used by the shared-crawl tests and the benchmark.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from crawler.demosite.content import headline, paragraph, person

SECTIONS = 20
_STYLE = "<style>body{font-family:sans-serif}</style>"


def _page(title: str, body: str) -> bytes:
    nav = " ".join(f'<a href="/s{n}/">Section {n}</a>' for n in range(SECTIONS))
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
            f"{_STYLE}</head><body><header><nav><a href='/'>Home</a> {nav}</nav></header>"
            f"{body}<footer><p>Big Site News, 1 Example Street</p></footer></body></html>"
            ).encode()


class BigSite:
    """The pages of a site of ``articles`` articles."""

    def __init__(self, articles: int = 2000) -> None:
        self.articles = articles

    def paths(self) -> list[str]:
        """Every page's path: home, sections, articles."""
        return ["/", *(f"/s{n}/" for n in range(SECTIONS)),
                *(self.article_path(i) for i in range(self.articles))]

    def article_path(self, index: int) -> str:
        """Where article ``index`` lives."""
        return f"/s{index % SECTIONS}/a{index}.html"

    def render(self, path: str) -> bytes | None:
        """The HTML of ``path``, or None for a 404."""
        if path == "/":
            links = "".join(f'<li><a href="/s{n}/">Section {n} news</a></li>' for n in
                            range(SECTIONS))
            return _page("Big Site News", f"<main><h1>Latest news</h1><ul>{links}</ul></main>")
        parts = path.strip("/").split("/")
        if not parts[0].startswith("s") or not parts[0][1:].isdigit():
            return None
        section = int(parts[0][1:])
        if len(parts) == 1 and section < SECTIONS:
            return self._section(section)
        if len(parts) == 2 and parts[1].startswith("a") and parts[1].endswith(".html"):
            index = parts[1][1:-5]
            if index.isdigit() and int(index) < self.articles and int(index) % SECTIONS == section:
                return self._article(int(index))
        return None

    def _section(self, section: int) -> bytes:
        items = "".join(
            f'<li><a href="{self.article_path(i)}">Story {i} of section {section}</a></li>'
            for i in range(section, self.articles, SECTIONS))
        return _page(f"Section {section}", f"<main><h1>Section {section}</h1><ul>{items}</ul>"
                     "</main>")

    def _article(self, index: int) -> bytes:
        rng = random.Random(index)
        title = f"{headline(rng)} ({index})"
        text = "".join(f"<p>{paragraph(rng, (3, 5))}</p>" for _ in range(5))
        related = "".join(f'<li><a href="{self.article_path(rng.randrange(self.articles))}">'
                          f"More news</a></li>" for _ in range(3))
        body = (f"<main><article><h1>{title}</h1><p class='byline'>By {person(rng)}</p>"
                f"<time datetime='2026-11-{1 + index % 28:02d}T10:00:00Z'>November</time>"
                f"{text}</article><aside><h2>Related</h2><ul>{related}</ul></aside></main>")
        return _page(title, body)


class BigSiteServer:
    """Serves a BigSite on a free port of 127.0.0.1 in a thread; counts requests per path."""

    def __init__(self, articles: int = 2000, delay: float = 0.0) -> None:
        self.site = BigSite(articles)
        self.hits: Counter[str] = Counter()
        #: Most page requests (robots.txt left out) the server was answering at once.
        self.max_in_flight = 0
        self._in_flight = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's naming
                path = self.path.split("?", 1)[0]
                page = path != "/robots.txt"
                with server._lock:
                    server.hits[path] += 1
                    server._in_flight += page
                    server.max_in_flight = max(server.max_in_flight, server._in_flight)
                try:
                    if delay and page:
                        time.sleep(delay)
                    self._answer(path)
                finally:
                    with server._lock:
                        server._in_flight -= page

            def _answer(self, path: str) -> None:
                body = (b"User-agent: *\nAllow: /\n" if path == "/robots.txt"
                        else server.site.render(path))
                self.send_response(200 if body is not None else 404)
                ctype = "text/plain" if path == "/robots.txt" else "text/html; charset=utf-8"
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def page_hits(self) -> Counter[str]:
        """Requests per page path (robots.txt and unknown paths left out)."""
        with self._lock:
            return Counter({p: n for p, n in self.hits.items() if self.site.render(p)})

    def __enter__(self) -> BigSiteServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
