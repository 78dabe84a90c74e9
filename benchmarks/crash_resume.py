"""Crash and resume: 20 SIGKILLs at random times, then a run that finishes; what was lost or wasted.

Run: ``.venv/bin/python -m benchmarks.crash_resume [--kills 20] [--seed 11]``

A generated site of 5,001 pages (benchmarks/bigsite.py: 251 list pages, 4,750 articles) is
served on 127.0.0.1. Each crawler is started, SIGKILLed after a random 3-12 s (``--seed``),
started again, and so on ``--kills`` times; then it runs to the end. Both crawlers get the
same kill times:

- ``ours``: ``crawler crawl`` (incremental, resumes from its WARCs), delays off;
- ``anchor``: a naive Scrapy spider following every link, with ``JOBDIR`` for pause/resume,
  writing each response to a WARC with warcio and each article to a JSON lines feed.

Printed per crawler: pages never archived, refetches after a complete record (articles; and
list pages and robots.txt, which are fetched again by policy), torn records (the most in one
WARC file right after a kill, and how many are left at the end), articles in the store (for
the anchor: in its feed) beside article responses in the WARCs, and processes left running
after the kills.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bigsite import BigSite, all_paths  # noqa: E402
from tests.procs import descendants, wait_gone  # noqa: E402

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=false",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "DEPTH_LIMIT=4"]

ANCHOR = r'''
import sys, os, io
import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor
from warcio.warcwriter import WARCWriter
from warcio.statusandheaders import StatusAndHeaders

out = sys.argv[2]
warc = open(os.path.join(out, f"naive-{os.getpid()}.warc.gz"), "ab")
writer = WARCWriter(warc, gzip=True)

class Naive(scrapy.Spider):
    name = "naive"
    start_urls = [sys.argv[1]]
    links = LinkExtractor()

    def parse(self, response):
        headers = [(k.decode(), v.decode()) for k, vs in response.headers.items() for v in vs]
        http = StatusAndHeaders(f"{response.status} OK", headers, protocol="HTTP/1.1")
        record = writer.create_warc_record(response.url, "response",
                                           payload=io.BytesIO(response.body),
                                           http_headers=http)
        writer.write_record(record)
        warc.flush()
        if "/story-" in response.url:
            yield {"url": response.url}
        for link in self.links.extract_links(response):
            if link.url.startswith(self.start_urls[0]):
                yield response.follow(link.url, self.parse)

process = CrawlerProcess({
    "JOBDIR": os.path.join(out, "job"), "LOG_LEVEL": "ERROR", "ROBOTSTXT_OBEY": True,
    "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "DEPTH_LIMIT": 4,
    "TELNETCONSOLE_ENABLED": False,
    "FEEDS": {os.path.join(out, "items.jsonl"): {"format": "jsonlines"}},
})
process.crawl(Naive)
process.start()
'''


def ours_command(url: str, folder: Path) -> list[str]:
    """``crawler crawl`` into ``folder``."""
    return [sys.executable, "-m", "crawler.cli", "crawl", url, "--archive-dir", str(folder),
            *FAST]


def anchor_command(url: str, folder: Path) -> list[str]:
    """The naive Scrapy + JOBDIR crawl into ``folder`` (a script file: Scrapy reads its source)."""
    script = folder.parent / "naive_spider.py"
    script.write_text(ANCHOR)
    return [sys.executable, str(script), url, str(folder)]


def crash_runs(
    command: list[str], folder: Path, kills: list[float], timeout: float
) -> tuple[int, int, float]:
    """Kill a crawl at each time of ``kills``, then let one finish.

    Returns (leftover processes, most torn records in one file right after a kill, seconds).
    """
    started, leftovers, torn = time.monotonic(), 0, 0
    for delay in kills:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        below: set[int] = set()
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline and proc.poll() is None:
            below |= descendants(proc.pid)
            time.sleep(0.1)
        below |= descendants(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        left = wait_gone(below, timeout=5)
        leftovers += len(left)
        for pid in left:  # ours to clean up: this benchmark started them
            os.kill(pid, signal.SIGKILL)
        torn = max(torn, max(read_warcs(folder, with_open=True)[1].values(), default=0))
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=timeout, check=False)
    return leftovers, torn, time.monotonic() - started


def read_warcs(
    folder: Path, with_open: bool = False
) -> tuple[list[tuple[str, int]], dict[str, int]]:
    """Complete response/revisit records (path, status) in file order; torn records per file."""
    from warcio.archiveiterator import ArchiveIterator

    ends = (".warc.gz", ".warc.gz.open") if with_open else (".warc.gz",)
    files = sorted((p for p in folder.rglob("*.warc.gz*") if p.name.endswith(ends)),
                   key=lambda p: (p.stat().st_mtime, p.name))
    records: list[tuple[str, int]] = []
    torn: dict[str, int] = {}
    for path in files:
        torn[path.name] = 0
        with open(path, "rb") as stream:
            try:
                for record in ArchiveIterator(stream, no_record_parse=True):
                    block = record.raw_stream.read()
                    expected = int(record.rec_headers.get_header("Content-Length") or 0)
                    if len(block) != expected:
                        torn[path.name] += 1
                    elif record.rec_type in ("response", "revisit"):
                        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                        records.append((urlsplit(uri).path, _status(block)))
            except Exception:  # noqa: BLE001 - a torn gzip member at the end
                torn[path.name] += 1
    return records, torn


def _status(block: bytes) -> int:
    """The HTTP status of a response block (``HTTP/1.1 200 OK``), 0 if unreadable."""
    parts = block[:64].split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def measure(folder: Path, stored_articles: set[str]) -> dict[str, object]:
    """The figures of one crawler's archive."""
    lists, articles = all_paths()
    records, torn = read_warcs(folder)
    complete: set[str] = set()
    refetched: Counter[str] = Counter()
    for path, status in records:
        if path in complete:
            refetched["article" if path in articles else "list"] += 1
        if status in (200, 304):
            complete.add(path)
    archived_articles = {p for p, status in records if status == 200 and p in articles}
    return {
        "never archived": len((lists | articles) - complete),
        "article refetches": refetched["article"],
        "list page + robots.txt refetches (policy)": refetched["list"],
        "torn records left at the end": sum(torn.values()),
        "articles stored / article responses": f"{len(stored_articles)} / "
                                               f"{len(archived_articles)}",
    }


def ours_stored(folder: Path) -> set[str]:
    """Article paths in our store."""
    from crawler.store import open_store

    with open_store(folder) as store:
        return {urlsplit(a.url).path for a in store.iter_articles()}


def anchor_stored(folder: Path) -> set[str]:
    """Article paths in the naive crawl's JSON lines feed (lines torn by a kill are skipped)."""
    found = set()
    feed = folder / "items.jsonl"
    for line in feed.read_text().splitlines() if feed.exists() else []:
        try:
            found.add(urlsplit(json.loads(line)["url"]).path)
        except (ValueError, KeyError):
            continue
    return found


def main() -> int:
    """Run both crawlers through the same kills and print the figures side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--timeout", type=float, default=1200, help="for the final runs")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    kills = [rng.uniform(3, 12) for _ in range(args.kills)]
    print(f"load average {os.getloadavg()[0]:.2f}; {args.kills} SIGKILLs at "
          f"{', '.join(f'{k:.1f}' for k in kills)} s", flush=True)
    rows = {}
    with BigSite() as site, tempfile.TemporaryDirectory() as tmp:
        for name, command, stored in (("ours", ours_command, ours_stored),
                                      ("anchor", anchor_command, anchor_stored)):
            folder = Path(tmp) / name
            folder.mkdir()
            leftovers, torn, seconds = crash_runs(command(site.url, folder), folder, kills,
                                                  args.timeout)
            rows[name] = {**measure(folder, stored(folder)),
                          "torn records per file after a kill (max)": torn,
                          "leftover processes": leftovers, "seconds": f"{seconds:.0f}"}
            print(f"{name}: done in {seconds:.0f} s", flush=True)
    print(f"\n{'':40} {'ours':>14} {'Scrapy+JOBDIR':>14}")
    for key in rows["ours"]:
        print(f"{key:40} {rows['ours'][key]!s:>14} {rows['anchor'][key]!s:>14}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
