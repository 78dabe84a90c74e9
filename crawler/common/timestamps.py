"""The project's one timestamp parser: ISO 8601 (dates too) and RFC 822 / HTTP dates, in UTC.

Sitemaps, feeds, HTTP headers, WARC dates and the store all pass through :func:`parse_timestamp`;
naive values are taken to be UTC already.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime


def as_utc(moment: datetime) -> datetime:
    """Return an aware UTC datetime; naive input is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_timestamp(value: object) -> datetime | None:
    """Read a timestamp (datetime, ISO 8601, RFC 822 or a leading ISO date) as aware UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return as_utc(value)
    text = str(value).strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return as_utc(datetime.fromisoformat(text))
    except ValueError:
        pass
    try:  # RSS and HTTP dates: "Wed, 25 Nov 2026 15:00:00 GMT"
        return as_utc(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        pass
    try:  # "2026-11-25 at noon": the date is still worth having
        return datetime.combine(date.fromisoformat(text[:10]), datetime.min.time(), UTC)
    except ValueError:
        return None


def iso_utc(value: object) -> str | None:
    """``YYYY-MM-DDTHH:MM:SSZ`` for anything :func:`parse_timestamp` reads, else None."""
    moment = parse_timestamp(value)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None
