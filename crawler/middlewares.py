"""Downloader middlewares of the project: incremental crawling (IncrementalMiddleware).

Settings (prefix ``INCREMENTAL_``, see docs/schedule.md): ``INCREMENTAL_ENABLED``,
``INCREMENTAL_FULL`` (fetch everything again), ``INCREMENTAL_REVISIT_AFTER``,
``INCREMENTAL_ROLES``, ``INCREMENTAL_CONDITIONAL``, ``INCREMENTAL_FORGET_AFTER``.
Stats go under ``incremental/``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.exceptions import UserError
from crawler.incremental import (
    ALWAYS_FETCHED_ROLES,
    DEFAULT_REVISIT_AFTER,
    Decision,
    KnownCapture,
    RevisitPolicy,
    conditional_headers,
    parse_timestamp,
)
from crawler.incremental.fetchlog import Fetch, FetchLog
from crawler.schedule.timing import parse_duration

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

logger = logging.getLogger(__name__)

#: Statuses that count as a capture of the page (a 304 confirms the one we hold).
CAPTURED_STATUSES = frozenset({200, 203, 304})


def _open_store(archive_dir: str) -> Any:
    """The article store of the archive (None if it cannot be opened)."""
    try:
        from crawler.store import open_store

        return open_store(archive_dir)
    except Exception as exc:  # the fetch log alone still makes crawls incremental
        logger.warning("incremental: article store unavailable (%s); using the fetch log", exc)
        return None


def known_capture(state: Any, fetch: Fetch | None) -> KnownCapture | None:
    """Merge the store's capture state and the fetch log's row into one KnownCapture."""
    if state is None and fetch is None:
        return None
    store_last = parse_timestamp(getattr(state, "last_fetched", None)) if state else None
    log_last = fetch.fetched_at if fetch else None
    last = max((t for t in (store_last, log_last) if t is not None), default=None)
    # Validators of the most recent fetch win: a page may have changed since the other.
    newer_is_log = fetch is not None and (store_last is None or log_last >= store_last)
    source = fetch if newer_is_log else state
    return KnownCapture(
        last_fetch=last,
        first_fetch=fetch.first_fetched if fetch else None,
        published=parse_timestamp(getattr(state, "published", None)) if state else None,
        etag=getattr(source, "etag", None),
        last_modified=getattr(source, "last_modified", None),
        modified=fetch.lastmod if fetch else None,
    )


class IncrementalMiddleware:
    """Skips archived articles that are not due, and makes revisits conditional requests.

    Seeds, feeds, sitemaps and list pages (request meta ``page_role``) are always fetched;
    the policy applies to requests whose role is in ``INCREMENTAL_ROLES`` and that the store
    holds as articles. ``INCREMENTAL_FULL`` fetches everything (still recording fetches).
    """

    def __init__(
        self,
        crawler: Crawler,
        archive_dir: str,
        policy: RevisitPolicy,
        full: bool = False,
        roles: frozenset[str] = frozenset({"article", "unknown"}),
        conditional: bool = True,
    ) -> None:
        self.stats = crawler.stats
        self.policy = policy
        self.full = full
        self.roles = roles - ALWAYS_FETCHED_ROLES
        self.conditional = conditional
        self.fetchlog = FetchLog(archive_dir)
        self.store = _open_store(archive_dir)
        self.forget_after = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        """Build from ``INCREMENTAL_*`` settings; NotConfigured when switched off."""
        settings = crawler.settings
        if not settings.getbool("INCREMENTAL_ENABLED", True):
            raise NotConfigured("INCREMENTAL_ENABLED is off")
        try:
            policy = RevisitPolicy.from_text(
                settings.get("INCREMENTAL_REVISIT_AFTER", DEFAULT_REVISIT_AFTER)
            )
            forget = parse_duration(settings.get("INCREMENTAL_FORGET_AFTER", "90d"))
        except ValueError as exc:
            raise UserError(
                f"bad INCREMENTAL_REVISIT_AFTER or INCREMENTAL_FORGET_AFTER setting: {exc}"
            ) from None
        middleware = cls(
            crawler,
            settings.get("ARCHIVE_DIR", "archives"),
            policy,
            full=settings.getbool("INCREMENTAL_FULL", False),
            roles=frozenset(settings.getlist("INCREMENTAL_ROLES", ["article", "unknown"])),
            conditional=settings.getbool("INCREMENTAL_CONDITIONAL", True),
        )
        middleware.forget_after = forget
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_request(self, request: Request) -> None:
        """Let the request through (maybe with validators added) or raise IgnoreRequest."""
        role = request.meta.get("page_role")
        if role not in self.roles:
            return None
        if self.full:
            self.stats.inc_value("incremental/forced")
            return None
        state = self.store.capture_state(request.url) if self.store is not None else None
        if state is not None and not state.versions and state.status == 200:
            # Held as a list or other page, not an article: it is how new articles are found.
            self.stats.inc_value("incremental/not_article")
            return None
        known = known_capture(state, self.fetchlog.get(request.url))
        lastmod = parse_timestamp(request.meta.get("discovered_lastmod"))
        decision = self.policy.decide(known, datetime.now(UTC), lastmod)
        self.stats.inc_value(f"incremental/{decision.value}")
        request.meta["incremental"] = decision.value
        if decision is Decision.SKIP:
            raise IgnoreRequest(f"incremental: {request.url} is archived and not due")
        if decision is not Decision.NEW and self.conditional:
            self._make_conditional(request, known)
        return None

    def _make_conditional(self, request: Request, known: KnownCapture) -> None:
        added = False
        for name, value in conditional_headers(known).items():
            if name not in request.headers:
                request.headers[name] = value
                added = True
        if added:
            self.stats.inc_value("incremental/conditional")

    def process_response(self, request: Request, response: Response) -> Response:
        """Record the fetch (a 304 counts as a capture of the page we hold)."""
        if request.meta.get("page_role") in self.roles and response.status in CAPTURED_STATUSES:
            if response.status == 304:
                self.stats.inc_value("incremental/not_modified")
            self.fetchlog.record(
                Fetch(
                    url=request.url,
                    fetched_at=datetime.now(UTC),
                    status=response.status,
                    site=request.meta.get("site"),
                    etag=_header(response, b"ETag"),
                    last_modified=_header(response, b"Last-Modified"),
                    lastmod=parse_timestamp(request.meta.get("discovered_lastmod")),
                )
            )
        return response

    def spider_closed(self) -> None:
        """Write the fetch log, forget very old rows, close the store."""
        if self.forget_after is not None:
            self.fetchlog.prune(datetime.now(UTC) - self.forget_after)
        self.fetchlog.close()
        if self.store is not None:
            self.store.close()


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
