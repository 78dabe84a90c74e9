"""Score and time our extractor against trafilatura on the article-extraction benchmark.

Run: ``.venv/bin/python -m benchmarks.extraction [--data DIR] [--limit N] [--repeat N]``
(``--no-anchor`` skips trafilatura, ``--worst N`` lists the N worst pages).

The metric is the benchmark's own (scrapinghub/article-extraction-benchmark, evaluate.py):
word 4-gram shingles per page, TP/FP/FN normalized per page, precision and recall averaged over
pages, F1 of the two means. trafilatura is the anchor, measured in the same run, called as the
benchmark calls it (``extract(html, include_comments=False)``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from crawler.extract import extract  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "article-extraction-benchmark"
_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Word n-grams of ``text`` with counts (a short text is one shingle)."""
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens)


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    """Shingle TP/FP/FN of one page, normalized to sum to 1 (the benchmark's weighting)."""
    t, p = shingles(true), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def score(pages: list[tuple[float, float, float]]) -> dict[str, float]:
    """Mean precision, mean recall and their F1, exactly as the benchmark's evaluate.py."""

    def precision(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))

    def recall(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))

    p = statistics.mean(precision(*x) for x in pages if x[0] + x[1] > 0)
    r = statistics.mean(recall(*x) for x in pages if x[0] + x[2] > 0)
    return {"f1": 2 * p * r / (p + r) if p + r else 0.0, "precision": p, "recall": r}


def load_pages(data: Path, limit: int | None = None) -> list[tuple[str, bytes, str, str]]:
    """``(id, html bytes, url, expected body)`` for each benchmark page, sorted by id."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth)[:limit]:
        html = gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes())
        pages.append((key, html, truth[key].get("url", ""), truth[key].get("articleBody", "")))
    return pages


def ours(html: bytes, url: str) -> str:
    """Our extractor's article body."""
    return extract(html, url).text


def trafilatura_body(html: bytes, url: str) -> str:
    """trafilatura's body, called the way the benchmark's run_trafilatura.py calls it."""
    import trafilatura

    return trafilatura.extract(html.decode("utf-8", "replace"), include_comments=False) or ""


def run(
    pages: list, extractors: dict[str, Callable[[bytes, str], str]], repeat: int = 1
) -> dict[str, dict]:
    """Score and time each extractor over the pages.

    Extractors take turns on each page (so a busy machine slows them alike), and each page's
    time is the best of ``repeat`` runs.
    """
    results: dict[str, list] = {name: [] for name in extractors}
    times: dict[str, list[float]] = {name: [] for name in extractors}
    for _key, html, url, expected in pages:
        for name, extractor in extractors.items():
            best, predicted = float("inf"), ""
            for _ in range(repeat):
                start = time.perf_counter()
                predicted = extractor(html, url)
                best = min(best, time.perf_counter() - start)
            times[name].append(best)
            results[name].append(tp_fp_fn(expected, predicted))
    report = {}
    for name in extractors:
        metrics: dict = score(results[name])
        metrics["median_ms"] = statistics.median(times[name]) * 1000
        metrics["mean_ms"] = statistics.mean(times[name]) * 1000
        metrics["per_page"] = results[name]
        report[name] = metrics
    return report


def _row(name: str, m: dict) -> str:
    return (
        f"{name:<12} F1={m['f1']:.4f}  precision={m['precision']:.4f}  recall={m['recall']:.4f}"
        f"  median={m['median_ms']:.1f} ms  mean={m['mean_ms']:.1f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print both extractors side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--no-anchor", action="store_true", help="skip trafilatura")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages")
    parser.add_argument("--repeat", type=int, default=3, help="time each page N times, keep best")
    args = parser.parse_args(argv)
    if not (args.data / "ground-truth.json").exists():
        print(f"benchmark data not found at {args.data}: pass --data DIR")
        return 2
    pages = load_pages(args.data, args.limit)
    print(f"{len(pages)} pages from {args.data}; best of {args.repeat} runs per page")
    extractors: dict[str, Callable[[bytes, str], str]] = {"ours": ours}
    if not args.no_anchor:
        extractors["trafilatura"] = trafilatura_body
    report = run(pages, extractors, args.repeat)
    for name, metrics in report.items():
        print(_row(name, metrics))
    mine = report["ours"]
    if "trafilatura" in report:
        ratio = mine["median_ms"] / report["trafilatura"]["median_ms"]
        print(f"median time ratio ours/trafilatura: {ratio:.2f}")
    if args.worst:
        ranked = sorted(zip(mine["per_page"], pages, strict=True), key=lambda x: x[0][0])
        for (tp, fp, fn), page in ranked[: args.worst]:
            print(f"  {page[0][:12]} tp={tp:.2f} fp={fp:.2f} fn={fn:.2f} {page[2][:70]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
