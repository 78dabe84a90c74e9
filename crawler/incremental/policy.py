"""Incremental crawling policy (pure): which known URLs to fetch again in this run, and why.

An archived article is revisited on a decaying schedule counted from its publication (by
default 1 h, 6 h, 1 day and 1 week after it), to catch corrections while they are likely,
and at once when a sitemap ``<lastmod>`` or feed ``<updated>`` is newer than its last capture.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from crawler.common.durations import parse_durations
from crawler.common.timestamps import as_utc

DEFAULT_REVISIT_AFTER = "1h,6h,1d,1w"

#: Page roles (``CrawlTask.role``) fetched on every run: they are how new articles
#: and fresh ``lastmod`` dates are found.
ALWAYS_FETCHED_ROLES = frozenset({"seed", "feed", "sitemap", "list"})


class Decision(StrEnum):
    """What to do with one request."""

    NEW = "new"  # never archived: fetch
    CHANGED = "changed"  # sitemap/feed says it changed after the last capture: fetch
    REVISIT = "revisit"  # a revisit time passed since the last capture: fetch conditionally
    SKIP = "skip"  # archived and not due

    @property
    def fetch(self) -> bool:
        """True if the URL should be downloaded."""
        return self is not Decision.SKIP


@dataclass(frozen=True)
class KnownCapture:
    """What the store knows about a URL's captures (times are aware or naive-UTC datetimes)."""

    last_fetch: datetime | None
    first_fetch: datetime | None = None
    published: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    #: The sitemap lastmod / feed updated date seen when it was last fetched, if any.
    modified: datetime | None = None


@dataclass(frozen=True)
class RevisitPolicy:
    """The decaying revisit schedule: offsets after publication at which to look again."""

    revisit_after: tuple[timedelta, ...]

    @classmethod
    def from_text(
        cls, text: str | list[str] | tuple[str, ...] = DEFAULT_REVISIT_AFTER
    ) -> RevisitPolicy:
        """Build from "1h,6h,1d,1w" (ValueError on a bad duration)."""
        return cls(parse_durations(text))

    def anchor(self, known: KnownCapture) -> datetime | None:
        """The moment the schedule counts from: publication, unless it is after our first look."""
        seen = known.first_fetch or known.last_fetch
        if known.published is None:
            return as_utc(seen) if seen else None
        published = as_utc(known.published)
        # A publication date after our first capture is a bad date: count from the capture.
        if seen is not None and published > as_utc(seen):
            return as_utc(seen)
        return published

    def due_at(self, known: KnownCapture, now: datetime) -> datetime | None:
        """The latest revisit time that passed since the last capture, or None if none did."""
        anchor = self.anchor(known)
        if anchor is None or known.last_fetch is None:
            return None
        last, now = as_utc(known.last_fetch), as_utc(now)
        passed = [anchor + offset for offset in self.revisit_after if anchor + offset <= now]
        if passed and passed[-1] > last:
            return passed[-1]
        return None

    def next_revisit(self, known: KnownCapture) -> datetime | None:
        """The next revisit time after the last capture, or None once the schedule is over."""
        anchor = self.anchor(known)
        if anchor is None or known.last_fetch is None:
            return None
        last = as_utc(known.last_fetch)
        upcoming = [anchor + offset for offset in self.revisit_after if anchor + offset > last]
        return upcoming[0] if upcoming else None

    def decide(
        self,
        known: KnownCapture | None,
        now: datetime,
        discovered_lastmod: datetime | None = None,
    ) -> Decision:
        """Decide whether to fetch a URL given what the store knows and what discovery said."""
        if known is None or known.last_fetch is None:
            return Decision.NEW
        if discovered_lastmod is not None and _is_newer(discovered_lastmod, known):
            return Decision.CHANGED
        if self.due_at(known, now) is not None:
            return Decision.REVISIT
        return Decision.SKIP


def _is_newer(lastmod: datetime, known: KnownCapture) -> bool:
    """True if a discovered lastmod is after the last capture or after the lastmod seen then.

    The second test catches edits on sites whose dates lag our clock (old articles, or a
    site that dates edits by day): the date moved, so the page changed.
    """
    lastmod = as_utc(lastmod)
    if known.last_fetch is None or lastmod > as_utc(known.last_fetch):
        return True
    return known.modified is not None and lastmod > as_utc(known.modified)


def conditional_headers(known: KnownCapture) -> dict[str, str]:
    """The If-None-Match / If-Modified-Since headers that make a revisit conditional."""
    headers = {}
    if known.etag:
        headers["If-None-Match"] = known.etag
    if known.last_modified:
        headers["If-Modified-Since"] = known.last_modified
    return headers
