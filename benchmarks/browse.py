"""Archive browser: time to render each page on a 100,000-article store, beside OFFSET paging.

Run: ``.venv/bin/python -m benchmarks.browse [--articles 100000] [--keep DIR] [--repeat 15]``

A store of synthetic articles is built with the store's own ``add_page`` (20 sites, four
languages, publication dates over two years, ~120 words of text from a Zipf-distributed
vocabulary, 5 % of URLs with a second version, one non-article page per ten articles). Each
page is then rendered by the browser's WSGI application in this process (the store query, the
Jinja template, the encoded body: everything but the socket), and the median and slowest of
``--repeat`` renders are printed.

Anchors measured in the same run: the same deep page fetched with ``LIMIT 50 OFFSET n`` (what
keyset paging replaces), and the old listing page (every article read to keep the newest 5,000).
"""

from __future__ import annotations

import argparse
import itertools
import random
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

SITES = [f"site{n:02d}.example" for n in range(20)]
LANGUAGES = ["en"] * 80 + ["de"] * 12 + ["fr"] * 6 + ["es"] * 2
RARE_PHRASE = "tidal lagoon"
TARGET_MS = 100.0


def vocabulary(rng: random.Random, size: int = 4000) -> tuple[list[str], list[float]]:
    """Made-up words and their cumulative Zipf weights: a few very common, most rare."""
    letters = "abcdefghijklmnoprstuvw"
    words = sorted({"".join(rng.choices(letters, k=rng.randint(3, 9))) for _ in range(size)})
    return words, list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(words))))


def build_store(root: Path, count: int) -> None:
    """Fill ``root/articles.sqlite`` with ``count`` articles (and some versions and list pages)."""
    from crawler.store import PageRecord, Store, WarcLocation

    rng = random.Random(count)
    words, weights = vocabulary(rng)
    started = time.perf_counter()
    with Store(root, commit_every=5000, create=True) as store:
        for i in range(count):
            site = SITES[i % len(SITES)]
            day = f"2025-{1 + i * 12 // count:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00Z"
            text = "\n\n".join(" ".join(rng.choices(words, cum_weights=weights, k=40))
                               for _ in range(3))
            if i % 500 == 0:
                text += f"\n\nThe {RARE_PHRASE} plan was approved."
            meta = {"title": " ".join(rng.choices(words, cum_weights=weights, k=6)).capitalize(),
                    "authors": ["A. Writer"], "published": day, "published_source": "json-ld",
                    "language": rng.choice(LANGUAGES)}
            for version in (1, 2) if i % 20 == 0 else (1,):
                store.add_page(PageRecord(
                    url=f"https://{site}/news/{i}", site=site, is_article=True,
                    fetched_at=f"2026-01-{1 + version:02d}T10:00:00Z", page_reason="bench",
                    text=text + ("\n\nCorrection: a figure was wrong." if version == 2 else ""),
                    meta=meta, warc=WarcLocation("bench.warc.gz", i * 9000 + version, 4000,
                                                 f"<urn:uuid:{i}-{version}>"),
                ))
            if i % 10 == 0:
                store.add_page(PageRecord(
                    url=f"https://{site}/section/{i}", site=site, is_article=False,
                    fetched_at="2026-01-02T10:00:00Z", page_reason="list-page: bench",
                    meta={"title": "Section"}, warc=WarcLocation("bench.warc.gz", i, 1, f"<l{i}>"),
                ))
    print(f"built {count:,} articles in {time.perf_counter() - started:.0f} s", flush=True)


def render_time(app: Callable, path: str, repeat: int) -> tuple[float, float]:
    """Median and slowest time (ms) to render ``path`` (after one warm-up render)."""
    path, _, query = path.partition("?")
    environ = {"PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": "GET"}
    status: list[str] = []
    times = []
    for _ in range(repeat + 1):
        status.clear()
        started = time.perf_counter()
        body = b"".join(app(dict(environ), lambda s, h: status.append(s)))
        times.append((time.perf_counter() - started) * 1000)
        if not status[0].startswith("200") or not body:
            raise SystemExit(f"{path}?{query} answered {status[0]}")
    return statistics.median(times[1:]), max(times[1:])


def deep_cursor(db: Path, depth: int) -> str:
    """The keyset cursor of the article list after ``depth`` rows (for a deep page)."""
    import sqlite3

    conn = sqlite3.connect(db)
    dated, ident = conn.execute(
        "SELECT dated, id FROM articles WHERE is_latest = 1 ORDER BY dated DESC, id DESC "
        "LIMIT 1 OFFSET ?", (depth - 1,)).fetchone()
    conn.close()
    return f"{dated}~{ident}"


def offset_page_ms(db: Path, depth: int, repeat: int) -> float:
    """The anchor: the same deep page read with OFFSET (median ms of the query alone)."""
    from crawler.store.browse import open_readonly

    conn = open_readonly(db)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        conn.execute("SELECT a.id, a.title, substr(t.text, 1, 280) FROM articles a JOIN texts t "
                     "ON t.id = a.text_id WHERE a.is_latest = 1 ORDER BY a.dated DESC, a.id DESC "
                     "LIMIT 50 OFFSET ?", (depth,)).fetchall()
        times.append((time.perf_counter() - started) * 1000)
    conn.close()
    return statistics.median(times)


def old_listing_ms(root: Path) -> float:
    """The anchor: the listing page before the browser (all articles read, newest 5,000 kept)."""
    from crawler.replay.layout import ArchiveLayout
    from crawler.replay.listing import listed_pages

    started = time.perf_counter()
    listed_pages(ArchiveLayout(root))
    return (time.perf_counter() - started) * 1000


def scenarios(db: Path, count: int) -> list[tuple[str, str]]:
    """(label, path) of the pages to time."""
    deep = min(50_000, count // 2)
    q = urllib.parse.quote
    article = q(f"https://{SITES[0]}/news/0", safe="")
    return [
        ("first page, newest first", "/"),
        (f"page {deep // 50 + 1:,} (keyset, {deep:,} rows deep)",
         f"/?after={q(deep_cursor(db, deep))}"),
        ("one site", f"/?site={SITES[3]}"),
        ("rare language (2 %)", "/?lang=es"),
        ("one month", "/?from=2025-06-01&to=2025-06-30"),
        ("site + language + month", f"/?site={SITES[5]}&lang=de&from=2025-03-01&to=2025-03-31"),
        (f'search "{RARE_PHRASE}" (best match)', f"/?q={q(chr(34) + RARE_PHRASE + chr(34))}"),
        ("search a common word (best match)", "/?q=COMMON"),
        ("search a common word (newest first)", "/?q=COMMON&sort=newest"),
        ("search a common word + site + month", f"/?q=COMMON&sort=newest&site={SITES[7]}"
                                                 "&from=2025-09-01&to=2025-09-30"),
        ("article page (2 versions)", f"/article?url={article}"),
        ("diff page", f"/diff?url={article}"),
        ("pages and decisions", "/pages?decision=other"),
    ]


def common_word(count: int) -> str:
    """The most frequent word of the texts ``build_store(count)`` writes (in most articles)."""
    words, _ = vocabulary(random.Random(count))
    return words[0]


def main(argv: list[str] | None = None) -> int:
    """Build (or reuse) the store, time every page, print the figures beside the anchors."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", metavar="DIR", help="build the store here and reuse it")
    args = parser.parse_args(argv)
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-browse-"))
    db = root / "articles.sqlite"
    try:
        if not db.exists():
            root.mkdir(parents=True, exist_ok=True)
            build_store(root, args.articles)
        return report(root, db, args)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


def report(root: Path, db: Path, args: argparse.Namespace) -> int:
    """Time the pages and the anchors; print one line each."""
    from crawler.replay.browse.app import BrowseApp

    app = BrowseApp(root, "archive")
    word = common_word(args.articles)
    worst = 0.0
    print(f"{args.articles:,} articles; render time per page (median / slowest of {args.repeat})")
    for label, path in scenarios(db, args.articles):
        median, slowest = render_time(app, path.replace("COMMON", word), args.repeat)
        worst = max(worst, median)
        print(f"  {label:<46} {median:7.1f} ms / {slowest:6.1f} ms")
    deep = min(50_000, args.articles // 2)
    print("anchors:")
    print(f"  {'same deep page with LIMIT 50 OFFSET ' + format(deep, ','):<46} "
          f"{offset_page_ms(db, deep, args.repeat):7.1f} ms (query alone)")
    print(f"  {'old listing page (read all, keep newest 5,000)':<46} "
          f"{old_listing_ms(root):7.1f} ms")
    verdict = "under" if worst < TARGET_MS else "OVER"
    print(f"slowest median {worst:.1f} ms: {verdict} the {TARGET_MS:.0f} ms target "
          "(timings on a loaded machine run high: check `uptime`)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
