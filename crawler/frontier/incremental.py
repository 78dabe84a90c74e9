"""Incremental decisions of a crawl: skip what is archived and not due, revisit conditionally.

:class:`IncrementalPolicy` applies :class:`crawler.incremental.RevisitPolicy` to each URL
the frontier admits, from what the archive knows (the store's capture state and the fetch
log), and records every fetch. Settings are read by the Scrapy side (``INCREMENTAL_*``, see
docs/schedule.md); stats go under ``incremental/``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from crawler.exceptions import UserError
from crawler.frontier.requisites import REQUISITE
from crawler.frontier.task import CrawlTask
from crawler.incremental import (
    ALWAYS_FETCHED_ROLES,
    DEFAULT_REVISIT_AFTER,
    Decision,
    KnownCapture,
    RevisitPolicy,
    conditional_headers,
)
from crawler.incremental.fetchlog import Fetch
from crawler.schedule.timing import parse_duration
from crawler.timestamps import parse_timestamp

logger = logging.getLogger(__name__)

#: Statuses that count as a capture of the page (a 304 confirms the one we hold).
CAPTURED_STATUSES = frozenset({200, 203, 304})
DEFAULT_ROLES = ("article", "unknown")
_DECISIONS = frozenset(d.value for d in Decision)


class Stats(Protocol):
    """The part of a stats collector the frontier uses (Scrapy's fits)."""

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        """Add ``count`` to the counter ``key``."""


class FetchLogLike(Protocol):
    """What the policy needs of a fetch log (crawler.incremental.fetchlog.FetchLog)."""

    def get(self, url: str) -> Fetch | None:
        """The last fetch of ``url``, if any."""

    def record(self, fetch: Fetch) -> None:
        """Remember one fetch."""

    def prune(self, older_than: datetime) -> int:
        """Forget URLs not fetched since ``older_than``."""

    def close(self) -> None:
        """Flush and close."""


@dataclass(frozen=True)
class IncrementalConfig:
    """The ``INCREMENTAL_*`` settings as plain values."""

    policy: RevisitPolicy
    full: bool = False
    roles: frozenset[str] = frozenset(DEFAULT_ROLES)
    conditional: bool = True
    forget_after: timedelta | None = None
    max_revisits: int = 1000

    @classmethod
    def parse(  # noqa: PLR0913 - one argument per setting
        cls, revisit_after: Any = DEFAULT_REVISIT_AFTER, forget_after: Any = "90d",
        full: bool = False, roles: Iterable[str] = DEFAULT_ROLES, conditional: bool = True,
        max_revisits: int = 1000,
    ) -> IncrementalConfig:
        """Build from setting values; UserError naming the setting on a bad duration."""
        try:
            policy = RevisitPolicy.from_text(revisit_after)
            forget = parse_duration(forget_after) if forget_after else None
        except ValueError as exc:
            raise UserError(
                f"bad INCREMENTAL_REVISIT_AFTER or INCREMENTAL_FORGET_AFTER setting: {exc}"
            ) from None
        return cls(policy, full, frozenset(roles) - ALWAYS_FETCHED_ROLES, conditional, forget,
                   max(0, max_revisits))


def known_capture(state: Any, fetch: Fetch | None) -> KnownCapture | None:
    """Merge the store's capture state and the fetch log's row into one KnownCapture."""
    if state is None and fetch is None:
        return None
    store_last = parse_timestamp(getattr(state, "last_fetched", None))
    log_last = fetch.fetched_at if fetch else None
    last = max((t for t in (store_last, log_last) if t is not None), default=None)
    # Validators of the most recent fetch win: the page may have changed in between.
    newer_is_log = fetch is not None and (store_last is None or fetch.fetched_at >= store_last)
    source = fetch if newer_is_log else state
    etag, last_modified = getattr(source, "etag", None), getattr(source, "last_modified", None)
    # The modification date we knew at the last fetch: sitemap/feed date, Last-Modified,
    # or the page's own dateModified (whichever is latest).
    dates = (
        fetch.lastmod if fetch else None,
        parse_timestamp(last_modified),
        parse_timestamp(getattr(state, "modified", None)),
    )
    return KnownCapture(
        last_fetch=last,
        first_fetch=fetch.first_fetched if fetch else None,
        published=parse_timestamp(getattr(state, "published", None)),
        etag=etag,
        last_modified=last_modified,
        modified=max((d for d in dates if d is not None), default=None),
    )


class IncrementalPolicy:
    """Decides per URL from the archive's knowledge; records fetches in the fetch log."""

    def __init__(
        self, config: IncrementalConfig, fetchlog: FetchLogLike, store: Any, stats: Stats
    ) -> None:
        self.config = config
        self.fetchlog = fetchlog
        self.store = store
        self.stats = stats

    def decide(self, task: CrawlTask) -> Decision | None:
        """The decision for a task (recorded on it), or None if the policy does not apply."""
        if task.incremental:  # decided before (a requeued task)
            return Decision(task.incremental) if task.incremental in _DECISIONS else None
        if task.role not in self.config.roles:
            return None
        if self.config.full:
            self._unpoliced(task, "forced")
            return None
        state = self.store.capture_state(task.url) if self.store is not None else None
        if state is not None and not state.versions and state.status == 200:
            # Held as a list or other page, not an article: it is how new articles are found.
            self._unpoliced(task, "not_article")
            return None
        if state is None and task.role != "article":
            # Never stored as an article (a feed or sitemap reached by a link, say): fetch it.
            # Never fetched either: it counts as new if it is captured now.
            task.first_capture = self.fetchlog.get(task.url) is None
            self._unpoliced(task, "not_article")
            return None
        known = known_capture(state, self.fetchlog.get(task.url))
        decision = self.config.policy.decide(
            known, datetime.now(UTC), parse_timestamp(task.discovered_date)
        )
        self.stats.inc_value(f"incremental/{decision.value}")
        task.incremental = decision.value
        if known is not None and decision is not Decision.NEW and decision.fetch:
            if self.config.conditional:
                task.headers.update(conditional_headers(known))
                if task.headers:
                    self.stats.inc_value("incremental/conditional")
        return decision

    def decide_requisite(self, task: CrawlTask, fresh_for: timedelta) -> Decision:
        """Reuse a requisite fetched less than ``fresh_for`` ago; else ask with its validators.

        Requisites are not in the store: the fetch log alone knows them. ``--full`` fetches
        them all again, unconditionally.
        """
        fetch = None if self.config.full else self.fetchlog.get(task.url)
        if fetch is None:
            decision = Decision.NEW
        elif datetime.now(UTC) - fetch.fetched_at < fresh_for:
            decision = Decision.SKIP
        else:
            decision = Decision.REVISIT
            if self.config.conditional:
                known = KnownCapture(fetch.fetched_at, etag=fetch.etag,
                                     last_modified=fetch.last_modified)
                task.headers.update(conditional_headers(known))
        task.incremental = decision.value
        return decision

    def _unpoliced(self, task: CrawlTask, reason: str) -> None:
        self.stats.inc_value(f"incremental/{reason}")
        task.incremental = reason

    def due_revisits(self, site: str) -> Iterator[CrawlTask]:
        """Tasks for the site's archived articles due for a revisit, linked or not.

        Articles drop off home and section pages within hours; their later revisits (1 day,
        1 week) must not depend on a link. Only articles first captured within the revisit
        schedule (plus a day) are looked at, so the query stays small on big archives.
        """
        cfg = self.config
        if self.store is None or not site or cfg.full or cfg.max_revisits <= 0:
            return
        now = datetime.now(UTC)
        horizon = now - cfg.policy.revisit_after[-1] - timedelta(days=1)
        count = 0
        for article in self.store.iter_articles(site=site, since=horizon.isoformat()):
            state = self.store.capture_state(article.url)
            known = known_capture(state, self.fetchlog.get(article.url))
            if known is None or cfg.policy.due_at(known, now) is None:
                continue
            self.stats.inc_value("incremental/revisit_scheduled")
            yield CrawlTask(article.url, role="article", site=site, via="revisit")
            count += 1
            if count >= cfg.max_revisits:
                break

    def record(  # noqa: PLR0913 - the facts of one HTTP response
        self, task: CrawlTask, url: str, status: int, etag: str | None = None,
        last_modified: str | None = None, redirect_urls: Iterable[str] = (),
    ) -> None:
        """Remember a fetch of a page under the policy (a 304 counts as a capture)."""
        if task.role == REQUISITE and status in CAPTURED_STATUSES:
            for seen in dict.fromkeys([*redirect_urls, url]):  # a redirect's source too
                final = seen == url
                self.fetchlog.record(Fetch(
                    url=seen, fetched_at=datetime.now(UTC), status=status,
                    site=task.site or None, etag=etag if final else None,
                    last_modified=last_modified if final else None))
            return
        if task.role not in self.config.roles or status not in CAPTURED_STATUSES:
            return
        if status == 304:
            self.stats.inc_value("incremental/not_modified")
        if task.incremental in ("changed", "revisit", "forced", "new"):
            self.stats.inc_value(f"incremental/fetched/{task.incremental}")
        now, lastmod = datetime.now(UTC), parse_timestamp(task.discovered_date)
        # The URLs that redirected here count as fetched too, or they would look new forever.
        for seen in dict.fromkeys([*redirect_urls, url]):
            final = seen == url  # validators belong to the final URL only
            self.fetchlog.record(Fetch(
                url=seen, fetched_at=now, status=status, site=task.site or None, lastmod=lastmod,
                etag=etag if final else None, last_modified=last_modified if final else None,
            ))

    def item_stored(self, task: CrawlTask, is_article: bool) -> None:
        """Count a never-archived page of unknown role once it is stored as an article."""
        if task.first_capture and is_article:
            task.first_capture = False
            self.stats.inc_value("incremental/fetched/new")

    def close(self) -> None:
        """Write the fetch log, forget very old rows, close the store."""
        if self.config.forget_after is not None:
            self.fetchlog.prune(datetime.now(UTC) - self.config.forget_after)
        self.fetchlog.close()
        if self.store is not None:
            self.store.close()
            self.store = None


def open_store_or_none(archive_dir: str) -> Any:
    """The article store of the archive (None if there is none yet, or it cannot be opened)."""
    from crawler.exceptions import StoreNotFound
    from crawler.store import open_store

    try:
        return open_store(archive_dir)
    except StoreNotFound:
        return None  # a new archive: nothing to compare with yet
    except Exception as exc:  # noqa: BLE001 - the fetch log alone still makes crawls incremental
        logger.warning("incremental: article store unavailable (%s); using the fetch log", exc)
        return None
