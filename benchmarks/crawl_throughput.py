"""Crawl throughput and memory of our pipeline vs bare Scrapy, on a local site of real news pages.

Run: ``.venv/bin/python -m benchmarks.crawl_throughput [--copies 28] [--memory-copies 28,110]``

A threaded server on 127.0.0.1 serves the 181 real article pages of the extraction benchmark
(each ``--copies`` times under different URLs, gzip-encoded) behind generated home and
paginated section pages (see tests/crawl/realsite.py). Each mode crawls the site from its home
page in fresh subprocesses, delays and AutoThrottle off, robots.txt obeyed:

- ``anchor``: bare Scrapy following links with LinkExtractor, no output at all;
- ``ours``: ``crawler crawl``'s pipeline in one process: wire capture, WARC + CDXJ, the
  analysis pool (one parse for links and extraction), site warm-up, the SQLite text store;
- ``ours-inline``: the same with ``EXTRACT_WORKERS=0`` (analysis on the reactor thread);
- ``workers-2``: ``crawler crawl --workers 2 --redis URL``: two worker processes of one crawl
  shared in a real redis-server (started here on 127.0.0.1), one archive folder;
- ``workers-2-inline``: the same with ``EXTRACT_WORKERS=0``: each worker does its analysis
  itself, so each needs one core (compare with ``ours-inline``: what sharing adds per core).

"cores busy" is the whole machine's CPU use during the run (``/proc/stat``: the crawl, its
analysis workers, redis-server and the local site's server alike), in cores: where it is
already near the machine's core count for one process, more processes cannot go faster.

Prints pages/s (pages / Scrapy's crawl time; for ``workers-2`` the longest worker's), CPU ms
per page and the peak RSS of every process (``VmHWM``; see benchmarks/procmem.py for why not
``ru_maxrss``). ``--memory-copies`` then crawls sites of the given
sizes with ``ours``, every copy of a page a new text (its letters permuted per copy, so the
site learner, the copy detector and the store see a new article on every page, as on a real
news site), and prints the crawl process's peak RSS at each size, the growth per page and
what it projects for 100,000 pages (``--memory-copies 28,525`` measures 100,000 directly).
Needs ../shared (the benchmark pages); exits 0 with a note without it.

First, on a generated site whose pages share a stylesheet and a script and each have two
images of their own (no ../shared needed): pages/s and WARC bytes with page requisites on
and off, beside ``wget --recursive --page-requisites --warc-file`` (benchmarks/
requisite_bench.py; ``--requisite-pages 0`` skips it).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.procmem import TreePeaks  # noqa: E402
from tests.crawl import realsite  # noqa: E402

FAST = {
    "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "LOG_LEVEL": "INFO", "TELNETCONSOLE_ENABLED": False,
    "DEPTH_LIMIT": 4,
}
MODES = ("anchor", "ours", "ours-inline", "workers-2", "workers-2-inline")

ANCHOR = r"""
import json, resource, sys
import scrapy
from crawler.extensions.memory import peak_rss_kb
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor

class Bare(scrapy.Spider):
    name = "bare"
    start_urls = [sys.argv[1]]
    links = LinkExtractor()  # allow_domains would compare "127.0.0.1" with "host:port"
    def parse(self, response):
        if not hasattr(response, "text"):
            return
        for link in self.links.extract_links(response):
            if link.url.startswith(self.start_urls[0]):
                yield response.follow(link.url, self.parse)

settings = json.loads(sys.argv[2])
settings.update({"ROBOTSTXT_OBEY": True, "LOG_LEVEL": "WARNING"})
process = CrawlerProcess(settings)
crawler = process.create_crawler(Bare)
process.crawl(crawler)
process.start()
stats = crawler.stats.get_stats()
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"pages": stats.get("response_received_count", 0),
                  "elapsed": stats.get("elapsed_time_seconds", 0),
                  "cpu": usage.ru_utime + usage.ru_stime, "rss": {"crawl": peak_rss_kb()}}))
"""

OURS = r"""
import json, resource, sys
from pathlib import Path
from crawler.extensions.memory import peak_rss_kb
from crawler.runner import CrawlJob, run_jobs
settings = {k: str(v) for k, v in json.loads(sys.argv[2]).items()}
report = run_jobs([CrawlJob("bench", [sys.argv[1]])], Path(sys.argv[3]), settings)
stats = report.jobs[0].stats
usage = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"pages": stats.get("response_received_count", 0),
                  "articles": stats.get("pages/article", 0),
                  "elapsed": stats.get("elapsed_time_seconds", 0),
                  "cpu": usage.ru_utime + usage.ru_stime + kids.ru_utime + kids.ru_stime,
                  "rss": {"crawl": peak_rss_kb()}}))
"""


def _busy_jiffies() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine so far (Linux ``/proc/stat``)."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(x) for x in stat.readline().split()[1:]]
    except OSError:
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def _workers(url: str, settings: dict[str, Any], tmp: str) -> dict[str, Any]:
    """``crawler crawl --workers 2`` against a redis-server of our own; its merged report."""
    from tests.redisserver import RedisServer

    pairs = [f"--set={k}={v}" for k, v in settings.items()]
    report = Path(tmp) / "report.json"
    with RedisServer(Path(tmp) / "redis") as redis:
        cmd = [sys.executable, "-m", "crawler.cli", "crawl", url, "--workers", "2", "--redis",
               redis.url, "--archive-dir", str(Path(tmp) / "archive"), *pairs,
               "--report-json", str(report)]
        _stdout, peaks = _run_followed(cmd, 1800)
        peak = _redis_peak_kb(redis.port)
    data = json.loads(report.read_text())
    workers = data["workers"]
    rss = {f"worker {n + 1}": w["max_rss_kb"] for n, w in enumerate(workers)}
    if peaks.largest_below(1):
        rss["largest analysis worker"] = peaks.largest_below(1)
    rss["redis-server"] = peak
    stats = data["jobs"][0]["stats"]
    return {"pages": stats.get("response_received_count", 0),
            "articles": stats.get("pages/article", 0),
            "elapsed": max(w["crawl_seconds"] for w in workers), "cpu": None, "rss": rss}


def _redis_peak_kb(port: int) -> int:
    """redis-server's peak memory use (its own account), kB."""
    import redis

    info = redis.StrictRedis(host="127.0.0.1", port=port).info("memory")
    return int(info.get("used_memory_peak", 0)) // 1024


def run_mode(mode: str, url: str) -> dict[str, Any]:
    """Crawl ``url`` once in ``mode`` in fresh processes; return its figures."""
    before = _busy_jiffies()
    result = _run_mode(mode, url)
    after = _busy_jiffies()
    if after[1] > before[1]:
        share = (after[0] - before[0]) / (after[1] - before[1])
        # The share of the run's wall time; the crawl proper is most of it.
        result["cores_busy"] = share * (os.cpu_count() or 1)
    return result


def _run_mode(mode: str, url: str) -> dict[str, Any]:
    settings: dict[str, Any] = dict(FAST)
    with tempfile.TemporaryDirectory() as tmp:
        if mode.startswith("workers-2"):
            settings["PROGRESS_ENABLED"] = False
            if mode.endswith("-inline"):
                settings["EXTRACT_WORKERS"] = 0
            return _workers(url, settings, tmp)
        if mode == "anchor":
            # A file, not -c: Scrapy reads the callback's source (inspect.getsource).
            script = Path(tmp) / "bare_spider.py"
            script.write_text(ANCHOR)
            cmd = [sys.executable, str(script), url, json.dumps(settings)]
        else:
            settings["PROGRESS_ENABLED"] = False
            if mode == "ours-inline":
                settings["EXTRACT_WORKERS"] = 0
            cmd = [sys.executable, "-c", OURS, url, json.dumps(settings), tmp]
        stdout, peaks = _run_followed(cmd, 3600)
        result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
        if peaks.largest_below(0):  # none for the anchor and with analysis inline
            result["rss"]["largest analysis worker"] = peaks.largest_below(0)
        return result


def _run_followed(cmd: list[str], timeout: float) -> tuple[str, TreePeaks]:
    """Run ``cmd``, following the peak RSS of its process tree; its stdout and the peaks."""
    # The anchor runs as a script in a temporary folder: it finds benchmarks/ on the path.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    with subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, env=env) as proc, TreePeaks(proc.pid) as peaks:
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise SystemExit(f"timed out after {timeout:.0f} s: {' '.join(cmd[:4])}") from None
    if proc.returncode != 0:
        raise SystemExit(f"failed:\n{stdout[-2000:]}{stderr[-2000:]}")
    return stdout, peaks


def _print_table(best: dict[str, dict[str, Any]]) -> None:
    print(f"{'mode':<16} {'pages':>6} {'articles':>8} {'seconds':>8} {'pages/s':>8} "
          f"{'CPU ms/page':>11} {'cores busy':>10}  peak RSS per process (MB)")
    for mode, r in best.items():
        cpu = f"{1000 * r['cpu'] / max(r['pages'], 1):.1f}" if r.get("cpu") else "-"
        busy = f"{r['cores_busy']:.2f}" if "cores_busy" in r else "-"
        rss = ", ".join(f"{name} {kb / 1024:.0f}" for name, kb in r["rss"].items())
        print(f"{mode:<16} {r['pages']:>6} {r.get('articles', '-'):>8} {r['elapsed']:>8.1f} "
              f"{r['rate']:>8.1f} {cpu:>11} {busy:>10}  {rss}")
    for shared, single in (("workers-2", "ours"), ("workers-2", "anchor"),
                           ("workers-2-inline", "ours-inline")):
        if shared in best and single in best:
            ratio = best[shared]["rate"] / max(best[single]["rate"], 1e-9)
            print(f"{shared} / {single}: {ratio:.2f}x pages/s (target >= 1.5x)")


def _memory(sizes: list[int]) -> None:
    """Crawl sites of new articles (``distinct`` copies) of each size with ``ours``; print the
    crawl process's peak RSS at each, the growth per page and what it projects for 100,000."""
    runs = []
    for copies in sizes:
        with realsite.RealSiteServer(copies=copies, distinct=True) as site:
            runs.append(run_mode("ours", site.url))
        print(f"memory: crawl process peak RSS {runs[-1]['rss']['crawl'] / 1024:.0f} MB at "
              f"{runs[-1]['pages']} pages of new text", flush=True)
    small, big = runs[0], runs[-1]
    if len(runs) < 2:
        return
    grow = (big["rss"]["crawl"] - small["rss"]["crawl"]) / max(big["pages"] - small["pages"], 1)
    projected = big["rss"]["crawl"] + grow * max(100_000 - big["pages"], 0)
    print(f"memory: {grow:.2f} kB more per page from {small['pages']} to {big['pages']} pages; "
          f"at 100,000 pages: {projected / 1024:.0f} MB"
          f"{' (measured)' if big['pages'] >= 100_000 else ' (projected)'}, target <= 300 MB")


def main(argv: list[str] | None = None) -> int:
    """Run every mode against one local site; print the table (and the memory comparison)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--copies", type=int, default=28, help="copies of the 181 pages")
    parser.add_argument("--repeat", type=int, default=1, help="runs per mode (best kept)")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--memory-copies", default="28,110",
                        help="copies per memory run, comma-separated (28: ~5,400 pages, "
                             "110: ~21,000, 525: ~100,000; 0: skip)")
    parser.add_argument("--requisite-pages", type=int, default=300,
                        help="articles of the page-requisites site (benchmarks/"
                             "requisite_bench.py: requisites on, off, and wget; 0: skip)")
    args = parser.parse_args(argv)
    if args.requisite_pages > 0:
        from benchmarks import requisite_bench

        requisite_bench.run(args.requisite_pages)
    if not realsite.available():
        print("skipped: the benchmark pages (../shared/data/article-extraction-benchmark) "
              "are not on this machine")
        return 0
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    modes = args.modes.split(",")
    with realsite.RealSiteServer(copies=args.copies) as site:
        print(f"local site: {len(site.pages)} real article pages + list pages at {site.url}")
        best: dict[str, dict[str, Any]] = {}
        for _ in range(args.repeat):
            for mode in modes:  # interleaved, so drift on a shared machine hits all modes
                result = run_mode(mode, site.url)
                result["rate"] = result["pages"] / max(result["elapsed"], 1e-9)
                if mode not in best or result["rate"] > best[mode]["rate"]:
                    best[mode] = result
    _print_table(best)
    sizes = [int(n) for n in args.memory_copies.split(",") if int(n) > 0]
    if sizes:
        _memory(sizes)
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
