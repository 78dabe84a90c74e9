"""The decaying revisit policy of crawler.incremental (pure, no crawl)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawler.incremental import (
    Decision,
    KnownCapture,
    RevisitPolicy,
    conditional_headers,
    parse_timestamp,
)

PUB = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
H = timedelta(hours=1)
POLICY = RevisitPolicy.from_text("1h,6h,1d,1w")


def known(last_fetch, published=PUB, first_fetch=None, **kw):
    return KnownCapture(last_fetch=last_fetch, published=published, first_fetch=first_fetch, **kw)


def test_unknown_url_is_new():
    assert POLICY.decide(None, PUB) is Decision.NEW
    assert POLICY.decide(KnownCapture(last_fetch=None), PUB) is Decision.NEW


@pytest.mark.parametrize(
    ("fetched_after", "now_after", "expected"),
    [
        (0.5, 0.9, Decision.SKIP),  # first revisit (1 h) not reached yet
        (0.5, 1.0, Decision.REVISIT),  # 1 h passed since the capture
        (1.5, 5.0, Decision.SKIP),  # 1 h revisit done, 6 h not reached
        (1.5, 7.0, Decision.REVISIT),  # 6 h passed
        (7.0, 23.0, Decision.SKIP),
        (7.0, 30.0, Decision.REVISIT),  # 1 day passed
        (30.0, 24 * 6, Decision.SKIP),
        (30.0, 24 * 8, Decision.REVISIT),  # 1 week passed
        (24 * 8, 24 * 400, Decision.SKIP),  # schedule over: never again
    ],
)
def test_decaying_schedule(fetched_after, now_after, expected):
    state = known(PUB + fetched_after * H)
    assert POLICY.decide(state, PUB + now_after * H) is expected


def test_missed_revisits_collapse_into_one():
    state = known(PUB + 0.5 * H)
    assert POLICY.due_at(state, PUB + 50 * H) == PUB + 24 * H
    assert POLICY.next_revisit(known(PUB + 25 * H)) == PUB + 7 * 24 * H
    assert POLICY.next_revisit(known(PUB + 8 * 24 * H)) is None


def test_newer_lastmod_forces_a_fetch_even_when_not_due():
    state = known(PUB + 2 * H)
    assert POLICY.decide(state, PUB + 3 * H) is Decision.SKIP
    assert POLICY.decide(state, PUB + 3 * H, PUB + 2.5 * H) is Decision.CHANGED
    assert POLICY.decide(state, PUB + 3 * H, PUB + 1.5 * H) is Decision.SKIP


def test_without_publication_date_counts_from_first_capture():
    first = PUB
    state = known(first, published=None, first_fetch=first)
    assert POLICY.decide(state, first + 0.5 * H) is Decision.SKIP
    assert POLICY.decide(state, first + 1 * H) is Decision.REVISIT


def test_publication_after_first_capture_is_not_trusted():
    state = known(PUB, published=PUB + 1000 * H, first_fetch=PUB)
    assert POLICY.anchor(state) == PUB
    assert POLICY.decide(state, PUB + 2 * H) is Decision.REVISIT


def test_configurable_schedule():
    policy = RevisitPolicy.from_text(["2d"])
    assert policy.decide(known(PUB + H), PUB + 30 * H) is Decision.SKIP
    assert policy.decide(known(PUB + H), PUB + 49 * H) is Decision.REVISIT
    with pytest.raises(ValueError):
        RevisitPolicy.from_text("1h,soon")


def test_naive_times_are_utc():
    naive = KnownCapture(
        last_fetch=datetime(2026, 11, 25, 8, 30), published=datetime(2026, 11, 25, 8)
    )
    assert POLICY.decide(naive, PUB + 1 * H) is Decision.REVISIT


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026-11-25", datetime(2026, 11, 25, tzinfo=UTC)),
     ("2026-11-25T10:00:00Z", datetime(2026, 11, 25, 10, tzinfo=UTC)),
     ("2026-11-25T12:00:00+02:00", datetime(2026, 11, 25, 10, tzinfo=UTC)),
     ("Wed, 25 Nov 2026 10:00:00 GMT", datetime(2026, 11, 25, 10, tzinfo=UTC)),
     ("yesterday", None), ("", None), (None, None)],
)
def test_parse_timestamp(value, expected):
    assert parse_timestamp(value) == expected


def test_conditional_headers_use_stored_validators():
    state = known(PUB, etag='"abc"', last_modified="Wed, 25 Nov 2026 08:00:00 GMT")
    assert conditional_headers(state) == {
        "If-None-Match": '"abc"', "If-Modified-Since": "Wed, 25 Nov 2026 08:00:00 GMT"}
    assert conditional_headers(known(PUB)) == {}


def test_lastmod_moved_since_last_capture_counts_as_changed():
    # The site's dates lag our clock (an old article), but its lastmod moved: it changed.
    state = known(PUB + 1000 * H, modified=PUB + 2 * H)
    assert POLICY.decide(state, PUB + 1001 * H, PUB + 2 * H) is Decision.SKIP
    assert POLICY.decide(state, PUB + 1001 * H, PUB + 26 * H) is Decision.CHANGED
    assert POLICY.decide(known(PUB + 1000 * H), PUB + 1001 * H, PUB + 26 * H) is Decision.SKIP


def test_summary_line_from_stats():
    from crawler.incremental.report import summary

    # Planned requests (decisions) do not count; captures made (fetched/*) do.
    stats = {"incremental/new": 120, "incremental/changed": 1, "incremental/revisit": 3,
             "incremental/fetched/new": 5, "incremental/fetched/changed": 1,
             "incremental/fetched/revisit": 2, "incremental/not_modified": 1,
             "incremental/skip": 130, "incremental/skipped_urls": 119}
    assert summary(stats) == (
        "incremental: fetched 5 new articles (never archived), 1 changed since archived, "
        "2 due revisits (1 not modified); skipped 119 archived and not due"
    )
    assert summary({"pages": 3}) is None
    interrupted = summary({"incremental/new": 120})
    assert interrupted is not None and "fetched 0 new articles" in interrupted
    full = summary({"incremental/forced": 7, "incremental/fetched/forced": 4})
    assert "--full" in full and "4 article pages fetched" in full
