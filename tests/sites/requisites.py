"""A local news site whose pages use every kind of page requisite, on two hosts of 127.0.0.0/8.

``127.0.0.1`` serves the pages and the site's own stylesheets, scripts, fonts and images;
``127.0.0.2`` plays an image/script CDN (with a robots.txt that disallows ``/private/``).
Everything is real and renderable: PNG, JPEG, GIF, ICO and SVG images, a WOFF2 and a TTF
font (tests/sites/assets/, made by tools/make_test_assets.py), a stylesheet that
``@import``s two others, and a script that swaps lazy images in as a news site's would.

Use it from tests and benchmarks::

    with RequisiteSite() as site:          # or site = start_site(); ...; site.stop()
        site.home                          # http://127.0.0.1:PORT/
        site.expected_requisites()         # every requisite URL a crawl must archive
        site.hits                          # requests served, by (host, path)

:attr:`RequisiteSite.clean_pages` lists the pages whose every requisite loads (for replay
checks in a browser); :attr:`RequisiteSite.faults_page` also references a missing image, a
robots-blocked one, an unreachable host, a video and a big image.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.sites.pages import article_page, faults_page, home_page
from tests.sites.pngs import ico, noise_png, png

ASSETS = Path(__file__).resolve().parent / "assets"
MAIN_IP, CDN_IP = "127.0.0.1", "127.0.0.2"
LAST_MODIFIED = "Mon, 30 Nov 2026 08:00:00 GMT"
#: Articles with every requisite kind (the fourth resolves its URLs against <base href>).
ARTICLES = (1, 2, 3, 4)
UNREACHABLE = "http://cdn.example.invalid/lib.js"


@dataclass(frozen=True)
class Resource:
    """One file of the site: its type, bytes, and whether a default crawl must archive it."""

    content_type: str
    body: bytes
    expected: bool = True


def _css_site(cdn: str) -> str:
    return f"""@import url("base.css");
@import "print.css" print;
/* url(/img/commented-out.png) is in a comment: never fetched */
.hero {{ background-image: url("{cdn}/img/hero-bg.png"); height: 60px; }}
.lead img {{ max-width: 320px; }}
.note::after {{ content: "url(/img/in-a-string.png)"; }}
"""


_CSS_BASE = """@font-face {
  font-family: "Req Box";
  src: url(../fonts/box.woff2) format("woff2"), url('../fonts/box.ttf') format("truetype");
}
body { font-family: Georgia, serif; background: #fff url(../img/bg.png) repeat-x; margin: 8px; }
h1, .brand { font-family: "Req Box", monospace; }
img { display: block; margin: 4px 0; }
"""

_JS_SITE = """// Swap lazy images in, as news sites' own scripts do.
document.querySelectorAll('img[data-src],img[data-lazy-src],img[data-original]')
  .forEach(function (img) {
    var src = img.getAttribute('data-src') || img.getAttribute('data-lazy-src') ||
              img.getAttribute('data-original');
    if (img.getAttribute('data-srcset')) img.srcset = img.getAttribute('data-srcset');
    img.src = src;
  });
"""

_SVG = ('<svg xmlns="http://www.w3.org/2000/svg"><symbol id="dot" viewBox="0 0 10 10">'
        '<circle cx="5" cy="5" r="4" fill="#c00"/></symbol></svg>')


def _resources(main: str, cdn: str) -> dict[tuple[str, str], Resource]:
    """Every file of both hosts, keyed by (IP, path)."""
    jpeg = (ASSETS / "photo.jpg").read_bytes()
    files: dict[tuple[str, str], Resource] = {
        (MAIN_IP, "/static/site.css"): Resource("text/css", _css_site(cdn).encode()),
        (MAIN_IP, "/static/base.css"): Resource("text/css; charset=utf-8", _CSS_BASE.encode()),
        (MAIN_IP, "/static/print.css"): Resource("text/css", b"body { color: #111; }\n"),
        (MAIN_IP, "/fonts/box.woff2"): Resource("font/woff2", (ASSETS / "box.woff2").read_bytes()),
        (MAIN_IP, "/fonts/box.ttf"): Resource("font/ttf", (ASSETS / "box.ttf").read_bytes()),
        (MAIN_IP, "/img/bg.png"): Resource("image/png", png(8, 40, "bg")),
        (MAIN_IP, "/favicon.ico"): Resource("image/x-icon", ico("favicon")),
        (MAIN_IP, "/img/touch.png"): Resource("image/png", png(60, 60, "touch")),
        (MAIN_IP, "/img/submit.png"): Resource("image/png", png(40, 16, "submit")),
        (MAIN_IP, "/img/icons.svg"): Resource("image/svg+xml", _SVG.encode()),
        (MAIN_IP, "/js/site.js"): Resource("application/javascript", _JS_SITE.encode()),
        (MAIN_IP, "/js/module.js"): Resource("text/javascript", b"export const ready = 1;\n"),
        (CDN_IP, "/robots.txt"): Resource("text/plain", b"User-agent: *\nDisallow: /private/\n",
                                          expected=False),
        (CDN_IP, "/img/hero-bg.png"): Resource("image/png", png(64, 16, "hero")),
        (CDN_IP, "/img/logo.png"): Resource("image/png", png(120, 30, "logo")),
        (CDN_IP, "/js/cdn-lib.js"): Resource("application/javascript",
                                             b"window.cdnLib = {version: 1};\n"),
        # Faults: a robots-blocked image, a video (media is off by default), a big image.
        (CDN_IP, "/private/blocked.png"): Resource("image/png", png(8, 8, "blocked"), False),
        (MAIN_IP, "/media/clip.webm"): Resource("video/webm", b"\x1aE\xdf\xa3" + bytes(2048),
                                                False),
        (MAIN_IP, "/img/big.png"): Resource("image/png", noise_png(300, 300, "big")),
    }
    for i in ARTICLES:
        own = {
            (MAIN_IP, f"/img/a{i}-svg.png"): png(30, 30, f"svg{i}"),
            (MAIN_IP, f"/img/a{i}-inline.png"): png(50, 20, f"inline{i}"),
            (MAIN_IP, f"/img/a{i}-style.png"): png(50, 20, f"style{i}"),
            (MAIN_IP, f"/img/a{i}-lazy.png"): png(80, 40, f"lazy{i}"),
            (MAIN_IP, f"/img/a{i}-lazy-2x.png"): png(160, 80, f"lazy2x{i}"),
            (MAIN_IP, f"/img/a{i}-pic.png"): png(70, 35, f"pic{i}"),
            (MAIN_IP, f"/img/a{i}-poster.png"): png(96, 54, f"poster{i}"),
            (MAIN_IP, f"/img/a{i}-preload.png"): png(20, 20, f"preload{i}"),
            (CDN_IP, f"/img/a{i}-480.png"): png(48, 27, f"s480-{i}"),
            (CDN_IP, f"/img/a{i}-960.png"): png(96, 54, f"s960-{i}"),
            (CDN_IP, f"/img/a{i}-og.png"): png(60, 30, f"og{i}"),
            (CDN_IP, f"/img/a{i}-ld.png"): png(60, 30, f"ld{i}"),
            (CDN_IP, f"/img/a{i}-lazysrc.png"): png(80, 40, f"lazysrc{i}"),
            (CDN_IP, f"/img/a{i}-orig.png"): png(80, 40, f"orig{i}"),
        }
        files.update({key: Resource("image/png", body) for key, body in own.items()})
        # The same JPEG on every article's URL: archived once, then revisits (by digest).
        files[(CDN_IP, f"/img/a{i}-lead.jpg")] = Resource("image/jpeg", jpeg)
        files[(CDN_IP, f"/img/a{i}-pic.gif")] = Resource(
            "image/gif", (ASSETS / "anim.gif").read_bytes())
    base = f"/assets/a{ARTICLES[-1]}/photo.png"  # resolved against the page's <base href>
    files[(MAIN_IP, base)] = Resource("image/png", png(64, 32, "base-photo"))
    return files


class RequisiteSite:
    """The two servers of the site; a context manager (or :meth:`start` / :meth:`stop`)."""

    def __init__(self) -> None:
        self.hits: Counter[tuple[str, str]] = Counter()
        #: Requests that carried If-None-Match or If-Modified-Since, by (host, path).
        self.conditional: Counter[tuple[str, str]] = Counter()
        self.user_agents: set[str] = set()
        self._lock = threading.Lock()
        self._servers: list[ThreadingHTTPServer] = []
        self._threads: list[threading.Thread] = []
        self.main = self.cdn = ""
        self.files: dict[tuple[str, str], Resource] = {}
        self.pages: dict[str, bytes] = {}

    # --- URLs -----------------------------------------------------------------------------

    @property
    def home(self) -> str:
        """The seed: the home page."""
        return self.main + "/"

    @property
    def article_urls(self) -> list[str]:
        """Every article page (the clean ones and the faults page)."""
        return [self.main + p for p in self.pages if p.startswith("/news/")]

    @property
    def clean_pages(self) -> list[str]:
        """Pages whose every requisite is archived by a default crawl (for browser checks)."""
        return [self.main + p for p in self.pages if "faults" not in p]

    @property
    def faults_page(self) -> str:
        """The page with a missing, a blocked, an unreachable, a video and a big requisite."""
        return next(self.main + p for p in self.pages if "faults" in p)

    def url(self, ip: str, path: str) -> str:
        """The URL of a path on one of the two hosts."""
        return (self.main if ip == MAIN_IP else self.cdn) + path

    def expected_requisites(self) -> set[str]:
        """Every requisite URL a crawl with default settings must archive."""
        return {self.url(ip, path) for (ip, path), res in self.files.items() if res.expected}

    def blocked_requisites(self) -> set[str]:
        """Requisites robots.txt disallows."""
        return {self.cdn + "/private/blocked.png"}

    def missing_requisites(self) -> set[str]:
        """Requisites that answer 404, or whose host cannot be reached."""
        return {self.main + "/img/missing.png", UNREACHABLE}

    def media_requisites(self) -> set[str]:
        """Video and audio (not fetched by default)."""
        return {self.main + "/media/clip.webm"}

    # --- serving --------------------------------------------------------------------------

    def start(self) -> RequisiteSite:
        """Bind both hosts on free ports and serve in threads."""
        for ip in (MAIN_IP, CDN_IP):
            server = ThreadingHTTPServer((ip, 0), _handler(self, ip))
            server.daemon_threads = True
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            self._servers.append(server)
            self._threads.append(thread)
        self.main = f"http://{MAIN_IP}:{self._servers[0].server_address[1]}"
        self.cdn = f"http://{CDN_IP}:{self._servers[1].server_address[1]}"
        self.files = _resources(self.main, self.cdn)
        self.pages = {"/": home_page(self.main, self.cdn, ARTICLES)}
        for i in ARTICLES:
            path, html = article_page(i, self.main, self.cdn, base_href=i == ARTICLES[-1])
            self.pages[path] = html
        path, html = faults_page(self.main, self.cdn, UNREACHABLE)
        self.pages[path] = html
        return self

    def stop(self) -> None:
        """Stop both servers."""
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> RequisiteSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def answer(self, ip: str, path: str, headers: Any) -> tuple[int, str, bytes, bool]:
        """(status, content type, body, cacheable) of one GET; counts the hit."""
        with self._lock:
            self.hits[(ip, path)] += 1
            if headers.get("If-None-Match") or headers.get("If-Modified-Since"):
                self.conditional[(ip, path)] += 1
            self.user_agents.add(headers.get("User-Agent") or "")
        if ip == MAIN_IP and path in self.pages:
            return 200, "text/html; charset=utf-8", self.pages[path], False
        if ip == MAIN_IP and path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nAllow: /\n", False
        found = self.files.get((ip, path))
        if found is None:
            return 404, "text/html", b"<h1>Not found</h1>", False
        return 200, found.content_type, found.body, True


def _handler(site: RequisiteSite, ip: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            path = self.path.split("?", 1)[0]
            status, ctype, body, cacheable = site.answer(ip, path, self.headers)
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if status == 200 and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            if status == 200:
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", LAST_MODIFIED)
                self.send_header("Cache-Control", "max-age=3600" if cacheable else "no-cache")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


def start_site() -> RequisiteSite:
    """Start the site on free ports; call ``stop()`` when done."""
    return RequisiteSite().start()


def describe(site: RequisiteSite) -> str:
    """The site's URLs as JSON (``python -m tests.sites.requisites`` prints it and serves)."""
    return json.dumps({"home": site.home, "clean_pages": site.clean_pages,
                       "faults_page": site.faults_page,
                       "requisites": sorted(site.expected_requisites())}, indent=1)


if __name__ == "__main__":
    import time

    with RequisiteSite() as running:
        print(describe(running), flush=True)
        while True:
            time.sleep(3600)
