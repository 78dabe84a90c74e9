"""The extractor's F1 on the development sets stays above the committed floors."""

from __future__ import annotations

import json

import pytest

from benchmarks import extraction, structure
from benchmarks.devsets import ARTICLE_TYPES, available, iter_pages
from tests.conftest import SHARED_DATA

DATA = SHARED_DATA / "article-extraction-benchmark"
BASELINE = extraction.ROOT / "benchmarks" / "baseline.json"


def test_metric_matches_the_benchmark_definition() -> None:
    assert extraction.tp_fp_fn("a b c d e", "a b c d e") == (1.0, 0.0, 0.0)
    tp, fp, fn = extraction.tp_fp_fn("a b c d e", "a b c d x")
    assert (tp, fp, fn) == (1 / 3, 1 / 3, 1 / 3)
    assert extraction.score([(1.0, 0.0, 0.0), (0.0, 0.0, 1.0)])["recall"] == 0.5


@pytest.mark.skipif(not (DATA / "ground-truth.json").exists(), reason="benchmark data absent")
def test_f1_stays_above_the_floor() -> None:
    floor = json.loads(BASELINE.read_text(encoding="utf-8"))
    results = extraction.run(extraction.load_pages(DATA), {"ours": extraction.ours})["ours"]
    for key in ("f1", "precision", "recall"):
        assert results[key] >= floor[key], f"{key} {results[key]:.4f} < floor {floor[key]}"


@pytest.mark.skipif(not available("modern", SHARED_DATA), reason="benchmark data absent")
def test_modern_web_f1_stays_above_the_floor() -> None:
    floor = json.loads(BASELINE.read_text(encoding="utf-8"))
    scores: dict[str, list] = {"modern": [], "modern-articles": []}
    for page in iter_pages("modern", SHARED_DATA):
        result = extraction.tp_fp_fn(page.body, extraction.ours(page.html, page.url))
        scores["modern"].append(result)
        if page.page_type in ARTICLE_TYPES:
            scores["modern-articles"].append(result)
    for group, results in scores.items():
        measured = extraction.score(results)
        for key, value in floor[group].items():
            assert measured[key] >= value, f"{group} {key} {measured[key]:.4f} < floor {value}"


@pytest.mark.skipif(not available("modern", SHARED_DATA), reason="benchmark data absent")
def test_structure_stays_above_the_floor() -> None:
    floor = json.loads(BASELINE.read_text(encoding="utf-8"))["structure"]
    pages = (p for p in iter_pages("modern", SHARED_DATA) if p.page_type in ARTICLE_TYPES)
    tallies, _ = structure.measure(pages, structure.ours_with(None), anchor=False)
    tally = tallies[("modern-articles", "all", "ours")]
    measured = {
        "recall": tally.recall, "precision": tally.precision,
        "tables_kept": tally.tables_kept / tally.tables, "same_words": tally.same / tally.pages,
    }  # fmt: skip
    for key, value in measured.items():
        assert value >= floor[key], f"structure {key} {value:.4f} < floor {floor[key]}"


@pytest.mark.skipif(not (DATA / "ground-truth.json").exists(), reason="benchmark data absent")
def test_all_benchmark_pages_are_articles() -> None:
    for key, html, url, _ in extraction.load_pages(DATA):
        result = extraction.extract(html, url)
        assert result.is_article, (key, url, result.discard_reason)
