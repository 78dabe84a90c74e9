"""Cron and interval parsing and the due computation of crawler.schedule.timing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawler.schedule.timing import Schedule, format_duration, parse_duration, parse_durations

T0 = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("30m", 1800), ("6h", 21600), ("1d", 86400), ("1w", 604800),
     ("1h30m", 5400), (" 2H ", 7200), ("0.5h", 1800)],
)
def test_parse_duration_accepts_units(text, seconds):
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "30", "m", "30 minutes", "-5m", "0s", "5x", "1h-30m"])
def test_parse_duration_rejects_with_a_hint(text):
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_parse_durations_sorts_a_list():
    assert parse_durations("1w, 1h,6h,1d") == (
        timedelta(hours=1), timedelta(hours=6), timedelta(days=1), timedelta(weeks=1))


def test_format_duration_round_trips():
    assert format_duration(timedelta(days=1, hours=6)) == "1d6h"
    assert parse_duration(format_duration(timedelta(minutes=90))) == timedelta(minutes=90)


def test_interval_schedule_is_due_after_the_interval():
    sched = Schedule.parse(interval="30m")
    assert sched.is_due(None, T0)
    assert not sched.is_due(T0, T0 + timedelta(minutes=29))
    assert sched.is_due(T0, T0 + timedelta(minutes=30))
    assert sched.next_run(T0, T0 + timedelta(minutes=5)) == T0 + timedelta(minutes=30)
    assert sched.next_run(T0, T0 + timedelta(hours=5)) == T0 + timedelta(hours=5)


def test_cron_schedule_uses_standard_cron_fields():
    sched = Schedule.parse(cron="*/15  * * * *")
    assert sched.cron == "*/15 * * * *"
    assert sched.next_after(T0) == T0 + timedelta(minutes=15)
    assert not sched.is_due(T0, T0 + timedelta(minutes=14))
    assert sched.is_due(T0 + timedelta(minutes=1), T0 + timedelta(minutes=15))


def test_cron_weekday_zero_is_sunday():
    # Standard cron reads 0 as Sunday (some schedulers read it as Monday).
    nxt = Schedule.parse(cron="0 12 * * 0").next_after(T0)  # T0 is a Wednesday
    assert nxt.astimezone().weekday() == 6


@pytest.mark.parametrize(
    ("cron", "interval", "message"),
    [("61 * * * *", None, "cron expression"), ("every day", None, "cron expression"),
     (None, "soon", "duration"), (None, None, "no schedule"),
     ("* * * * *", "5m", "not both")],
)
def test_bad_schedules_are_rejected(cron, interval, message):
    with pytest.raises(ValueError, match=message):
        Schedule.parse(cron=cron, interval=interval)


def test_describe_names_the_schedule():
    assert Schedule.parse(interval="90m").describe() == "every 1h30m"
    assert "*/5" in Schedule.parse(cron="*/5 * * * *").describe()


def test_durations_past_ten_years_and_crons_that_never_fire_are_refused():
    with pytest.raises(ValueError, match="longer than 10 years"):
        parse_duration("99999999999999999999d")
    with pytest.raises(ValueError, match="never fires"):
        Schedule.parse(cron="0 0 31 2 *")
    assert Schedule.parse(cron="0 0 29 2 *").cron == "0 0 29 2 *"  # leap days do come round
