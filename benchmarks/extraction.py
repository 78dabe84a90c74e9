"""Score and time our extractor beside trafilatura and readability-lxml on the development sets.

Run: ``.venv/bin/python -m benchmarks.extraction [--sets aeb181,modern] [--limit N] [--repeat N]
[--worst N] [--no-anchor] [--held-out] [--clock wall|cpu]``.

Every figure it prints is IN-SAMPLE: the extractor's rules and its block model were tuned and
trained on these pages. ``--held-out`` scores each half with a block model trained on the other
half (LightGBM, ``pip install -e '.[train]'``): the held-out figures. ``ours+lead`` is our text
with the standfirst (``ExtractResult.lead``) before it; ``ours`` is ``ExtractResult.text``.

Body text is scored with the article-extraction-benchmark's own metric (word 4-gram shingles,
TP/FP/FN normalized per page, precision and recall averaged over pages, F1 of the two means),
per set and per half (``A``/``B``, see :mod:`benchmarks.devsets`): the 181 article pages,
modern-web-2026-dev (all 499 pages), and its articles and blog posts. Title, author and date
are scored on modern-web-2026-dev by :mod:`benchmarks.metadata`. trafilatura (the anchor) is
called as that benchmark calls it (``extract(html, include_comments=False)``); both
extractors take turns on each page, and each page's time is the best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.devsets import (  # noqa: E402
    ARTICLE_TYPES,
    SETS,
    SHARED_DATA,
    DevPage,
    add_set_options,
    chosen_sets,
    iter_pages,
)
from crawler.extract import extract, extract_document, parse_document  # noqa: E402
from crawler.extract.blocks import plain_text  # noqa: E402

DEFAULT_DATA = SHARED_DATA / SETS["aeb181"]
_TOKEN = re.compile(r"\w+", re.UNICODE)
#: Below this many characters a text counts as empty (the issue's "main text" bar).
MIN_TEXT = 200
T = TypeVar("T")


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

    precisions = [precision(*x) for x in pages if x[0] + x[1] > 0]
    recalls = [recall(*x) for x in pages if x[0] + x[2] > 0]
    p = statistics.mean(precisions) if precisions else 0.0
    r = statistics.mean(recalls) if recalls else 0.0
    return {"f1": 2 * p * r / (p + r) if p + r else 0.0, "precision": p, "recall": r}


def load_pages(data: Path = DEFAULT_DATA, limit: int | None = None) -> list[tuple]:
    """``(id, html bytes, url, expected body)`` of the 181-page set, sorted by id."""
    root = data.parent
    return [(p.key, p.html, p.url, p.body) for p in iter_pages("aeb181", root, limit)]


def ours(html: bytes, url: str) -> str:
    """Our extractor's main text."""
    return extract(html, url).text


def trafilatura_body(html: bytes, url: str) -> str:
    """trafilatura's body, called the way the benchmark's run_trafilatura.py calls it."""
    import trafilatura

    return trafilatura.extract(html.decode("utf-8", "replace"), include_comments=False) or ""


def readability_body(html: bytes, url: str) -> str:
    """readability-lxml's summary as plain text (paragraphs on their own lines)."""
    import lxml.html
    from readability import Document

    try:
        summary = Document(html).summary(html_partial=True)
    except Exception:  # readability raises bare Exceptions on odd pages
        return ""
    root = lxml.html.fromstring(summary) if summary.strip() else None
    return "\n".join(t.strip() for t in root.itertext() if t.strip()) if root is not None else ""


def run(
    pages: list, extractors: dict[str, Callable[[bytes, str], str]], repeat: int = 1
) -> dict[str, dict]:
    """Score and time each extractor over ``(id, html, url, body)`` pages (taking turns)."""
    results: dict[str, list] = {name: [] for name in extractors}
    times: dict[str, list[float]] = {name: [] for name in extractors}
    for _key, html, url, expected in pages:
        for name, extractor in extractors.items():
            seconds, predicted = _timed(extractor, html, url, repeat)
            times[name].append(seconds)
            results[name].append(tp_fp_fn(expected, predicted))
    report = {}
    for name in extractors:
        metrics: dict = score(results[name])
        metrics["median_ms"] = statistics.median(times[name]) * 1000
        metrics["mean_ms"] = statistics.mean(times[name]) * 1000
        metrics["per_page"] = results[name]
        report[name] = metrics
    return report


#: What times a page: wall time (``perf_counter``), or the process's CPU time
#: (``process_time``), which a machine shared with other work disturbs less (``--clock cpu``).
CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}
_clock = CLOCKS["wall"]


def _timed(
    extractor: Callable[[bytes, str], T], html: bytes, url: str, repeat: int
) -> tuple[float, T]:
    best = float("inf")
    for _ in range(max(1, repeat)):
        start = _clock()
        found = extractor(html, url)
        best = min(best, _clock() - start)
    return best, found  # repeat >= 1: bound in the loop


class Tally:
    """Per-page scores of every extractor, grouped by set, subset and half."""

    def __init__(self, names: list[str]) -> None:
        """Empty tallies for the named extractors."""
        self.names = names
        self.scores: dict[tuple[str, str, str], list] = {}
        self.empty: Counter[tuple[str, str]] = Counter()
        self.times: dict[str, list[float]] = {name: [] for name in names}
        self.worst: list[tuple[float, DevPage]] = []

    def add(self, page: DevPage, texts: dict[str, str]) -> None:
        """Record one page's texts."""
        for name, text in texts.items():
            result = tp_fp_fn(page.body, text)
            for group in groups(page):
                for half in (page.half, "all"):
                    self.scores.setdefault((group, half, name), []).append(result)
            if len(text) < MIN_TEXT and len(texts.get("trafilatura", "")) >= MIN_TEXT:
                self.empty[(page.set_name, name)] += 1
            if name == "ours":
                self.worst.append((result[0], page))

    def lines(self) -> list[str]:
        """The score table."""
        out = [f"{'set':<17}{'half':<5}{'pages':>6}  " + "".join(f"{n:<26}" for n in self.names)]
        keys = sorted(
            {(g, h) for g, h, _ in self.scores}, key=lambda k: (k[0], k[1] == "all", k[1])
        )
        for group, half in keys:
            cells = []
            for name in self.names:
                m = score(self.scores.get((group, half, name), []))
                cells.append(f"{m['f1']:.3f} ({m['precision']:.3f}/{m['recall']:.3f})".ljust(26))
            count = len(self.scores[(group, half, self.names[0])])
            out.append(f"{group:<17}{half:<5}{count:>6}  " + "".join(cells))
        return out


def groups(page: DevPage) -> list[str]:
    """The rows a page counts in: its set, and modern's articles and blogs subset."""
    names = [page.set_name]
    if page.set_name == "modern" and page.page_type in ARTICLE_TYPES:
        names.append("modern-articles")
    return names


def measure(
    pages: list[DevPage], anchors: bool, repeat: int, models: dict | None = None
) -> tuple[Tally, dict]:
    """Run every extractor on every page; metadata of modern pages too. ``models``: block
    models by the half they score (held out), instead of the shipped one."""
    from benchmarks import metadata

    names = ["ours", "ours+lead", *(["trafilatura", "readability"] if anchors else [])]
    tally = Tally(names)
    meta_rows: dict[tuple[str, str, str], list] = {}
    for page in pages:
        model = models[page.half] if models else None
        seconds, result = _timed(
            lambda html, url, m=model: extract_document(parse_document(html, url), url, model=m),
            page.html, page.url, repeat,
        )
        tally.times["ours"].append(seconds)
        # The standfirst is ExtractResult.lead, apart from the text: scored with it too.
        texts = {"ours": result.text, "ours+lead": plain_text(result.blocks, lead=True)}
        found = {"ours": metadata.MetaFields(
            result.title, result.authors, result.published.value if result.published else None
        )}  # fmt: skip
        if anchors:
            seconds, texts["trafilatura"] = _timed(trafilatura_body, page.html, page.url, repeat)
            tally.times["trafilatura"].append(seconds)
            texts["readability"] = readability_body(page.html, page.url)
            if page.set_name == "modern":
                found["trafilatura"] = metadata.trafilatura_metadata(page.html, page.url)
        tally.add(page, texts)
        if page.set_name == "modern":
            for name, fields in found.items():
                row = metadata.page_scores(fields, page)
                for group in groups(page):
                    for half in (page.half, "all"):
                        meta_rows.setdefault((group, half, name), []).append(row)
    return tally, meta_rows


def _metadata_lines(rows: dict[tuple[str, str, str], list]) -> list[str]:
    from benchmarks.metadata import FIELDS

    out = [
        f"{'set':<17}{'half':<5}{'extractor':<13}{'pages':>6}" + "".join(f"{f:>8}" for f in FIELDS)
    ]
    for (group, half, name), page_rows in sorted(rows.items()):
        cells = ""
        for field in FIELDS:
            values = [r[field] for r in page_rows if r[field] is not None]
            cells += f"{statistics.mean(values):>8.3f}" if values else f"{'-':>8}"
        out.append(f"{group:<17}{half:<5}{name:<13}{len(page_rows):>6}{cells}")
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the extractors side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_set_options(parser)
    parser.add_argument("--no-anchor", action="store_true", help="ours only")
    parser.add_argument("--worst", type=int, default=0, help="list our N worst pages")
    parser.add_argument("--repeat", type=int, default=3, help="time each page N times, keep best")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                        help="time pages by wall time or by this process's CPU time")
    parser.add_argument("--held-out", action="store_true",
                        help="score each half with a block model trained on the other (LightGBM)")
    args = parser.parse_args(argv)
    global _clock
    _clock = CLOCKS[args.clock]
    chosen = chosen_sets(args)
    if not chosen:
        return 2
    pages = [p for s in chosen for p in iter_pages(s, args.data, args.limit)]
    print(f"{len(pages)} pages ({', '.join(chosen)}); best of {args.repeat} runs per page "
          f"({args.clock} time)")
    models = None
    if args.held_out:
        from benchmarks.heldout import held_out_models

        models = held_out_models()
        print("ours: HELD OUT for the block model (each half scored by a model trained on the "
              "other half); the rules were tuned on both halves")
    else:
        print("ALL FIGURES ARE IN-SAMPLE (tuned and trained on these pages); held-out figures:")
        print("  python -m benchmarks.extraction --held-out")
    tally, meta_rows = measure(pages, not args.no_anchor, args.repeat, models)
    print("\nbody text: F1 (precision/recall)")
    print("\n".join(tally.lines()))
    for (set_name, name), count in sorted(tally.empty.items()):
        print(f"{name}: {count} {set_name} pages under {MIN_TEXT} chars where trafilatura has more")
    if meta_rows:
        print("\nmetadata accuracy (scoring: benchmarks/metadata.py)")
        print("\n".join(_metadata_lines(meta_rows)))
    mine = statistics.median(tally.times["ours"]) * 1000
    print(f"\nmedian time per page: ours {mine:.1f} ms", end="")
    if tally.times.get("trafilatura"):
        theirs = statistics.median(tally.times["trafilatura"]) * 1000
        print(f", trafilatura {theirs:.1f} ms, ratio ours/trafilatura {mine / theirs:.2f}")
    else:
        print()
    for first, page in sorted(tally.worst, key=lambda x: x[0])[: args.worst]:
        print(f"  {page.set_name}/{page.key[:12]} tp={first:.2f} {page.url[:80]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
