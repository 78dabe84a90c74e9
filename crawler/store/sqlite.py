"""The cleaned-text store: one SQLite file (``ARCHIVE_DIR/articles.sqlite``), no server."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Generator, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from crawler.exceptions import StoreNotFound, UserError
from crawler.store import clusters, reader
from crawler.store import versions as versioning
from crawler.store.damage import store_problem
from crawler.store.dates import to_store_time
from crawler.store.fingerprint import text_fingerprint
from crawler.store.model import (
    OUTCOME_NEW_VERSION,
    OUTCOME_NOT_ARTICLE,
    OUTCOME_SAME,
    OUTCOME_UNCHANGED,
    OUTCOME_UPDATED,
    AddResult,
    Article,
    CaptureState,
    Copy,
    Page,
    PageRecord,
    WarcLocation,
)
from crawler.store.schema import connect, inserted_id, store_id

#: Longest a batch of writes stays uncommitted (seconds).
COMMIT_SECONDS = 1.0

#: File name of the store inside an archive folder.
STORE_FILENAME = "articles.sqlite"

# Extraction fields of a page: re-extraction compares and rewrites only these.
_EXTRACTION_COLUMNS = (
    "is_article", "page_reason", "discard_reason", "fingerprint", "meta", "extractor_version",
    "blocks_id",
)
#: What re-extraction compares: decision, text, metadata, blocks and extractor. Not the
#: reasons: the crawl's cite what only the crawl knew ("listed in a feed or news sitemap") and
#: the body-text size under the site profile learned so far, so re-extracting the same bytes
#: would always look different (61 of 120 demo articles did) and churn versions and clusters.
_COMPARED_COLUMNS = ("is_article", "fingerprint", "meta", "extractor_version", "blocks_id")
#: What the URL's versions (and their syndication clusters) are computed from.
_VERSION_COLUMNS = ("is_article", "fingerprint", "meta")


def store_path(archive_dir_or_sqlite_path: str | Path) -> Path:
    """Return the SQLite path for an archive folder, or the path itself if it names a file."""
    path = Path(archive_dir_or_sqlite_path)
    if path.suffix in (".sqlite", ".sqlite3", ".db") or path.is_file():
        return path
    return path / STORE_FILENAME


def capture_key(warc: WarcLocation | None) -> str | None:
    """Identify a capture by its WARC record: the record ID, else file and offset."""
    if warc is None:
        return None
    return warc.record_id or f"{warc.filename}#{warc.offset}"


class Store:
    """Article versions, page decisions and their WARC provenance in one SQLite file.

    Writes are batched: a commit happens every ``commit_every`` writes, on :meth:`commit`
    and when the store is closed.
    """

    def __init__(self, path: str | Path, commit_every: int = 500, create: bool = False) -> None:
        """Open the store at ``path`` (an archive folder or an ``.sqlite`` file).

        Only writers pass ``create=True``; for a reader a missing store is StoreNotFound.
        """
        self.path = store_path(path)
        if not create and not self.path.exists():
            raise StoreNotFound(
                f"no article store at {self.path}: run `crawler crawl` or `crawler extract "
                "WARC...` first, or point --archive-dir at the folder that holds articles.sqlite"
            )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(
                f"cannot create the folder {self.path.parent} ({exc.strerror}): "
                "choose another --archive-dir"
            ) from None
        if not create and self.path.is_file() and self.path.stat().st_size == 0:
            # A reader must not write a schema into it (and so make it look like a store).
            raise UserError(
                f"the article store {self.path} is empty (0 bytes): it holds no articles; run "
                "`crawler crawl` or `crawler extract WARC...` into this folder, or delete the file"
            )
        self.conn = _connect(self.path)
        self._open = True
        # A store made before clustering, or with another index format, is clustered now.
        try:
            clusters.ensure_current(self.conn)
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise UserError(store_problem(self.path, exc)) from None
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

    # --- writing --------------------------------------------------------------------------
    def add_page(self, record: PageRecord) -> AddResult:
        """Store one fetched page: its decision always, a new article version if text changed.

        A capture already stored (same WARC record) is re-extraction: its extraction fields
        are compared and, if different, rewritten and the URL's versions recomputed.
        """
        fingerprint = text_fingerprint(record.text) if record.is_article and record.text else None
        values = _extraction_values(record, fingerprint)
        # Deduplicated like texts; compared as an extraction field, so re-extraction of an
        # older archive (no blocks yet) fills them in.
        values["blocks_id"] = (
            versioning.ensure_blocks(self.conn, record.blocks) if fingerprint else None
        )
        key = capture_key(record.warc)
        existing = None
        if key is not None:
            existing = self.conn.execute(
                "SELECT * FROM pages WHERE capture_key = ?", (key,)
            ).fetchone()
        if existing is not None:
            return self._update_page(existing, record, values)
        result = self._add_new_page(record, key, values, fingerprint)
        # Counted (and maybe committed) only now: a page row never goes to disk without its
        # article version, whenever the process dies.
        self._wrote()
        return result

    def _add_new_page(
        self, record: PageRecord, key: str | None, values: dict[str, Any], fingerprint: str | None
    ) -> AddResult:
        """Insert a capture not stored before and attach it to its URL's versions."""
        if fingerprint is not None:
            text_id = versioning.ensure_text(self.conn, fingerprint, record.text)
            if record.sketch is not None:
                clusters.index_text(self.conn, text_id, record.sketch)
        page_id = self._insert_page(record, key, values)
        page = self.conn.execute("SELECT * FROM pages WHERE id = ?", (page_id,)).fetchone()
        if fingerprint is None:
            return AddResult(OUTCOME_NOT_ARTICLE, page_id=page_id)
        latest = versioning.latest_version(self.conn, record.url)
        if latest is not None and page["fetched_at"] < latest["last_seen"]:
            # Captured before what is stored (an older WARC): recompute the versions in order.
            versioning.rebuild_url(self.conn, record.url)
            return self._result_of(page_id, OUTCOME_NEW_VERSION)
        is_new, version = versioning.attach_page(self.conn, page, text_id)
        outcome = OUTCOME_NEW_VERSION if is_new else OUTCOME_UNCHANGED
        return self._result_of(page_id, outcome)

    def _result_of(self, page_id: int, outcome: str) -> AddResult:
        """Describe where a page ended up (its version) after it was attached."""
        row = self.conn.execute(
            "SELECT a.id, a.version, a.page_id FROM pages p JOIN articles a ON a.id = p.article_id"
            " WHERE p.id = ?",
            (page_id,),
        ).fetchone()
        if row is None:
            return AddResult(OUTCOME_NOT_ARTICLE, page_id=page_id)
        if outcome == OUTCOME_NEW_VERSION and row["page_id"] != page_id:
            outcome = OUTCOME_UNCHANGED
        return AddResult(outcome, version=row["version"], article_id=row["id"], page_id=page_id)

    def _insert_page(
        self, record: PageRecord, key: str | None, values: dict[str, Any]
    ) -> int:
        """Insert the page row; return its id."""
        warc = record.warc
        row = {
            "capture_key": key,
            "url": record.url,
            "requested_url": record.requested_url or record.url,
            "site": record.site,
            "status": record.status,
            "fetched_at": to_store_time(record.fetched_at) or record.fetched_at,
            "crawl_id": record.crawl_id or "",
            "depth": record.depth,
            "source": record.source,
            "etag": record.etag,
            "last_modified": record.last_modified,
            "warc_filename": warc.filename if warc else None,
            "warc_offset": warc.offset if warc else None,
            "warc_length": warc.length if warc else None,
            "warc_record_id": warc.record_id if warc else None,
            "payload_digest": warc.payload_digest if warc else None,
            "warc_record_type": warc.record_type if warc else None,
            **values,
        }
        names = ", ".join(row)
        marks = ", ".join("?" * len(row))
        sql = f"INSERT INTO pages ({names}) VALUES ({marks})"
        cur = self.conn.execute(sql, tuple(row.values()))
        return inserted_id(cur)

    def _update_page(
        self, existing: sqlite3.Row, record: PageRecord, values: dict[str, Any]
    ) -> AddResult:
        """Re-extraction of a stored capture: rewrite it only if the extraction differs."""
        page_id = existing["id"]
        if all(existing[name] == values[name] for name in _COMPARED_COLUMNS):
            return self._same_result(page_id)  # the reasons recorded at crawl time are kept
        if values["fingerprint"] is not None:
            versioning.ensure_text(self.conn, values["fingerprint"], record.text)
        sets = ", ".join(f"{name} = ?" for name in _EXTRACTION_COLUMNS)
        self.conn.execute(
            f"UPDATE pages SET {sets} WHERE id = ?",
            (*[values[name] for name in _EXTRACTION_COLUMNS], page_id),
        )
        if any(existing[name] != values[name] for name in _VERSION_COLUMNS):
            versioning.rebuild_url(self.conn, existing["url"])
        self._wrote()
        return self._result_of(page_id, OUTCOME_UPDATED)

    def _same_result(self, page_id: int) -> AddResult:
        """Result for a re-extracted capture whose extraction did not change."""
        found = self._result_of(page_id, OUTCOME_SAME)
        return AddResult(OUTCOME_SAME, found.version, found.article_id, page_id)

    def set_conversion(self, page_id: int, location: WarcLocation) -> None:
        """Record where the page's conversion record (its cleaned text in the WARC) was written."""
        self.conn.execute(
            "UPDATE pages SET conversion_filename = ?, conversion_offset = ?, "
            "conversion_length = ?, conversion_record_id = ? WHERE id = ?",
            (location.filename, location.offset, location.length, location.record_id, page_id),
        )
        self._wrote()

    def has_capture(self, record_id: str | None, filename: str = "", offset: int = 0) -> bool:
        """True if the page of this WARC record (ID, else file and offset) is stored."""
        key = record_id or f"{filename}#{offset}"
        row = self.conn.execute("SELECT 1 FROM pages WHERE capture_key = ?", (key,)).fetchone()
        return row is not None

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


def _extraction_values(record: PageRecord, fingerprint: str | None) -> dict[str, Any]:
    """The extraction columns of a page row, as stored."""
    return {
        "is_article": 1 if fingerprint is not None else 0,
        "page_reason": record.page_reason or "",
        "discard_reason": record.discard_reason,
        "fingerprint": fingerprint,
        "meta": json.dumps(record.meta, sort_keys=True, ensure_ascii=False),
        "extractor_version": record.extractor_version or "",
    }


def _connect(path: Path) -> sqlite3.Connection:
    """Open the database, turning SQLite's errors into a one-line user error."""
    try:
        return connect(str(path))
    except sqlite3.DatabaseError as exc:
        raise UserError(store_problem(path, exc)) from None


def open_store(archive_dir_or_sqlite_path: str | Path, create: bool = False) -> Store:
    """Open the store of an archive folder (or an ``.sqlite`` path); use it as a context manager.

    A missing store is :class:`crawler.exceptions.StoreNotFound` (a ``FileNotFoundError``):
    readers never create one. Writers pass ``create=True``.
    """
    return Store(archive_dir_or_sqlite_path, create=create)
