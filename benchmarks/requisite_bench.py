"""Page requisites: our crawl with them on and off, beside ``wget --page-requisites``.

Run: ``.venv/bin/python -m benchmarks.requisite_bench [--pages 300]`` (also run by
``benchmarks.crawl_throughput`` unless ``--requisite-pages 0``).

The site (benchmarks/requisite_site.py) has pages that share a stylesheet (which names a
font and a background image) and a script, and each have two images of their own. Each
mode crawls it from its home page in a fresh process, on 127.0.0.1, robots.txt obeyed:

- ``ours``: ``crawler crawl``'s pipeline (WARC + CDXJ, analysis pool, store), delays off,
  requisites on (the default);
- ``ours, requisites off``: the same with ``CRAWL_REQUISITES=off`` (the HTML only);
- ``wget``: ``wget --recursive --level=inf --page-requisites --warc-file`` (one connection,
  no delay), the usual archiver's way to capture pages with what they need.

Prints, per mode: HTML pages and requisites archived (read back from the WARCs with warcio),
seconds (wall clock of the whole process, start-up included), pages/s, and the bytes of the
WARC files.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.requisite_site import RequisiteBenchSite  # noqa: E402

SETTINGS = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 16,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "PROGRESS_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False, "DEPTH_LIMIT": 0}


def count_records(paths: list[str]) -> tuple[int, int]:
    """(HTML responses, other 2xx responses and revisits) in WARC files, robots.txt left out."""
    from warcio.archiveiterator import ArchiveIterator

    html = other = 0
    for path in paths:
        with open(path, "rb") as handle:
            for rec in ArchiveIterator(handle):
                if rec.rec_type not in ("response", "revisit") or rec.http_headers is None:
                    continue
                uri = rec.rec_headers.get_header("WARC-Target-URI") or ""
                if uri.endswith("/robots.txt") or not rec.http_headers.get_statuscode(
                ).startswith("2"):
                    continue
                ctype = rec.http_headers.get_header("Content-Type") or ""
                if "html" in ctype:
                    html += 1
                else:
                    other += 1
    return html, other


def run_ours(url: str, requisites: bool, tmp: Path) -> dict[str, Any]:
    """``crawler crawl`` in a fresh process; its figures."""
    settings = {**SETTINGS, "CRAWL_REQUISITES": "stylesheet,script,font,image" if requisites
                else "off"}
    cmd = [sys.executable, "-m", "crawler.cli", "crawl", url, "--archive-dir", str(tmp),
           *[f"--set={k}={v}" for k, v in settings.items()]]
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=3600)
    wall = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"crawl failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    files = sorted(glob.glob(str(tmp / "warc" / "*.warc.gz")))
    html, other = count_records(files)
    return {"html": html, "requisites": other, "seconds": wall,
            "bytes": sum(os.path.getsize(f) for f in files)}


def run_wget(url: str, tmp: Path) -> dict[str, Any] | None:
    """``wget --recursive --page-requisites --warc-file``; None without wget."""
    wget = shutil.which("wget")
    if wget is None:
        return None
    cmd = [wget, "--recursive", "--level=inf", "--page-requisites", "--no-verbose",
           "--warc-file", str(tmp / "wget"), "--directory-prefix", str(tmp / "files"),
           "--no-warc-keep-log", "-e", "robots=on", url]
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    wall = time.monotonic() - started
    if proc.returncode not in (0, 8):  # 8: some answer was an HTTP error
        raise SystemExit(f"wget failed ({proc.returncode}): {proc.stderr[-2000:]}")
    files = sorted(glob.glob(str(tmp / "wget*.warc.gz")))
    html, other = count_records(files)
    return {"html": html, "requisites": other, "seconds": wall,
            "bytes": sum(os.path.getsize(f) for f in files)}


def run(pages: int) -> list[tuple[str, dict[str, Any]]]:
    """Crawl the site once in each mode; print and return the table's rows."""
    rows: list[tuple[str, dict[str, Any]]] = []
    with RequisiteBenchSite(pages) as site:
        print(f"requisites site: {site.pages} HTML pages, {site.requisites} distinct "
              f"requisites, at {site.url}", flush=True)
        for name, requisites in (("ours", True), ("ours, requisites off", False), ("wget",
                                                                                    None)):
            with tempfile.TemporaryDirectory() as tmp:
                if requisites is None:
                    result = run_wget(site.url, Path(tmp))
                    if result is None:
                        print("wget: not installed, skipped")
                        continue
                else:
                    result = run_ours(site.url, requisites, Path(tmp))
            rows.append((name, result))
    print(f"{'mode':<22} {'pages':>6} {'requisites':>10} {'seconds':>8} {'pages/s':>8} "
          f"{'WARC MB':>8}")
    for name, r in rows:
        print(f"{name:<22} {r['html']:>6} {r['requisites']:>10} {r['seconds']:>8.1f} "
              f"{r['html'] / max(r['seconds'], 1e-9):>8.1f} {r['bytes'] / 1e6:>8.2f}")
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the three modes on a site of ``--pages`` articles."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pages", type=int, default=300, help="article pages of the site")
    parser.add_argument("--json", action="store_true", help="also print the rows as JSON")
    args = parser.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    rows = run(args.pages)
    if args.json:
        print(json.dumps(dict(rows)))
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
