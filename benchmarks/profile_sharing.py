"""Text quality of a shared crawl whose workers each learn the site's boilerplate on their own.

Run: ``.venv/bin/python -m benchmarks.profile_sharing``

Site-level learning (crawler/extract/sitelearn.py) removes blocks that repeat across a site's
pages, such as the demo site's "Opinion / Editorial" sidebar of prose teasers. In a crawl
shared by N workers each worker learns from the pages it fetched itself (about 1/N of them).
This crawls the bundled demo site (120 articles whose true text is known) in one process and
with 2 and 4 workers, and scores the stored article texts against the truth (word 4-gram
F1, as benchmarks/extraction.py) and counts articles with sidebar text left in them.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.extraction import score, tp_fp_fn  # noqa: E402
from crawler.demosite import DemoSiteServer, build_site  # noqa: E402
from crawler.store import open_store  # noqa: E402
from tests.redisserver import RedisServer  # noqa: E402

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "PROGRESS_ENABLED=false"]


#: (label, workers, extra settings). Without warm-up, articles are extracted with the profile
#: learned so far: that shows what learning from fewer pages (1/N of them) costs.
RUNS = [("one process", 1, []), ("2 workers", 2, []), ("4 workers", 4, []),
        ("one process, no warm-up", 1, ["-s", "EXTRACT_WARMUP_PAGES=0"]),
        ("4 workers, no warm-up", 4, ["-s", "EXTRACT_WARMUP_PAGES=0"])]


def crawl(
    url: str, archive: Path, workers: int, redis_url: str, extra: list[str]
) -> dict[str, str]:
    """Crawl the demo site; return the stored article texts by URL path."""
    if workers > 1:
        extra = [*extra, "--workers", str(workers), "--redis", redis_url]
    cmd = [sys.executable, "-m", "crawler.cli", "crawl", url, "--archive-dir", str(archive),
           *FAST, *extra]
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, timeout=600)
    with open_store(archive, create=False) as store:
        return {urlsplit(a.url).path: a.text for a in store.iter_articles()}


def main() -> int:
    """Print F1 and sidebar leaks for 1, 2 and 4 workers."""
    site = build_site(1)
    teasers = [e.teaser for e in site.editorials]
    truth = {a.path: "\n".join(a.paragraphs) for a in site.articles}
    print(f"{'crawl':<26} {'articles':>8} {'F1':>7} {'precision':>9} {'recall':>7} "
          f"{'with sidebar text':>18}")
    with tempfile.TemporaryDirectory() as tmp, RedisServer(Path(tmp) / "redis") as redis:
        for n, (label, workers, extra) in enumerate(RUNS):
            # A fresh site (port) per run: otherwise the second crawl would be incremental.
            with DemoSiteServer(port=0) as server:
                texts = crawl(server.url, Path(tmp) / f"a{n}", workers, redis.url, extra)
            pages = [tp_fp_fn(truth[path], text) for path, text in texts.items() if path in truth]
            leaks = sum(any(t in text for t in teasers) for text in texts.values())
            m = score(pages) if pages else {"f1": 0.0, "precision": 0.0, "recall": 0.0}
            print(f"{label:<26} {len(texts):>8} {m['f1']:>7.4f} {m['precision']:>9.4f} "
                  f"{m['recall']:>7.4f} {leaks:>18}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
