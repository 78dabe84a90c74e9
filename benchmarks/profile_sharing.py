"""Text quality of a shared crawl whose workers each learn the site's boilerplate on their own.

Run: ``.venv/bin/python -m benchmarks.profile_sharing``

Site-level learning (crawler/extract/sitelearn.py) removes blocks that repeat across a site's
pages. This serves a local site of 120 articles with known text whose "Opinion" column of
prose teasers sits inside the article column, looks like article text, and is kept unless
the site profile says it repeats (tests/extract/sitepages.py). In a crawl shared by N workers
each worker learns from the pages it fetched itself (about 1/N of them). The site is crawled
in one process and with 2 and 4 workers, with the usual warm-up (articles held until 8 pages
of the site were seen) and without it; the stored texts are scored against the truth (word
4-gram F1, as benchmarks/extraction.py) and articles with teaser text left are counted.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.extraction import score, tp_fp_fn  # noqa: E402
from crawler.demosite.content import headline, paragraph  # noqa: E402
from crawler.store import open_store  # noqa: E402
from tests.extract import sitepages  # noqa: E402
from tests.redisserver import RedisServer  # noqa: E402

ARTICLES = 120
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "PROGRESS_ENABLED=false"]
#: (label, workers, extra settings).
RUNS = [("one process", 1, []), ("2 workers", 2, []), ("4 workers", 4, []),
        ("4 workers, warm-up 24", 4, ["-s", "EXTRACT_WARMUP_PAGES=24"]),
        ("one process, no warm-up", 1, ["-s", "EXTRACT_WARMUP_PAGES=0"]),
        ("2 workers, no warm-up", 2, ["-s", "EXTRACT_WARMUP_PAGES=0"]),
        ("4 workers, no warm-up", 4, ["-s", "EXTRACT_WARMUP_PAGES=0"])]


def stories() -> dict[str, tuple[str, list[str]]]:
    """Path -> (title, paragraphs) of the site's articles."""
    out = {}
    for index in range(ARTICLES):
        rng = random.Random(index)
        out[f"/news/{index}.html"] = (headline(rng), [paragraph(rng, (3, 5)) for _ in range(4)])
    return out


class TeaserSite:
    """The site on 127.0.0.1: a home page linking every article."""

    def __init__(self) -> None:
        pages = {path: sitepages.page(title, paras).encode()
                 for path, (title, paras) in stories().items()}
        links = "".join(f'<li><a href="{p}">Story {n}</a></li>' for n, p in enumerate(pages))
        pages["/"] = f"<html><body><h1>News</h1><ul>{links}</ul></body></html>".encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's naming
                body = pages.get(self.path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        """Stop serving."""
        self.httpd.shutdown()
        self.httpd.server_close()


def crawl(
    url: str, archive: Path, workers: int, redis_url: str, extra: list[str]
) -> dict[str, str]:
    """Crawl the site; return the stored article texts by URL path."""
    if workers > 1:
        extra = [*extra, "--workers", str(workers), "--redis", redis_url]
    cmd = [sys.executable, "-m", "crawler.cli", "crawl", url, "--archive-dir", str(archive),
           *FAST, *extra]
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, timeout=900)
    with open_store(archive, create=False) as store:
        return {urlsplit(a.url).path: a.text for a in store.iter_articles()}


def main() -> int:
    """Print F1 and teaser leaks per run."""
    truth = {path: "\n".join(paras) for path, (_, paras) in stories().items()}
    teasers = [text for _, text in sitepages.TEASERS]
    print(f"{'crawl':<26} {'articles':>8} {'F1':>7} {'precision':>9} {'recall':>7} "
          f"{'with teasers':>12}")
    with tempfile.TemporaryDirectory() as tmp, RedisServer(Path(tmp) / "redis") as redis:
        for n, (label, workers, extra) in enumerate(RUNS):
            site = TeaserSite()  # a fresh port per run: the next crawl must not be incremental
            try:
                texts = crawl(site.url, Path(tmp) / f"a{n}", workers, redis.url, extra)
            finally:
                site.close()
            pages = [tp_fp_fn(truth[path], text) for path, text in texts.items() if path in truth]
            leaks = sum(any(t in text for t in teasers) for text in texts.values())
            m = score(pages) if pages else {"f1": 0.0, "precision": 0.0, "recall": 0.0}
            print(f"{label:<26} {len(texts):>8} {m['f1']:>7.4f} {m['precision']:>9.4f} "
                  f"{m['recall']:>7.4f} {leaks:>12}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
