"""Golden pages modelled on real layouts: expected phrases in and out, and metadata."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.extract import ExtractOptions, extract

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.stem for p in FIXTURES.glob("*.json"))
CAPTURE = ExtractOptions(capture_time=datetime(2024, 6, 1, tzinfo=UTC))


def _load(name: str) -> tuple[bytes, dict]:
    expected = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return (FIXTURES / f"{name}.html").read_bytes(), expected


@pytest.mark.parametrize("name", CASES)
def test_golden_text(name: str) -> None:
    html, expected = _load(name)
    result = extract(html, expected["url"], CAPTURE)
    assert result.is_article is expected["is_article"], result.page_reason
    if not expected["is_article"]:
        assert result.role == expected.get("role", "list")
        assert result.discard_reason.startswith(expected["discard_prefix"])
        assert result.text, "a page that is not an article still has its best text"
        return
    for phrase in expected["with"]:
        assert phrase in result.text, f"missing {phrase!r}"
    for phrase in expected["without"]:
        assert phrase not in result.text, f"unexpected {phrase!r}"
    if "starts_with" in expected:
        assert result.text.startswith(expected["starts_with"])
    if "ends_with" in expected:
        assert result.text.endswith(expected["ends_with"])
    assert "\n\n" in result.text, "paragraphs must be separated by blank lines"


@pytest.mark.parametrize("name", CASES)
def test_golden_metadata(name: str) -> None:
    html, expected = _load(name)
    result = extract(html, expected["url"], CAPTURE)
    for key in ("title", "language", "canonical_url", "site_name", "encoding", "is_partial"):
        if key in expected:
            assert getattr(result, key) == expected[key], key
    if "authors" in expected:
        assert list(result.authors) == expected["authors"]
    for key in ("published", "modified"):
        if key in expected:
            value = getattr(result, key)
            assert value is not None, f"no {key} date"
            assert [value.value, value.source] == expected[key]


PROSE = "<p>" + "The council met on Tuesday, and residents spoke for hours about the plan. " * 4
WALL = (
    '<div class="paywall-offer"><h3>Subscribe to continue reading</h3>'
    "<p>Already a subscriber? Sign in.</p></div>"
)


@pytest.mark.parametrize(("wall", "partial"), [(WALL, True), ("", False)])
def test_paywall_prompt_marks_text_partial(wall: str, partial: bool) -> None:
    html = f"<html><body><article>{PROSE}</p>{wall}</article></body></html>"
    result = extract(html, "https://x.example/2024/05/02/council-meets-on-plan")
    assert result.is_article
    assert result.is_partial is partial
    assert "Subscribe" not in result.text


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ('<p class="byline">By Ana Ruiz and Tom Li | May 2, 2024</p>', ("Ana Ruiz", "Tom Li")),
        ('<div class="article-author">By Jo Marsh, Science editor</div>', ("Jo Marsh",)),
        ('<span class="author-name">Kim Lee</span>', ("Kim Lee",)),
        ('<div class="byline">Updated 3 May</div>', ()),
    ],
)
def test_visible_byline_names_authors(byline: str, authors: tuple[str, ...]) -> None:
    html = f"<html><body>{byline}{PROSE}</p></body></html>"
    result = extract(html, "https://x.example/2024/05/02/council-meets-on-plan")
    assert result.authors == authors
    assert "Ruiz" not in result.text and "Marsh" not in result.text


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("By TOM KRISHER, AP Auto Writer", "TOM KRISHER"),
        ("Jeff Foust Monday", "Jeff Foust"),
        ("Amy Kuperinsky | NJ Advance Media", "Amy Kuperinsky"),
        ("NOVEMBER 20, 2019 10:43", ""),
        ("May Smith", "May Smith"),
        ("Analysis by Chris Cillizza", "Chris Cillizza"),
    ],
)
def test_author_names_are_tidied(raw: str, name: str) -> None:
    from crawler.extract.authors import tidy_name as _tidy_name

    assert _tidy_name(raw) == name


def test_script_rendered_page_falls_back_to_json_ld_body() -> None:
    first = ("The first paragraph of a story that only the structured data carries, with enough "
             "words to count, and a few more to be sure that it reads as an article.")
    second = "A second paragraph, also long enough to be prose, closes it."
    body = f"{first}\\n\\n{second}"
    html = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
        f'"headline": "H", "articleBody": "{body}"}}</script></head>'
        '<body><div id="root"></div><noscript>Enable JavaScript</noscript></body></html>'
    )
    result = extract(html, "https://x.example/2024/05/02/rendered-by-script-story")
    assert result.is_article
    assert result.text.split("\n\n") == [first, second]
