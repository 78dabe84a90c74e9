"""Dates: written forms, URL dates, sources, and never later than the capture."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from crawler.extract import ExtractOptions, extract
from crawler.extract.dates import date_from_url, dated, find_date_in_text, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-04-23", date(2024, 4, 23)),
        ("2024-04-23T09:00:00Z", datetime(2024, 4, 23, 9, tzinfo=UTC)),
        ("2024-04-23T09:00:00.123+0200", "2024-04-23T09:00:00+02:00"),
        ("Updated 23 Apr, 2024", date(2024, 4, 23)),
        ("Published April 23rd, 2024 at 9am", date(2024, 4, 23)),
        ("le 3 mai 2024", date(2024, 5, 3)),
        ("1713862800", datetime(2024, 4, 23, 9, tzinfo=UTC)),
        ("not a date", None),
        ("2024-02-30", None),
    ],
)
def test_parse_date(text: str, expected) -> None:
    parsed = parse_date(text)
    if isinstance(expected, str):
        assert parsed.isoformat() == expected
    else:
        assert parsed == expected


def test_url_dates() -> None:
    assert date_from_url("https://x.com/2019/11/18/politics/story") == date(2019, 11, 18)
    assert date_from_url("https://x.com/news/20191118/story") == date(2019, 11, 18)
    assert date_from_url("https://x.com/news/story-123") is None


def test_first_date_in_text_wins() -> None:
    assert find_date_in_text("Posted 2 March 2023, updated 2023-03-05") == date(2023, 3, 2)


def test_future_dates_are_rejected() -> None:
    capture = datetime(2024, 1, 1, 12, tzinfo=UTC)
    assert dated(date(2024, 1, 2), "meta", capture) is None
    assert dated(datetime(2024, 1, 1, 13, tzinfo=UTC), "meta", capture) is None
    assert dated(datetime(2024, 1, 1, 11, tzinfo=UTC), "meta", capture).source == "meta"
    assert dated(date(1970, 1, 1), "meta", None) is None


def test_extract_falls_back_when_structured_date_is_in_the_future() -> None:
    html = (
        '<html><head><meta property="article:published_time" content="2030-01-01T00:00:00Z">'
        "</head><body><p>" + "Words of a story, with commas, here. " * 10 + "</p></body></html>"
    )
    options = ExtractOptions(capture_time=datetime(2024, 6, 1, tzinfo=UTC))
    result = extract(html, "https://x.com/2024/05/31/some-story-slug", options)
    assert result.published.value == "2024-05-31"
    assert result.published.source == "url"


def test_time_element_source() -> None:
    html = (
        '<html><body><time datetime="2024-05-30T08:00:00Z">30 May</time><p>'
        + "Words of a story, with commas, here. " * 10 + "</p></body></html>"
    )
    result = extract(html, "https://x.com/news/some-story-slug")
    published = (result.published.value, result.published.source)
    assert published == ("2024-05-30T08:00:00+00:00", "time")


def test_visible_dateline_is_the_last_resort() -> None:
    html = (
        '<html><body><div class="post-meta">Posted on March 3, 2023 by Jo</div><p>'
        + "Words of a story, with commas, here. " * 10 + "</p></body></html>"
    )
    result = extract(html, "https://x.com/news/some-story-slug")
    assert (result.published.value, result.published.source) == ("2023-03-03", "text")
    early = ExtractOptions(capture_time=datetime(2023, 3, 1, tzinfo=UTC))
    assert extract(html, "https://x.com/news/some-story-slug", early).published is None
