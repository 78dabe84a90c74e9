"""Durations such as "90s", "30m", "6h" or "1h30m": parsed, bounded and printed (pure)."""

from __future__ import annotations

import re
from datetime import timedelta

__all__ = ["MAX_DURATION", "format_duration", "parse_duration", "parse_durations"]

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
