"""Score title, author, date and language of our extractor beside trafilatura's, per set half.

Run: ``.venv/bin/python -m benchmarks.metadata [--data DIR] [--limit N] [--half A|B]
[--show FIELD]``. Every figure is in-sample: the extractor was tuned on these development sets.
From code: ``metadata_report(pages, {"ours": ours_metadata, "trafilatura":
trafilatura_metadata})`` and ``format_report(report)``.

Scoring (per page; a field's accuracy is the mean over the pages of a subset):

- **title**: both sides normalised (HTML entities decoded, NFKC, case-folded, runs of
  non-word characters removed). Right when equal, or when the parts of one, split at
  `` | `` / `` - `` / `` – `` / `` — `` / `` · `` / `` » `` (where site and section names
  are set off), are the leading or trailing parts of the other's: "Headline | Site",
  "Headline - Section | Site" and "Headline" name the same headline, and the truth itself
  keeps the site name on some pages and not on others. Any other difference is wrong.
- **author**: truth and prediction alike are split into names at commas, semicolons, "and",
  "&", "/"; a name is its normalised words as a set, titles and degrees ("Dr", "Ph.D.",
  "Jr.") left out, so "Genevieve Carlton, Ph.D." is "Genevieve Carlton". The page scores the F1 of
  the predicted and true name sets (one of two authors found: 0.67). No author in the truth:
  1 when none is predicted, else 0 (a name invented for an author-less page is wrong).
- **date**: the ``YYYY-MM-DD`` part of the prediction equals the truth's. No date in the truth:
  right only when no date is predicted (the truth gives no date to service, product, listing
  pages: a date found there is not a publication date). ``date*`` is the figure over the pages
  whose truth has a date only (the one quoted in issue 10).
- **language** has no truth in the sets: it is scored on paragraphs written for the purpose
  in 34 languages and on pages whose declarations agree (``benchmarks/language.py``).
"""

from __future__ import annotations

import argparse
import html as htmllib
import re
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import language  # noqa: E402
from benchmarks.devsets import ARTICLE_TYPES, SHARED_DATA, DevPage, available, iter_pages  # noqa: E402
from crawler.extract import extract  # noqa: E402

FIELDS = ("title", "author", "date", "date*")
_NON_WORD = re.compile(r"[\W_]+")
_SITE_SEPARATOR = re.compile(r"\s+[|\-–—·»]\s+")
# Titles and degrees around a name ("Dr", "Ph.D.", "Jr."): not part of who it is.
_HONORIFICS = frozenset("dr mr mrs ms prof phd ph d md mba msc jr sr rn cpa esq".split())
_NAME_SEPARATOR = re.compile(r"\s*(?:[,;&/]|\band\b|\bund\b|\bet\b|\by\b)\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class MetaFields:
    """The metadata one extractor found in one page."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    language: str | None = None


Extractor = Callable[[bytes, str], MetaFields]


def ours_metadata(html: bytes, url: str) -> MetaFields:
    """Our extractor's metadata of one page."""
    result = extract(html, url)
    return MetaFields(
        title=result.title,
        authors=result.authors,
        date=result.published.value if result.published else None,
        language=result.language,
    )


def trafilatura_metadata(html: bytes, url: str) -> MetaFields:
    """trafilatura's metadata (default settings: htmldate's extensive search, original date)."""
    import trafilatura

    found = trafilatura.extract_metadata(html.decode("utf-8", "replace"), default_url=url)
    authors = tuple(a.strip() for a in (found.author or "").split(";") if a.strip())
    return MetaFields(title=found.title, authors=authors, date=found.date)


def normalise(text: str | None) -> str:
    """Text reduced to its case-folded words, entities decoded."""
    text = unicodedata.normalize("NFKC", htmllib.unescape(text or "")).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


def _segments(title: str) -> list[str]:
    """A title's parts between site separators, each normalised."""
    parts = (normalise(part) for part in _SITE_SEPARATOR.split(htmllib.unescape(title).strip()))
    return [part for part in parts if part]


def title_score(predicted: str | None, truth: str | None) -> float | None:
    """1.0 when the titles match (see the module doc), 0.0 when not; None without truth."""
    if not truth:
        return None
    if not predicted:
        return 0.0
    if normalise(predicted) == normalise(truth):
        return 1.0
    mine, true = _segments(predicted), _segments(truth)
    short, long = sorted((mine, true), key=len)
    if not short or len(short) == len(long):
        return 0.0
    # "Headline" against "Headline - Author - Site": the same headline, with site names added.
    return 1.0 if long[: len(short)] == short or long[-len(short) :] == short else 0.0


def author_names(value: str | Iterable[str] | None) -> set[frozenset[str]]:
    """Names as sets of normalised words, split at commas, "and", "&" (titles and degrees out)."""
    values = [value] if isinstance(value, str) else list(value or ())
    names = set()
    for raw in values:
        for part in _NAME_SEPARATOR.split(raw):
            words = frozenset(normalise(part).split()) - _HONORIFICS
            if words:
                names.add(words)
    return names


def author_score(predicted: Iterable[str], truth: str | None) -> float:
    """F1 of the predicted and true name sets; 1.0 when both are empty."""
    mine, true = author_names(predicted), author_names(truth)
    if not true:
        return 0.0 if mine else 1.0
    hits = len(mine & true)
    return 2 * hits / (len(mine) + len(true)) if hits else 0.0


def date_score(predicted: str | None, truth: str | None) -> float:
    """1.0 when the predicted day is the truth's (or both have none), else 0.0."""
    if not truth:
        return 0.0 if predicted else 1.0
    return 1.0 if predicted and predicted[:10] == truth[:10] else 0.0


def page_scores(found: MetaFields, page: DevPage) -> dict[str, float | None]:
    """Each field's score on one page (``None``: the field is not scored on this page)."""
    return {
        "title": title_score(found.title, page.title),
        "author": author_score(found.authors, page.author),
        "date": date_score(found.date, page.date),
        "date*": date_score(found.date, page.date) if page.date else None,
    }


def _subsets(page: DevPage) -> list[str]:
    """The report rows a page counts in: its set, and its articles subset if it is one."""
    names = [f"{page.set_name} all"]
    if page.page_type in ARTICLE_TYPES:
        names.append(f"{page.set_name} articles")
    return names


def metadata_report(
    pages: Iterable[DevPage], extractors: dict[str, Extractor]
) -> dict[str, dict[str, dict[str, dict[str, float]]]]:
    """Accuracy per subset, extractor, half (``A``, ``B``, ``all``) and field, plus timings.

    Returns ``{subset: {extractor: {half: {field: accuracy, "pages": n}}}}`` and, under the
    key ``"_time"``, ``{extractor: {"median_ms": ..}}``. Extractors take turns on each page.
    """
    scores: dict[tuple[str, str, str], list[dict[str, float | None]]] = {}
    times: dict[str, list[float]] = {name: [] for name in extractors}
    for page in pages:
        for name, extractor in extractors.items():
            start = time.perf_counter()
            found = extractor(page.html, page.url)
            times[name].append(time.perf_counter() - start)
            row = page_scores(found, page)
            for subset in _subsets(page):
                for half in (page.half, "all"):
                    scores.setdefault((subset, name, half), []).append(row)
    report: dict = {}
    for (subset, name, half), rows in sorted(scores.items()):
        report.setdefault(subset, {}).setdefault(name, {})[half] = _accuracy(rows)
    report["_time"] = {
        name: {"median_ms": statistics.median(ts) * 1000 if ts else 0.0}
        for name, ts in times.items()
    }
    return report


def _accuracy(rows: list[dict[str, float | None]]) -> dict[str, float]:
    """Mean score per field over the rows where the field is scored."""
    result: dict[str, float] = {"pages": float(len(rows))}
    for field_name in FIELDS:
        values = [v for r in rows if (v := r[field_name]) is not None]
        result[field_name] = statistics.mean(values) if values else float("nan")
    return result


def format_report(report: dict) -> list[str]:
    """Text lines of a report: one row per subset, half and extractor."""
    lines = ["accuracy (in-sample: the development sets the extractor was tuned on)"]
    lines.append(
        f"{'subset':<18}{'half':<6}{'extractor':<13}{'pages':>6}"
        + "".join(f"{f:>8}" for f in FIELDS)
    )
    for subset, by_name in report.items():
        if subset.startswith("_"):
            continue
        for half in ("A", "B", "all"):
            for name, by_half in by_name.items():
                acc = by_half.get(half)
                if acc:
                    cells = "".join(f"{acc[f]:>8.3f}" for f in FIELDS)
                    lines.append(f"{subset:<18}{half:<6}{name:<13}{int(acc['pages']):>6}{cells}")
    for name, timing in report.get("_time", {}).items():
        # Not a speed comparison: ours is the whole extract(), trafilatura's metadata only.
        lines.append(f"median time {name} (as called above): {timing['median_ms']:.1f} ms/page")
    return lines


def show_misses(pages: Iterable[DevPage], field_name: str, extractor: Extractor) -> None:
    """Print the pages where ``extractor`` gets ``field_name`` wrong (to read, not to tune by)."""
    for page in pages:
        found = extractor(page.html, page.url)
        score = page_scores(found, page)[field_name]
        if score is not None and score < 1:
            got = {"title": found.title, "author": found.authors}.get(field_name, found.date)
            truth = {"title": page.title, "author": page.author}.get(field_name, page.date)
            print(f"{page.key} {page.half} {page.page_type:<13} truth={truth!r} got={got!r}")
            print(f"    {page.url[:100]}")


def main(argv: list[str] | None = None) -> int:
    """Print metadata accuracy of ours and trafilatura, per half, on modern-dev."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED_DATA, help="folder of the sets")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--half", choices=("A", "B"), help="only this half")
    parser.add_argument("--no-anchor", action="store_true", help="skip trafilatura")
    parser.add_argument("--show", choices=FIELDS, help="list our misses on this field")
    parser.add_argument("--no-language", action="store_true", help="skip language scoring")
    args = parser.parse_args(argv)
    if not available("modern", args.data):
        print(f"modern-web-2026-dev not found under {args.data}: pass --data DIR")
        return 2
    pages = [
        p
        for p in iter_pages("modern", args.data, args.limit)
        if not args.half or p.half == args.half
    ]
    if args.show:
        show_misses(pages, args.show, ours_metadata)
        return 0
    extractors: dict[str, Extractor] = {"ours": ours_metadata}
    if not args.no_anchor:
        extractors["trafilatura"] = trafilatura_metadata
    print(f"{len(pages)} pages of modern-web-2026-dev (in-sample figures)")
    for line in format_report(metadata_report(pages, extractors)):
        print(line)
    if not args.no_language:
        _print_language(args.data, args.limit, args.half)
    return 0


def _print_language(data: Path, limit: int | None, half: str | None) -> None:
    """Language scores: the written samples, and each set's consistently declared pages."""
    declared = {}
    for set_name in ("modern", "aeb181"):
        if available(set_name, data):
            pages = (p for p in iter_pages(set_name, data, limit) if not half or p.half == half)
            declared[set_name] = language.declared_scores(pages)
    for line in language.format_language(language.sample_scores(), declared):
        print(line)


if __name__ == "__main__":
    raise SystemExit(main())
