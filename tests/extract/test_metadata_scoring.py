"""The metadata benchmark's scoring rules, its report, and our floor on the development set."""

from __future__ import annotations

import json

import pytest

from benchmarks import metadata
from benchmarks.devsets import DevPage, available, iter_pages
from benchmarks.language import declared_language, sample_scores
from tests.conftest import SHARED_DATA

FLOOR = metadata.ROOT / "benchmarks" / "metadata_baseline.json"


@pytest.mark.parametrize(
    ("predicted", "truth", "score"),
    [
        ("Machine learning, explained", "Machine Learning, Explained!", 1.0),
        ("Machine learning, explained | MIT Sloan", "Machine learning, explained", 1.0),
        ("How to use promises - Learn web development | MDN", "How to use promises", 1.0),
        ("Tastify | Top 7 Catering Trends", "Top 7 Catering Trends", 1.0),
        ("Cybersecurity M&amp;A Roundup", "Cybersecurity M&A Roundup", 1.0),
        ("Comparison of SDLC Models", "Comparison of SDLC Models: How to Choose", 0.0),
        ("Meditation Class Cost", "Average Private Meditation Sessions Cost", 0.0),
        (None, "Anything", 0.0),
        ("Anything", None, None),
    ],
)
def test_title_score(predicted: str | None, truth: str | None, score: float | None) -> None:
    assert metadata.title_score(predicted, truth) == score


@pytest.mark.parametrize(
    ("predicted", "truth", "score"),
    [
        (("Korin Miller",), "Korin Miller", 1.0),
        (("Miller, Korin",), "Korin Miller", 0.0),  # split at the comma: two names, neither right
        (("Genevieve Carlton, Ph.D.",), "Genevieve Carlton", 1.0),
        (("Dr Marna van der Merwe",), "Marna van der Merwe, Erik van Vulpen", 2 / 3),
        (("Matt_Brooks",), "Matt Brooks", 1.0),
        ((), None, 1.0),
        (("CDC",), None, 0.0),
        ((), "Ana Ruiz", 0.0),
    ],
)
def test_author_score(predicted: tuple[str, ...], truth: str | None, score: float) -> None:
    assert metadata.author_score(predicted, truth) == pytest.approx(score)


def test_date_score_counts_a_date_where_the_truth_has_none_as_wrong() -> None:
    assert metadata.date_score("2025-02-14T18:47:52+00:00", "2025-02-14") == 1.0
    assert metadata.date_score("2025-02-13", "2025-02-14T01:00:00") == 0.0
    assert metadata.date_score(None, None) == 1.0
    assert metadata.date_score("2025-02-14", None) == 0.0


def _page(key: str, title: str, date: str | None, page_type: str) -> DevPage:
    html = f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"
    return DevPage(
        "modern", key, html.encode(), f"https://x.example/{key}", "", title, None, date, page_type
    )


def test_report_scores_each_subset_half_and_extractor() -> None:
    pages = [
        _page("1", "Night buses", "2025-01-02", "article"),
        _page("2", "Shop", None, "product"),
    ]

    def dated(html: bytes, url: str) -> metadata.MetaFields:
        return metadata.MetaFields(title="Night buses", date="2025-01-02")

    report = metadata.metadata_report(pages, {"fixed": dated, "ours": metadata.ours_metadata})
    articles = report["modern articles"]["fixed"]["all"]
    assert articles["pages"] == 1 and articles["date"] == 1.0 and articles["title"] == 1.0
    everything = report["modern all"]["fixed"]["all"]
    assert everything["date"] == 0.5  # a date on the product page, whose truth has none
    assert everything["title"] == 0.5
    assert report["modern all"]["ours"]["all"]["title"] == 1.0
    assert set(report["modern all"]["ours"]) == {"all", pages[0].half} | {pages[1].half}
    assert any("in-sample" in line for line in metadata.format_report(report))


def test_language_scoring_on_the_written_samples() -> None:
    scores = sample_scores()
    right, answered, total = scores["whole"]
    assert total >= 30 and right >= total - 1
    assert sample_scores(lambda text: None)["whole"] == (0, 0, total)


def test_declared_language_needs_agreeing_declarations() -> None:
    agree = b'<html lang="pt-BR"><head><meta property="og:locale" content="pt_BR"></head></html>'
    clash = b'<html lang="en"><head><meta property="og:locale" content="de_DE"></head></html>'
    assert declared_language(agree, "https://x.example/") == "pt"
    assert declared_language(clash, "https://x.example/") is None
    assert declared_language(b"<html><body>x</body></html>", "https://x.example/") is None


def test_cli_says_where_the_data_is_missing(tmp_path, capsys) -> None:
    assert metadata.main(["--data", str(tmp_path)]) == 2
    assert "--data" in capsys.readouterr().out


@pytest.mark.skipif(not available("modern", SHARED_DATA), reason="development data absent")
def test_metadata_accuracy_stays_above_the_floor() -> None:
    floor = json.loads(FLOOR.read_text(encoding="utf-8"))
    pages = iter_pages("modern", SHARED_DATA)
    report = metadata.metadata_report(pages, {"ours": metadata.ours_metadata})
    for subset, fields in floor["modern"].items():
        found = report[subset]["ours"]["all"]
        for field_name, minimum in fields.items():
            assert found[field_name] >= minimum, f"{subset} {field_name} {found[field_name]:.3f}"
