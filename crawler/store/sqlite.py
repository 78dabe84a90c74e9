"""The cleaned-text store: one SQLite file (``ARCHIVE_DIR/articles.sqlite``), no server."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Generator, Iterator
from pathlib import Path
from types import TracebackType

from crawler.exceptions import UserError
from crawler.store import captures, clusters, reader
from crawler.store import versions as versioning
from crawler.store.captures import capture_key
from crawler.store.dates import to_store_time
from crawler.store.model import (
    AddResult,
    Article,
    CaptureState,
    Copy,
    Page,
    PageRecord,
    WarcLocation,
)
from crawler.store.opening import STORE_FILENAME, open_connection, store_path
from crawler.store.schema import store_id

#: Longest a batch of writes stays uncommitted (seconds).
COMMIT_SECONDS = 1.0

__all__ = ["COMMIT_SECONDS", "STORE_FILENAME", "Store", "capture_key", "open_store", "store_path"]


class Store:
    """Article versions, page decisions and their WARC provenance in one SQLite file.

    Writes are batched: a commit happens every ``commit_every`` writes, when a write finds
    the batch a second old, on :meth:`commit_if_due` (a writer's timer: a quiet crawl's last
    batch does not wait for the next page), on :meth:`commit` and when the store is closed.
    """

    def __init__(self, path: str | Path, commit_every: int = 500, create: bool = False) -> None:
        """Open the store at ``path`` (an archive folder or an ``.sqlite`` file).

        Only writers pass ``create=True``; for a reader a missing store is StoreNotFound.
        """
        self.path = store_path(path)
        self.conn = open_connection(self.path, create)
        self._open = True
        self.commit_every = max(1, commit_every)
        self._pending = 0
        self._batch_started = 0.0

    # --- lifecycle ------------------------------------------------------------------------
    def __enter__(self) -> Store:
        """Return the store itself."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Commit what was written (even after an error: stored rows are never lost) and close."""
        self.close()

    def commit(self) -> None:
        """Make every write so far durable."""
        self.conn.commit()
        self._pending = 0

    def close(self) -> None:
        """Commit and close the database (closed even when the commit fails)."""
        if self._open:
            try:
                self.commit()
            finally:
                self.abandon()

    def abandon(self) -> None:
        """Close without committing (after a failed commit: SQLite rolls the batch back)."""
        if self._open:
            self._open = False
            # Any later use raises sqlite3.ProgrammingError (a closed database).
            self.conn.close()

    def _wrote(self) -> None:
        """Count one write; commit when a batch is full or the oldest write is a second old.

        The time bound keeps the write lock short: other writers of the same file (the
        incremental fetch log, a concurrent ``crawler extract``) get their turn.
        """
        now = time.monotonic()
        self._pending += 1
        if self._pending == 1:
            self._batch_started = now
        if self._pending >= self.commit_every or now - self._batch_started >= COMMIT_SECONDS:
            self.commit()

    def commit_if_due(self, max_age: float = COMMIT_SECONDS) -> bool:
        """Commit the open batch if its oldest write is ``max_age`` seconds old; True if done.

        For a writer's timer: without it, the last writes of a crawl whose pages come slowly
        stay invisible to readers (and hold the file's write lock) until the next page.
        """
        if self._pending and time.monotonic() - self._batch_started >= max_age:
            self.commit()
            return True
        return False

    # --- writing --------------------------------------------------------------------------
    def add_page(self, record: PageRecord) -> AddResult:
        """Store one fetched page: its decision always, a new article version if text changed.

        A capture already stored (same WARC record) is re-extraction: its extraction fields
        are compared and, if different, rewritten and the URL's versions recomputed.
        """
        result, wrote = captures.add_capture(self.conn, record)
        if wrote:
            # Counted (and maybe committed) only now: a page row never goes to disk without
            # its article version, whenever the process dies.
            self._wrote()
        return result

    def set_conversion(self, page_id: int, location: WarcLocation) -> None:
        """Record where the page's conversion record (its cleaned text in the WARC) was written."""
        captures.set_conversion(self.conn, page_id, location)
        self._wrote()

    def has_capture(self, record_id: str | None, filename: str = "", offset: int = 0) -> bool:
        """True if the page of this WARC record (ID, else file and offset) is stored."""
        return captures.has_capture(self.conn, record_id or f"{filename}#{offset}")

    def prune_texts(self) -> int:
        """Delete texts no page refers to any more; return how many were deleted."""
        return versioning.prune_texts(self.conn)

    # --- reading --------------------------------------------------------------------------
    def iter_articles(
        self, site: str | None = None, since: str | None = None, all_versions: bool = False,
        dedupe: str | None = None,
    ) -> Generator[Article, None, None]:
        """Yield articles (latest version per URL unless ``all_versions``), streaming.

        ``since`` (ISO date or datetime) keeps versions first captured at or after it;
        ``dedupe`` keeps one article per syndication cluster: ``"earliest"`` (the URL
        captured first) or ``"longest"`` (the longest text).
        """
        since_key = _since_key(since)
        if dedupe is not None and dedupe not in reader.DEDUPE_ORDER:
            raise UserError(f"cannot dedupe by {dedupe!r}: use earliest or longest")
        return reader.iter_articles(self.conn, site, since_key, all_versions, dedupe=dedupe)

    def copies(self, url: str) -> list[Copy]:
        """The URLs carrying the story of ``url`` (itself included), first capture first.

        A list of one means no copy is known; an empty list, that the URL has no article.
        """
        return reader.copies(self.conn, url)

    def iter_clusters(self, min_urls: int = 2, limit: int | None = None) -> Iterator[list[Copy]]:
        """Stories carried by at least ``min_urls`` URLs (each as its copies), biggest first."""
        return reader.iter_clusters(self.conn, min_urls, limit)

    def rebuild_clusters(self) -> int:
        """Re-cluster every stored version from scratch, in capture order; return versions."""
        done = clusters.rebuild(self.conn)
        self.commit()
        return done

    def versions(self, url: str) -> list[Article]:
        """Return every version of one URL, oldest first."""
        return list(reader.iter_articles(self.conn, all_versions=True, url=url))

    def iter_pages(self, site: str | None = None) -> Iterator[Page]:
        """Yield every fetched page with its article/list decision and reason."""
        return reader.iter_pages(self.conn, site)

    def capture_state(self, url: str) -> CaptureState | None:
        """Return what is known about a URL's captures (for incremental crawling), or None."""
        return reader.capture_state(self.conn, url)

    def last_capture(self, url: str) -> WarcLocation | None:
        """Where the URL's latest capture with a body (HTTP 200/203) is archived, or None."""
        return reader.last_capture(self.conn, url)

    def iter_capture_states(self, site: str | None = None) -> Iterator[CaptureState]:
        """Yield the capture state of every URL of a site (of all sites if None)."""
        return reader.iter_capture_states(self.conn, site)

    def search(
        self, query: str, limit: int = 10, all_versions: bool = False
    ) -> list[reader.SearchHit]:
        """Full-text search (SQLite FTS5 query syntax) over titles and texts, best first."""
        try:
            return reader.search(self.conn, query, limit, all_versions)
        except sqlite3.OperationalError as exc:
            raise UserError(
                f"cannot search for {query!r} ({exc}): quote phrases with double quotes, "
                'e.g. \'"city council"\', and use AND/OR/NOT in capitals'
            ) from None

    def count_matches(self, query: str, all_versions: bool = False) -> int:
        """How many articles an FTS5 query matches (the query was checked by ``search``)."""
        return reader.count_matches(self.conn, query, all_versions)

    def iter_new_versions(
        self, after_page: int, upto_page: int, site: str | None = None, since: str | None = None
    ) -> Generator[Article, None, None]:
        """Versions whose defining capture is in (after_page, upto_page] (see ``export_mark``)."""
        return reader.iter_new_versions(self.conn, after_page, upto_page, site, _since_key(since))

    def export_mark(self) -> tuple[str, int]:
        """The store's identity and its highest page id: where a resumable export stops.

        Call inside :meth:`snapshot` and read the versions in the same snapshot.
        """
        row = self.conn.execute("SELECT coalesce(max(id), 0) FROM pages").fetchone()
        return store_id(self.conn), int(row[0])

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read transaction: every query inside sees the store as it was at the start.

        A crawl writing the store meanwhile (WAL mode) is neither blocked nor seen.
        """
        self.commit()
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            self.conn.rollback()

    def sites(self) -> list[str]:
        """Names of the sites that have articles, sorted."""
        rows = self.conn.execute("SELECT DISTINCT site FROM articles ORDER BY site").fetchall()
        return [row[0] for row in rows]

    def site_of_host(self, url: str) -> str | None:
        """The site name already stored for pages on this URL's scheme and host, if any."""
        scheme, _, rest = url.partition("://")
        prefix = f"{scheme}://{rest.split('/', 1)[0]}/"
        row = self.conn.execute(
            "SELECT site FROM pages WHERE url >= ? AND url < ? LIMIT 1",
            (prefix, prefix[:-1] + "0"),  # "0" sorts right after "/": every URL of the host
        ).fetchone()
        return row[0] if row else None

    def counts(self) -> dict[str, int]:
        """Return the number of pages, article pages, URLs with articles and versions."""
        one = self.conn.execute
        return {
            "pages": one("SELECT count(*) FROM pages").fetchone()[0],
            "article_pages": one("SELECT count(*) FROM pages WHERE is_article = 1").fetchone()[0],
            "articles": one("SELECT count(*) FROM articles WHERE is_latest = 1").fetchone()[0],
            "versions": one("SELECT count(*) FROM articles").fetchone()[0],
        }


def _since_key(since: str | None) -> str | None:
    """A ``since`` filter as a store time; UserError when it is not a date."""
    since_key = to_store_time(since) if since else None
    if since and since_key is None:
        raise UserError(f"cannot read the date {since!r}: use YYYY-MM-DD or ISO 8601")
    return since_key


def open_store(archive_dir_or_sqlite_path: str | Path, create: bool = False) -> Store:
    """Open the store of an archive folder (or an ``.sqlite`` path); use it as a context manager.

    A missing store is :class:`crawler.exceptions.StoreNotFound` (a ``FileNotFoundError``):
    readers never create one. Writers pass ``create=True``.
    """
    return Store(archive_dir_or_sqlite_path, create=create)
