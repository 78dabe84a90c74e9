"""Syndicated copies: pair precision and recall of our clusters beside an exact-text-hash baseline.

Run: ``.venv/bin/python -m benchmarks.syndication [--sweep] [--articles 100000] [--crawl]``

1. Quality. The labelled set of benchmarks/syndication_set.py (real stories, copies as
   syndication makes them, hard negatives) is extracted page by page with our extractor and
   stored, in shuffled order, in a fresh store per half. Pairs of pages in one cluster are
   compared with pairs of pages of one story: precision and recall of pairs at the shipped
   threshold, beside the baseline that groups pages whose cleaned text hashes equal (the
   store's ``text_fingerprint``). The threshold was tuned on half A (``--sweep`` shows the
   tuning): half A's figure is in-sample, half B's is held out.
2. Cost. ``--articles N`` stores N synthetic articles (real sentences, a quarter of their
   words swapped, 10 % near-copies) and prints, per tenth of the run, the CPU time per article
   of the sketch and of the store side of clustering, beside the rest of ``add_page`` (the
   store without clustering: the anchor, same run), and the peak memory as the store grows.
3. ``--crawl`` crawls the local real-page site (benchmarks.crawl_throughput) with clustering
   on and off, interleaved, and prints pages/s.

Needs ../shared/data (or ``SHARED_DATA=/path/to/shared/data``); exits 0 with a note without it.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import devsets, syndication_cost  # noqa: E402
from benchmarks.syndication_set import Doc, build, load_stories  # noqa: E402
from crawler.extract import extract  # noqa: E402
from crawler.store import PageRecord, open_store  # noqa: E402
from crawler.syndication import sketch as sketching  # noqa: E402

SWEEP = (0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9)
JACCARD_SWEEP = (0.0, 0.1, 0.15, 0.25, 0.3, 0.4)
#: Content-word Jaccard from which two different stories count as on the same topic.
TOPIC_OVERLAP = 0.2
#: url -> content words of its cleaned text (filled by extract_all).
_TOPIC: dict[str, set[str]] = {}


def data_root() -> Path:
    """Where the development sets are: $SHARED_DATA, else ../shared/data."""
    return Path(os.environ.get("SHARED_DATA") or devsets.SHARED_DATA)


def extract_all(docs: list[Doc]) -> dict[str, tuple[Doc, str]]:
    """Extract every page once: url -> (doc, cleaned text) for the pages judged articles."""
    out = {}
    for doc in docs:
        result = extract(doc.html, doc.url)
        if result.is_article and result.text:
            out[doc.url] = (doc, result.text)
            _TOPIC[doc.url] = {w for w in re.findall(r"\w+", result.text.lower()) if len(w) > 3}
    return out


def cluster(pages: list[tuple[Doc, str]], seed: int = 7) -> tuple[dict, dict]:
    """Store the pages (shuffled, copies mostly after their story); url -> cluster, -> hash."""
    rng = random.Random(seed)
    order = list(pages)
    rng.shuffle(order)
    with tempfile.TemporaryDirectory() as tmp, open_store(tmp, create=True) as store:
        for i, (doc, text) in enumerate(order):
            hours = 0 if doc.kind == "original" else rng.randint(-12, 72)
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1.8e9 + 3600 * hours + i))
            store.add_page(PageRecord(url=doc.url, site=doc.site, fetched_at=stamp,
                                      is_article=True, text=text))
        ours, exact = {}, {}
        for article in store.iter_articles():
            ours[article.url] = article.cluster_id
            exact[article.url] = article.text_fingerprint
    return ours, exact


def pair_scores(labels: dict[str, str], groups: dict[str, object]) -> tuple[float, float, int]:
    """Pair precision, recall and false-positive pairs of ``groups`` against story ``labels``."""
    def pairs(key_of: dict) -> Counter:
        sizes = Counter(key_of.values())
        return Counter({k: n * (n - 1) // 2 for k, n in sizes.items()})

    true_pairs = sum(pairs(labels).values())
    predicted = sum(pairs(groups).values())
    both = sum(pairs({u: (groups[u], labels[u]) for u in labels}).values())
    precision = both / predicted if predicted else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    return precision, recall, predicted - both


def false_pairs(docs: dict[str, Doc], groups: dict[str, object]) -> Counter:
    """Wrongly clustered pairs by kind of hard negative."""
    members = defaultdict(list)
    for url, key in groups.items():
        members[key].append(docs[url])
    kinds: Counter = Counter()
    for group in members.values():
        for a, b in combinations(group, 2):
            if a.story == b.story:
                continue
            if a.quotes == b.story or b.quotes == a.story:
                kinds["follow-up quoting the first"] += 1
            elif _same_topic(a, b):
                kinds["different story, same topic"] += 1
            elif a.site == b.site:
                kinds["different story, same site"] += 1
            else:
                kinds["other"] += 1
    return kinds


def _same_topic(a: Doc, b: Doc) -> bool:
    """Different stories sharing a fifth of their content words (same topic)."""
    wa, wb = _TOPIC.get(a.url, set()), _TOPIC.get(b.url, set())
    return bool(wa and wb) and len(wa & wb) >= TOPIC_OVERLAP * len(wa | wb)


def hard_negatives(docs: list[Doc]) -> Counter:
    """How many hard negative pairs the set holds, by kind."""
    count: Counter = Counter()
    by_story = Counter(d.story for d in docs)
    for d in docs:
        if d.quotes:
            count["follow-up quoting the first"] += by_story[d.quotes]
    for a, b in combinations(docs, 2):
        if a.story != b.story and a.quotes != b.story and b.quotes != a.story:
            count["different story, same topic"] += _same_topic(a, b)
    by_site = defaultdict(Counter)
    for d in docs:
        by_site[d.site][d.story] += 1
    for stories in by_site.values():
        n = sum(stories.values())
        count["different story, same site"] += (n * (n - 1) - sum(
            k * (k - 1) for k in stories.values())) // 2
    return count


def evaluate(extracted: dict[str, tuple[Doc, str]], half: str) -> dict:
    """Cluster one half and score it and the baseline."""
    pages = [v for v in extracted.values() if v[0].half == half]
    labels = {doc.url: doc.story for doc, _ in pages}
    ours, exact = cluster(pages)
    docs = {doc.url: doc for doc, _ in pages}
    return {"pages": len(pages), "positives": sum(n * (n - 1) // 2 for n in Counter(
        labels.values()).values()), "ours": pair_scores(labels, ours),
        "exact": pair_scores(labels, exact), "false": false_pairs(docs, ours),
        "hard": hard_negatives([d for d, _ in pages])}


def _sweep(extracted: dict[str, tuple[Doc, str]]) -> None:
    """Precision and recall on half A over the similarity threshold and the Jaccard floor."""
    shipped = (sketching.THRESHOLD, sketching.MIN_JACCARD)
    print("tuning on half A:  threshold  Jaccard floor  precision  recall")
    grid = [(t, shipped[1]) for t in SWEEP] + [(shipped[0], j) for j in JACCARD_SWEEP]
    for threshold, floor in grid:
        sketching.THRESHOLD, sketching.MIN_JACCARD = threshold, floor
        precision, recall, _ = evaluate(extracted, "A")["ours"]
        print(f"{'':19}{threshold:9.2f}  {floor:13.2f}  {precision:9.3f}  {recall:6.3f}")
    sketching.THRESHOLD, sketching.MIN_JACCARD = shipped


def quality(sweep: bool) -> None:
    """Build, extract and score the labelled set (both halves; the sweep on half A)."""
    stories = load_stories(data_root())
    docs = list(build(stories))
    started = time.perf_counter()
    extracted = extract_all(docs)
    kinds = Counter(d.kind for d in docs)
    print(f"labelled set: {len(stories)} real stories, {len(docs)} pages ({kinds['original']} "
          f"originals, {kinds['copy']} copies, {kinds['follow-up']} follow-ups); "
          f"{len(extracted)} judged articles by the extractor "
          f"({time.perf_counter() - started:.0f} s to extract)")
    if sweep:
        _sweep(extracted)
    print(f"\nshipped threshold {sketching.THRESHOLD} (similarity) and Jaccard >= "
          f"{sketching.MIN_JACCARD}, tuned on half A")
    print(f"{'half':<22} {'pages':>5} {'pos. pairs':>10}  {'ours P':>7} {'ours R':>7}  "
          f"{'exact-hash P':>12} {'exact-hash R':>12}")
    for half, note in (("A", "A (tuning, in-sample)"), ("B", "B (held out)")):
        r = evaluate(extracted, half)
        (p, rc, _), (bp, br, _) = r["ours"], r["exact"]
        print(f"{note:<22} {r['pages']:>5} {r['positives']:>10}  {p:>7.3f} {rc:>7.3f}  "
              f"{bp:>12.3f} {br:>12.3f}")
        hard = ", ".join(f"{k}: {r['false'][k]} of {n}" for k, n in r["hard"].items())
        print(f"{'':22} wrongly clustered hard negative pairs: {hard}; "
              f"other: {r['false']['other']}")


def main(argv: list[str] | None = None) -> int:
    """Run the sections asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", action="store_true", help="show the threshold tuning on A")
    parser.add_argument("--articles", type=int, default=100_000,
                        help="synthetic articles for the cost section (0: skip)")
    parser.add_argument("--crawl", action="store_true",
                        help="compare crawl pages/s with clustering on and off")
    parser.add_argument("--repeat", type=int, default=3, help="crawl runs per mode (best kept)")
    args = parser.parse_args(argv)
    if not any(devsets.available(name, data_root()) for name in devsets.SETS):
        print(f"skipped: no development sets in {data_root()} (set SHARED_DATA)")
        return 0
    print(f"load average: {os.getloadavg()[0]:.2f}")
    quality(args.sweep)
    if args.articles:
        syndication_cost.report(args.articles, data_root())
    if args.crawl:
        syndication_cost.crawl_comparison(args.repeat, data_root())
    return 0


if __name__ == "__main__":
    sys.exit(main())
