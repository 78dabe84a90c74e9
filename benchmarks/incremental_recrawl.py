"""Second crawl of a changed site: incremental (ours) vs a full re-crawl (anchor), same run.

Run: ``.venv/bin/python -m benchmarks.incremental_recrawl [--repeat 1]``

The bundled demo site (edition 1, 120 articles) is crawled once into an archive, which is
then copied. The site switches to edition 2 (5 new articles, one edited, one ad changed) and
is crawled again into each copy: ``ours`` incrementally (the default), ``anchor`` with
``--full``. Prints requests, article pages fetched, WARC bytes written and wall time of the
second crawl; best of ``--repeat``. Delays and AutoThrottle are off; everything is local.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.demosite.model import build_site  # noqa: E402
from crawler.demosite.server import DemoSiteServer  # noqa: E402

SITES = """[[site]]
name = "demo"
seeds = ["{seed}"]
[site.settings]
DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = false
CONCURRENT_REQUESTS_PER_DOMAIN = 16
"""


def crawl(sites: Path, archive: Path, *extra: str) -> float:
    """One `crawler crawl` in a subprocess; return its wall time in seconds."""
    began = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "crawler.cli", "crawl", "--sites", str(sites),
         "--archive-dir", str(archive), *extra],
        cwd=ROOT, check=True, capture_output=True, timeout=300,
    )
    return time.monotonic() - began


def warc_bytes(archive: Path) -> int:
    """Bytes of all WARC files in the archive."""
    return sum(p.stat().st_size for p in (archive / "warc").glob("*.warc*"))


def second_crawl(server: DemoSiteServer, sites: Path, archive: Path, *extra: str) -> dict:
    """Crawl again into ``archive``; what it fetched and wrote."""
    articles = {a.path for a in build_site(2).articles}
    mark, before = len(server.requests), warc_bytes(archive)
    seconds = crawl(sites, archive, *extra)
    fetched = server.requests[mark:]
    return {
        "requests": len(fetched),
        "articles": sum(1 for p in fetched if p in articles),
        "warc_bytes": warc_bytes(archive) - before,
        "seconds": seconds,
    }


def measure(tmp: Path) -> dict[str, dict]:
    """One round: first crawl, copy, then the two second crawls."""
    results = {}
    with DemoSiteServer() as server:
        sites = tmp / "sites.toml"
        sites.write_text(SITES.format(seed=server.url))
        crawl(sites, tmp / "ours")
        shutil.copytree(tmp / "ours", tmp / "anchor")
        server.set_edition(2)
        results["ours"] = second_crawl(server, sites, tmp / "ours")
        results["anchor"] = second_crawl(server, sites, tmp / "anchor", "--full")
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    best: dict[str, dict] = {}
    for _ in range(max(1, args.repeat)):
        with tempfile.TemporaryDirectory() as tmp:
            for mode, row in measure(Path(tmp)).items():
                if mode not in best or row["seconds"] < best[mode]["seconds"]:
                    best[mode] = row
    print(f"{'second crawl':<24}{'requests':>10}{'articles':>10}{'WARC kB':>10}{'seconds':>9}")
    labels = {"ours": "ours (incremental)", "anchor": "anchor (--full)"}
    for mode in ("ours", "anchor"):
        row = best[mode]
        print(f"{labels[mode]:<24}{row['requests']:>10}{row['articles']:>10}"
              f"{row['warc_bytes'] / 1000:>10.0f}{row['seconds']:>9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
