"""When a site is due: cron expressions (read by croniter) and intervals such as "30m" or "6h"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from croniter import CroniterBadDateError, croniter

from crawler.timestamps import as_utc

__all__ = [
    "MAX_DURATION", "Schedule", "as_utc", "cron_problem", "format_duration", "parse_duration",
    "parse_durations",
]

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"(\d+(?:\.\d+)?)([smhdw])")
#: The longest duration or interval accepted: beyond it dates overflow, and nothing is due.
MAX_DURATION = timedelta(days=3650)


def parse_duration(text: str) -> timedelta:
    """Parse a duration such as "90s", "30m", "6h", "1d", "1w" or "1h30m" (ValueError if bad)."""
    compact = str(text).strip().lower().replace(" ", "")
    parts = _PART.findall(compact)
    if not compact or "".join(num + unit for num, unit in parts) != compact:
        raise ValueError(
            f"{text!r} is not a duration: write a number and a unit s, m, h, d or w, "
            'e.g. "30m", "6h" or "1h30m"'
        )
    seconds = sum(float(num) * _UNIT_SECONDS[unit] for num, unit in parts)
    if seconds <= 0:
        raise ValueError(f"{text!r} is not a positive duration: use e.g. \"30m\"")
    if seconds > MAX_DURATION.total_seconds():
        raise ValueError(f"{text!r} is longer than 10 years (3650d): use a shorter duration")
    return timedelta(seconds=seconds)


def cron_problem(expression: str) -> str | None:
    """Why a cron expression cannot schedule anything (invalid, or never fires), or None."""
    if not croniter.is_valid(expression):
        return "is not a cron expression such as \"*/30 * * * *\""
    try:
        croniter(expression, datetime(2000, 1, 1)).get_next(datetime)
    except (CroniterBadDateError, ValueError, OverflowError):
        # e.g. "0 0 31 2 *" (31 February) is well formed but never comes round.
        return "never fires (no such date): check the day and month fields"
    return None


def parse_durations(text: str | list[str] | tuple[str, ...]) -> tuple[timedelta, ...]:
    """Parse a comma-separated list (or a list) of durations, sorted ascending."""
    items = text.split(",") if isinstance(text, str) else list(text)
    return tuple(sorted(parse_duration(item) for item in items if str(item).strip()))


def format_duration(delta: timedelta) -> str:
    """Render a timedelta compactly, e.g. 1d6h or 30m."""
    seconds = int(delta.total_seconds())
    out = []
    for unit in ("w", "d", "h", "m", "s"):
        size = _UNIT_SECONDS[unit]
        if seconds >= size:
            out.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(out) or "0s"


@dataclass(frozen=True)
class Schedule:
    """A site's recurrence: either a cron expression or a fixed interval."""

    cron: str | None = None
    interval: timedelta | None = None

    @classmethod
    def parse(cls, cron: str | None = None, interval: str | None = None) -> Schedule:
        """Build a schedule from a sites-file ``schedule`` (cron) or ``interval`` value."""
        if cron and interval:
            raise ValueError("give either schedule (cron) or interval, not both")
        if interval:
            return cls(interval=parse_duration(interval))
        if cron:
            expression = " ".join(str(cron).split())
            if not croniter.is_valid(expression):
                raise ValueError(
                    f"{cron!r} is not a cron expression: write five fields "
                    '"minute hour day month weekday", e.g. "*/30 * * * *"'
                )
            problem = cron_problem(expression)
            if problem:
                raise ValueError(f"{cron!r} {problem}")
            return cls(cron=expression)
        raise ValueError('no schedule: add schedule = "*/30 * * * *" or interval = "30m"')

    def next_after(self, moment: datetime) -> datetime:
        """The first run time strictly after ``moment`` (aware UTC)."""
        moment = as_utc(moment)
        if self.interval is not None:
            return moment + self.interval
        if self.cron is None:
            raise ValueError("a schedule needs a cron expression or an interval")
        # Cron fields are read in the machine's local time zone, as crontab does.
        local = moment.astimezone()
        return as_utc(croniter(self.cron, local).get_next(datetime))

    def next_run(self, last_run: datetime | None, now: datetime) -> datetime:
        """When the next run should start: ``now`` if one is due (or none ran yet)."""
        if last_run is None:
            return as_utc(now)
        return max(as_utc(now), self.next_after(last_run))

    def is_due(self, last_run: datetime | None, now: datetime) -> bool:
        """True if no run happened yet or a run time passed since ``last_run``."""
        return last_run is None or self.next_after(last_run) <= as_utc(now)

    def describe(self) -> str:
        """Human-readable form for progress lines."""
        if self.interval is not None:
            return f"every {format_duration(self.interval)}"
        return f"cron {self.cron!r}"
