"""Timestamps as the store keeps them: ISO 8601 UTC to the second, so text order is time order."""

from __future__ import annotations

from datetime import UTC, date, datetime


def parse_timestamp(value: str | datetime | None) -> datetime | None:
    """Parse an ISO 8601 / WARC-Date string (or datetime) to an aware UTC datetime, else None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            try:
                moment = datetime.combine(date.fromisoformat(text[:10]), datetime.min.time())
            except ValueError:
                return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def to_store_time(value: str | datetime | None) -> str | None:
    """Return ``YYYY-MM-DDTHH:MM:SSZ`` for a timestamp, or None when it cannot be read."""
    moment = parse_timestamp(value)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None
