"""Timestamps as the store keeps them: ISO 8601 UTC to the second, so text order is time order."""

from __future__ import annotations

from crawler.common.timestamps import iso_utc, parse_timestamp

__all__ = ["parse_timestamp", "to_store_time"]


def to_store_time(value: object) -> str | None:
    """Return ``YYYY-MM-DDTHH:MM:SSZ`` for a timestamp, or None when it cannot be read."""
    return iso_utc(value)
