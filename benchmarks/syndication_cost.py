"""Cost of syndication clustering: time per article and memory at scale, and crawl pages/s.

Used by ``python -m benchmarks.syndication`` (see its docstring).
"""

from __future__ import annotations

import gzip
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from benchmarks import crawl_throughput, devsets
from crawler.shell.extensions.memory import peak_rss_kb
from crawler.store import PageRecord, open_store
from crawler.store import clusters as store_clusters
from crawler.syndication import sketch_text

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
#: Switches clustering off in a crawl subprocess (the anchor of the crawl comparison): no
#: sketch in the pool, no lookup or cluster in the store.
_OFF = ("import crawler.store.clusters as _c, crawler.shell.pipelines.store as _p\n"
        "_c.assign = lambda conn, article_id: conn.execute("
        "'UPDATE articles SET cluster_id = -1 WHERE id = ?', (article_id,))\n"
        "async def _no_sketch(self, text):\n    return None\n"
        "_p.StorePipeline._sketch = _no_sketch\n")


def _sentences(root: Path) -> tuple[list[str], list[str]]:
    """Real sentences and words of the development sets."""
    sentences: list[str] = []
    for name in devsets.SETS:
        if devsets.available(name, root):
            for page in devsets.iter_pages(name, root):
                sentences.extend(s for s in _SENTENCE.split(page.body) if len(s.split()) > 5)
    words = sorted({w for s in sentences for w in s.split()})
    return sentences, words


def synthetic(count: int, root: Path, seed: int = 5) -> Iterator[str]:
    """``count`` article texts: real sentences with a quarter of their words swapped, so few
    5-word phrases repeat by chance; one in ten is a cut, edited copy of an earlier one."""
    rng = random.Random(seed)
    sentences, words = _sentences(root)
    recent: list[str] = []
    for _ in range(count):
        if recent and rng.random() < 0.1:
            paras = rng.choice(recent).split("\n\n")
            paras = paras[: max(3, len(paras) * 3 // 4)]
            text = "\n\n".join(paras).replace(" the ", " a ", 2)
        else:
            paras = []
            for _p in range(rng.randint(6, 14)):
                picked = []
                for s in rng.sample(sentences, rng.randint(2, 4)):
                    picked.append(" ".join(w if rng.random() > 0.25 else rng.choice(words)
                                           for w in s.split()))
                paras.append(" ".join(picked))
            text = "\n\n".join(paras)
        recent = (recent + [text])[-200:]
        yield text


def _peak_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return peak_rss_kb() / 1024


def _store_articles(count: int, root: Path) -> list[dict]:
    """Store ``count`` synthetic articles; per tenth of the run, CPU ms per article by phase."""
    spent = {"sketch": 0.0, "store side": 0.0, "add_page": 0.0}
    real = (store_clusters.assign, store_clusters.index_text)

    def timed(fn):  # noqa: ANN001, ANN202 - wraps assign and index_text alike
        def run(*args):  # noqa: ANN002, ANN202
            started = time.process_time()
            try:
                return fn(*args)
            finally:
                spent["store side"] += time.process_time() - started
        return run

    store_clusters.assign, store_clusters.index_text = timed(real[0]), timed(real[1])
    windows: list[dict] = []
    last, step = dict(spent), max(1, count // 10)
    try:
        with tempfile.TemporaryDirectory() as tmp, open_store(tmp, create=True) as store:
            for i, text in enumerate(synthetic(count, root), 1):
                started = time.process_time()
                sketch = sketch_text(text)
                spent["sketch"] += time.process_time() - started
                record = PageRecord(url=f"https://s{i % 50}.example/a/{i}", site=f"s{i % 50}",
                                    fetched_at=f"2026-01-01T00:00:00.{i:06d}Z",
                                    is_article=True, text=text, sketch=sketch)
                started = time.process_time()
                store.add_page(record)
                spent["add_page"] += time.process_time() - started
                if i % step == 0 or i == count:
                    n = i - (windows[-1]["n"] if windows else 0)
                    ms = {k: 1000 * (spent[k] - last[k]) / n for k in spent}
                    size = Path(tmp, "articles.sqlite").stat().st_size / 1e6
                    windows.append({"n": i, **ms, "rss": _peak_mb(), "store": size})
                    last = dict(spent)
    finally:
        store_clusters.assign, store_clusters.index_text = real
    return windows


def report(count: int, root: Path) -> None:
    """Print the per-article cost of clustering and the memory as the store grows."""
    print(f"\ncost: storing {count:,} synthetic articles on one core (CPU time of this process,"
          " so other work on the machine does not count); ms per article over each tenth:")
    print(f"  {'articles':>9}  {'sketch':>6}  {'store side':>10}  {'= clustering':>12}  "
          f"{'rest of add_page (anchor)':>25}  {'peak RSS':>8}  {'store':>7}")
    windows = _store_articles(count, root)
    for w in windows:
        rest = w["add_page"] - w["store side"]
        print(f"  {w['n']:>9,}  {w['sketch']:>6.2f}  {w['store side']:>10.2f}  "
              f"{w['sketch'] + w['store side']:>12.2f}  {rest:>25.2f}  {w['rss']:>5.0f} MB  "
              f"{w['store']:>4.0f} MB")
    print("  sketch: in a crawl it runs in the analysis worker pool; store side: LSH lookup, "
          "band rows, cluster choice, similarity (on the writer)")


def crawl_comparison(repeat: int, root: Path) -> None:
    """Crawl the local real-page site with clustering on and off; print pages/s."""
    from tests.crawl import realsite

    realsite.BENCHMARK = devsets.data_dir("aeb181", root)
    if not realsite.available():
        print("\ncrawl: skipped (the benchmark pages are not on this machine)")
        return
    best: dict[str, dict] = {}
    with realsite.RealSiteServer(copies=6) as site:
        _distinct_mirrors(site)
        for _ in range(repeat):
            for mode in ("on", "off"):  # interleaved: drift on a shared machine hits both
                result = _crawl_once(site.url, mode)
                if mode not in best or result["rate"] > best[mode]["rate"]:
                    best[mode] = result
    on, off = best["on"], best["off"]
    drop = 100 * (off["rate"] - on["rate"]) / off["rate"]
    print(f"\ncrawl of {on['pages']} pages ({on['articles']} articles, each a distinct text), "
          f"best of {repeat}: pages/s with clustering {on['rate']:.1f}, without (anchor) "
          f"{off['rate']:.1f}: {drop:+.1f} % drop; crawl process CPU {on['cpu_ms']:.1f} vs "
          f"{off['cpu_ms']:.1f} ms/page")


def _distinct_mirrors(site: object) -> None:
    """Give each mirrored page its own punctuation, so every article is a distinct text (to be
    sketched, indexed and clustered: a copy of the same page on the other mirrors)."""
    marks = (b", and ", b" and, ", b"; and ", b" and; ", b" and: ")
    routes = site._server.routes  # type: ignore[attr-defined]
    for page in site.pages:  # type: ignore[attr-defined]
        if page.path.startswith("/mirror"):
            copy = int(page.path[len("/mirror"):page.path.index("/", 1)])
            html = page.html.replace(b" and ", marks[(copy - 1) % len(marks)])
            routes[page.path] = (html, gzip.compress(html, 6))


def _crawl_once(url: str, mode: str) -> dict:
    """One crawl in a subprocess; its figures (pages, articles, pages/s, CPU ms/page)."""
    settings = dict(crawl_throughput.FAST, PROGRESS_ENABLED=False)
    script = (_OFF if mode == "off" else "") + crawl_throughput.OURS
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-c", script, url, json.dumps(settings), tmp]
        out = subprocess.run(cmd, cwd=crawl_throughput.ROOT, capture_output=True, text=True,
                             timeout=600, check=False)
        if out.returncode != 0:
            raise SystemExit(f"crawl ({mode}) failed:\n{out.stderr[-2000:]}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
    result["rate"] = result["pages"] / max(result["elapsed"], 1e-9)
    result["cpu_ms"] = 1000 * result["cpu"] / max(result["pages"], 1)
    return result
