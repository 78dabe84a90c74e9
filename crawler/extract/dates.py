"""Dates in pages: parse the many written forms, find them in URLs and text, reject the future."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from crawler.extract.model import DatedValue

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january", "janvier", "januar", "enero"),
            ("feb", "february", "février", "februar", "febrero"),
            ("mar", "march", "mars", "märz", "marzo"),
            ("apr", "april", "avril", "abril"),
            ("may", "mai", "mayo"),
            ("jun", "june", "juin", "juni", "junio"),
            ("jul", "july", "juillet", "juli", "julio"),
            ("aug", "august", "août", "agosto"),
            ("sep", "sept", "september", "septembre", "septiembre"),
            ("oct", "october", "octobre", "oktober", "octubre"),
            ("nov", "november", "novembre", "noviembre"),
            ("dec", "december", "décembre", "dezember", "diciembre"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_NUMERIC = re.compile(r"\b((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})\b")
_DAY_MONTH_YEAR = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\.?\s+({_MONTH_RE})\.?,?\s+((?:19|20)\d{{2}})\b", re.I
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{{2}})\b", re.I
)
# 03/03/2026, 17.12.2025: dots are day-first (as written across Europe), slashes month-first
# (the US order) unless the first number cannot be a month.
_NUMERIC_DAY_FIRST = re.compile(r"\b(\d{1,2})([/.])(\d{1,2})\2((?:19|20)\d{2})\b")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-]?(\d{2})[/-]?(\d{2})(?:/|[^\d])")
_URL_DATE_SLASHED = re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/")
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_iso(value: str) -> datetime | date | None:
    """Parse ISO 8601 and its common sloppy variants (``Z``, no colon in the offset)."""
    value = value.strip()
    if not value:
        return None
    if _EPOCH.match(value):
        seconds = int(value[:10])
        return datetime.fromtimestamp(seconds, tz=UTC)
    candidate = value.replace("Z", "+00:00").replace(" ", "T", 1)
    candidate = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", candidate)
    candidate = re.sub(r"\.\d+", "", candidate)
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if len(value) <= 10:
        return parsed.date()
    return parsed


def parse_date(value: str) -> datetime | date | None:
    """Parse a date written in ISO form or in words (``23 Apr, 2024``, ``April 23, 2024``)."""
    parsed = parse_iso(value)
    if parsed is not None:
        return parsed
    return find_date_in_text(value)


def find_date_in_text(text: str) -> date | None:
    """Return the first date written in ``text`` (numeric or with a month name)."""
    best: tuple[int, date] | None = None
    for match in _NUMERIC.finditer(text):
        found = _make(int(match[1]), int(match[2]), int(match[3]))
        if found:
            best = (match.start(), found)
            break
    for match in _DAY_MONTH_YEAR.finditer(text):
        found = _make(int(match[3]), _MONTHS[match[2].lower()], int(match[1]))
        if found and (best is None or match.start() < best[0]):
            best = (match.start(), found)
        break
    for match in _MONTH_DAY_YEAR.finditer(text):
        found = _make(int(match[3]), _MONTHS[match[1].lower()], int(match[2]))
        if found and (best is None or match.start() < best[0]):
            best = (match.start(), found)
        break
    return best[1] if best else None


def find_short_numeric_date(text: str) -> date | None:
    """A date written as day and month numbers then the year (see _NUMERIC_DAY_FIRST)."""
    match = _NUMERIC_DAY_FIRST.search(text)
    if match is None:
        return None
    first, second, year = int(match[1]), int(match[3]), int(match[4])
    day_first = match[2] == "." or first > 12
    return _make(year, second, first) if day_first else _make(year, first, second)


def date_from_url(url: str | None) -> date | None:
    """Return the date in a URL path such as ``/2024/04/23/`` or ``/20240423/``."""
    if not url:
        return None
    for pattern in (_URL_DATE_SLASHED, _URL_DATE):
        match = pattern.search(url)
        if match:
            found = _make(int(match[1]), int(match[2]), int(match[3]))
            if found:
                return found
    return None


def to_iso(value: datetime | date) -> str:
    """ISO 8601 text of a date or datetime."""
    return value.isoformat()


def dated(
    value: datetime | date | None, source: str, capture_time: datetime | None
) -> DatedValue | None:
    """Wrap a date with its source, or None when it is missing or later than the capture."""
    if value is None or not _plausible(value, capture_time):
        return None
    return DatedValue(to_iso(value), source)


def _plausible(value: datetime | date, capture_time: datetime | None) -> bool:
    year = value.year
    if year < 1990:
        return False
    if capture_time is None:
        return True
    capture = capture_time if capture_time.tzinfo else capture_time.replace(tzinfo=UTC)
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        # A minute of slack for clocks that disagree slightly.
        return moment <= capture + timedelta(minutes=1)
    return value <= capture.date()
