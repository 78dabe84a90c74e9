"""Crawl throughput with WARC writing on vs off, measured in the same run on a local site.

Run: ``.venv/bin/python -m benchmarks.warc_throughput [--pages N] [--size BYTES] [--repeat R]``

A threaded HTTP server on 127.0.0.1 serves N HTML pages of about BYTES each (half of them
gzip-encoded, half chunked). Each mode crawls all pages in a fresh subprocess with delays and
robots.txt off and reports pages/s and CPU ms per page of the crawl process (best of R runs;
CPU time is the steadier figure on a shared machine):

- ``anchor``: Scrapy's stock HTTP/1.1 handler, no WARC (what a plain Scrapy crawl costs);
- ``tap``: our wire-capture handler, WARC writing off (cost of the byte tap alone);
- ``warc``: wire capture plus WARC writing, dedup and CDXJ indexing (the default setup).
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STOCK = "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"


def make_page(index: int, size: int) -> bytes:
    """An HTML page of about ``size`` bytes with links to nothing (the crawl list is fixed)."""
    para = f"<p>Paragraph of page {index} with some words to fill the body.</p>\n".encode()
    return b"<!doctype html><html><body>" + para * max(1, size // len(para)) + b"</body></html>"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    size = 30_000

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        """Serve page N: odd pages gzip-encoded, pages 2-3 mod 4 chunked."""
        index = int(self.path.rsplit("/", 1)[-1] or 0)
        body = make_page(index, self.size)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if index % 2:
            body = gzip.compress(body, 5)
            self.send_header("Content-Encoding", "gzip")
        if index % 4 < 2:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for start in range(0, len(body), 8192):
            chunk = body[start:start + 8192]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")

    def log_message(self, *args: object) -> None:
        """Quiet."""


CRAWL_SCRIPT = r"""
import json, sys, time
import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from crawler import settings as project

urls, overrides = json.loads(sys.argv[1]), json.loads(sys.argv[2])

class Bench(scrapy.Spider):
    name = "bench"
    count = 0
    async def start(self):
        for url in urls:
            yield scrapy.Request(url, dont_filter=True)
    def parse(self, response):
        Bench.count += 1

settings = Settings()
settings.setmodule(project)
settings.update({"SPIDER_MODULES": [], "ITEM_PIPELINES": {}, "DOWNLOAD_DELAY": 0,
                 "AUTOTHROTTLE_ENABLED": False, "ROBOTSTXT_OBEY": False, "LOG_LEVEL": "ERROR",
                 "CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
                 "EXTENSIONS": {"crawler.shell.extensions.warc.WarcWriterExtension": 100}})
settings.update(overrides)
process = CrawlerProcess(settings)
process.crawl(Bench)
start = time.perf_counter()
process.start()
print(json.dumps({"pages": Bench.count, "seconds": time.perf_counter() - start}))
"""


def crawl(urls: list[str], overrides: dict) -> dict:
    """Run one crawl in a fresh interpreter; return pages, wall seconds and CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(
        [sys.executable, "-c", CRAWL_SCRIPT, json.dumps(urls), json.dumps(overrides)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"crawl failed: {proc.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    # CPU time of the crawl process is steadier than wall time on a shared machine.
    result["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result


def modes(archive: Path) -> dict[str, dict]:
    """Settings of each measured mode."""
    stock = {"http": STOCK, "https": STOCK}
    return {
        "anchor": {"DOWNLOAD_HANDLERS": stock, "WARC_ENABLED": False},
        "tap": {"WARC_ENABLED": False},
        "warc": {"WARC_ENABLED": True, "ARCHIVE_DIR": str(archive)},
    }


def main() -> None:
    """Measure each mode and print pages/s beside the anchor."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--size", type=int, default=30_000, help="HTML bytes per page")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    _Handler.size = args.size
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    urls = [f"http://127.0.0.1:{server.server_port}/page/{i}" for i in range(args.pages)]
    results: dict[str, float] = {}
    cpu: dict[str, float] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for repeat in range(args.repeat):
                for name, overrides in modes(Path(tmp) / f"archive{repeat}").items():
                    out = crawl(urls, overrides)
                    rate = out["pages"] / out["seconds"]
                    results[name] = max(results.get(name, 0.0), rate)
                    cpu_ms = 1000 * out["cpu"] / max(1, out["pages"])
                    cpu[name] = min(cpu.get(name, float("inf")), cpu_ms)
                    print(f"  run {repeat + 1} {name:6s} {out['pages']} pages "
                          f"in {out['seconds']:.2f}s = {rate:.0f} pages/s, "
                          f"{cpu_ms:.2f} ms CPU/page", flush=True)
            warc_bytes = sum(p.stat().st_size for p in Path(tmp).glob("archive*/warc/*"))
    finally:
        server.shutdown()
        server.server_close()
    anchor = results["anchor"]
    print(f"\nWARC throughput, {args.pages} pages of ~{args.size} B (best of {args.repeat}):")
    for name, label in (("anchor", "Scrapy stock handler, no WARC (anchor)"),
                        ("tap", "wire-capture handler, WARC off"),
                        ("warc", "wire-capture + WARC writing")):
        print(f"  {label:42s} {results[name]:7.0f} pages/s ({results[name] / anchor:4.2f}x)"
              f"  {cpu[name]:5.2f} ms CPU/page ({cpu[name] / cpu['anchor']:4.2f}x)")
    print(f"  WARC bytes written: {warc_bytes / args.repeat / 1e6:.1f} MB per crawl")


if __name__ == "__main__":
    main()
