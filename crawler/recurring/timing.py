"""When a site is due: cron expressions (read by croniter) and intervals such as "30m" or "6h"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from croniter import CroniterBadDateError, croniter

from crawler.common.durations import (
    MAX_DURATION,
    format_duration,
    parse_duration,
    parse_durations,
)
from crawler.common.timestamps import as_utc

__all__ = [
    "MAX_DURATION", "Schedule", "as_utc", "cron_problem", "format_duration", "parse_duration",
    "parse_durations",
]

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
