"""Parse the dates feeds and sitemaps carry (W3C/ISO 8601 and RFC 822) into ISO UTC."""

from __future__ import annotations

from datetime import datetime

from crawler.common.timestamps import iso_utc, parse_timestamp


def parse_date(value: str | None) -> str | None:
    """Return ``value`` as an ISO 8601 UTC timestamp, or None if it is not a date we know."""
    return iso_utc(value)


def age_days(iso: str | None, now: datetime) -> float | None:
    """Days between ``iso`` (as returned by :func:`parse_date`) and ``now``; None if unknown."""
    if not iso:
        return None
    then = parse_timestamp(iso)
    if then is None:
        return None
    return (now - then).total_seconds() / 86400.0


def priority_for(lastmod: str | None, now: datetime, base: int = 4000) -> int:
    """Scrapy request priority that fetches newer URLs first: ``base`` minus age in days.

    Undated URLs get 0; dated ones between 1 and ``base`` (a future date counts as today).
    ``base`` (about 11 years of days) stays below the spider's priority for feeds and sitemaps
    while leaving archives of several years ordered by date.
    """
    age = age_days(lastmod, now)
    if age is None:
        return 0
    return max(1, base - max(0, int(age)))
