"""Queries of the archive browser: filtered, keyset-paged article and page lists, facet values.

Every list is read through an index in its display order and stops after one page of rows
(keyset paging: the next page starts after the last row's sort key, never with OFFSET), so a
page costs the same on the first and the thousandth page of a 100,000-article store.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, replace
from pathlib import Path

from crawler.exceptions import UserError
from crawler.store.model import Page
from crawler.store.reader import PAGE_SELECT, row_to_page
from crawler.store.schema import SCHEMA_VERSION

#: Rows on one page of a list.
PAGE_SIZE = 50
#: Matches counted at most (a count of every match of a common word would cost a full scan).
COUNT_CAP = 1000
#: Most matches a query may have to be ranked best match first (BM25 scores every match).
RANK_CAP = 10_000
#: Characters of text shown under a title when there is no search snippet.
LEAD_CHARS = 280
#: Marks around matched words in search snippets (control characters: never in stored text).
MARK_START, MARK_END = "\x02", "\x03"
#: Sort orders of an article list.
ORDERS = ("newest", "relevance")

_LIST_SELECT = """
SELECT a.id, a.url, a.site, a.title, a.dated, a.language, a.version, a.first_seen, a.last_seen,
       a.captures, substr(t.text, 1, {lead}) AS lead
FROM articles a JOIN texts t ON t.id = a.text_id
"""
_FTS_MATCH = "a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
_SCORE = "bm25(articles_fts, 4.0, 1.0)"
_FTS_SOURCE = "articles_fts f CROSS JOIN articles a ON a.id = f.rowid"


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    """What to list: an FTS5 query and filters (dates as store times, ``until`` exclusive)."""

    query: str = ""
    site: str = ""
    language: str = ""
    since: str = ""
    until: str = ""


@dataclass(frozen=True, slots=True)
class ListedArticle:
    """One row of an article list: the latest version of a URL, with a lead or a snippet."""

    id: int
    url: str
    site: str
    title: str | None
    dated: str
    language: str | None
    version: int
    first_seen: str
    last_seen: str
    captures: int
    lead: str
    snippet: str = ""
    score: float | None = None

    @property
    def cursor(self) -> str:
        """The keyset position after this row (for the next page)."""
        key = self.dated if self.score is None else repr(self.score)
        return f"{key}~{self.id}"


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """One page of an article list, the cursor of the next page and a (capped) match count."""

    rows: list[ListedArticle]
    next_cursor: str | None
    count: int
    count_capped: bool = False
    #: The order used: "newest", or "relevance" (best match first).
    order: str = "newest"
    #: True when best-match order was asked but the query has more than RANK_CAP matches.
    too_many_to_rank: bool = False


@dataclass(frozen=True, slots=True)
class PageRow:
    """One row of the list of fetched pages: its store id (the keyset) and the page."""

    id: int
    page: Page


@dataclass(frozen=True, slots=True)
class PageList:
    """One page of the list of fetched pages and the cursor of the next page."""

    rows: list[PageRow] = field(default_factory=list)
    next_cursor: str | None = None


def open_readonly(path: str | Path) -> sqlite3.Connection:
    """Open a store read-only (never creating or changing it); UserError if it cannot be read."""
    path = Path(path).resolve()
    if not path.is_file():
        raise UserError(f"no article store at {path}: crawl into this archive folder first")
    conn = None
    for mode in ("mode=ro", "immutable=1"):  # immutable: a read-only folder without a -shm file
        try:
            conn = sqlite3.connect(f"{path.as_uri()}?{mode}", uri=True, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout=5000")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            break
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            conn, problem = None, exc
    if conn is None:
        raise UserError(f"cannot read the article store {path} ({problem})")
    if version != SCHEMA_VERSION:
        conn.close()
        raise UserError(
            f"the article store {path} has schema {version}, this crawler reads {SCHEMA_VERSION}:"
            " open it once with write access (`crawler replay` or `crawler search`) to upgrade it"
        )
    return conn


def _split_cursor(cursor: str | None, scored: bool) -> tuple[str | float, int] | None:
    """Parse a cursor made by :attr:`ListedArticle.cursor`; UserError if it is not one."""
    if not cursor:
        return None
    key, _, ident = cursor.rpartition("~")
    try:
        if not (ident.isascii() and ident.isdigit() and len(ident) <= 18):
            raise ValueError(ident)  # SQLite holds 64-bit integers; "²" is a digit to Python
        return (float(key) if scored else key), int(ident)
    except ValueError:
        raise UserError(f"bad page cursor {cursor!r}: start again from the first page") from None


def _where(flt: ArticleFilter) -> tuple[list[str], list[object]]:
    """SQL conditions and parameters of a filter (FTS match excluded)."""
    where: list[str] = ["a.is_latest = 1"]
    params: list[object] = []
    for clause, value in (
        ("a.site = ?", flt.site), ("a.language = ?", flt.language),
        ("a.dated >= ?", flt.since), ("a.dated < ?", flt.until),
    ):
        if value:
            where.append(clause)
            params.append(value)
    return where, params


def list_articles(
    conn: sqlite3.Connection, flt: ArticleFilter, cursor: str | None = None,
    order: str = "newest", limit: int = PAGE_SIZE,
) -> ArticlePage:
    """One page of the latest article versions matching ``flt``, newest (or best) first.

    Best-match order ranks every match by BM25, so it is used up to :data:`RANK_CAP` matches;
    a query matching more is listed newest first (``ArticlePage.order`` says which was used).
    ``count`` is the number of matches from this page on, up to :data:`COUNT_CAP`.
    """
    try:
        many = bool(flt.query) and _fts_matches(conn, flt.query, RANK_CAP) > RANK_CAP
        scored = order == "relevance" and bool(flt.query) and not many
        sql, params = _keys_sql(flt, _split_cursor(cursor, scored), scored)
        # One pass yields this page's keys and counts what follows (up to COUNT_CAP).
        keys = conn.execute(sql, (*params, max(limit, COUNT_CAP) + 1)).fetchall()
        details = _details(conn, [key["id"] for key in keys[:limit]])
    except sqlite3.OperationalError as exc:
        raise UserError(_query_problem(flt.query, exc)) from None
    listed = [_listed(details[key["id"]], key["score"] if scored else None)
              for key in keys[:limit]]
    if flt.query:
        listed = [_with_snippet(conn, flt.query, item) for item in listed]
    return ArticlePage(listed, listed[-1].cursor if len(keys) > limit else None,
                       min(len(keys), COUNT_CAP), len(keys) > COUNT_CAP,
                       "relevance" if scored else "newest", order == "relevance" and many)


def _keys_sql(
    flt: ArticleFilter, after: tuple[str | float, int] | None, scored: bool
) -> tuple[str, list[object]]:
    """SQL listing the ids (and sort keys) of the matches in display order, and its parameters."""
    where, params = _where(flt)
    if scored:
        # FTS first (CROSS JOIN): BM25 needs every match anyway; articles by primary key.
        select = f"SELECT a.id, {_SCORE} AS score FROM {_FTS_SOURCE}"
        where.insert(0, "articles_fts MATCH ?")
        params.insert(0, flt.query)
        keyset, sort = f"({_SCORE}, a.id) > (?, ?)", "score, a.id"
    else:
        # A date index in order; the matches (if any) are read once into a lookup list.
        select = "SELECT a.id, NULL AS score FROM articles a"
        if flt.query:
            where.append(_FTS_MATCH)
            params.append(flt.query)
        keyset, sort = "(a.dated, a.id) < (?, ?)", "a.dated DESC, a.id DESC"
    if after is not None:
        where.append(keyset)
        params.extend(after)
    return f"{select} WHERE {' AND '.join(where)} ORDER BY {sort} LIMIT ?", params


def _fts_matches(conn: sqlite3.Connection, query: str, cap: int) -> int:
    """Rows of the full-text index matching ``query`` (all versions), counted up to cap + 1."""
    sql = "SELECT count(*) FROM (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT ?)"
    return int(conn.execute(sql, (query, cap + 1)).fetchone()[0])


def _details(conn: sqlite3.Connection, ids: list[int]) -> dict[int, sqlite3.Row]:
    """The list columns of the given article rows, by id."""
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    rows = conn.execute(_LIST_SELECT.format(lead=LEAD_CHARS) + f" WHERE a.id IN ({marks})", ids)
    return {row["id"]: row for row in rows}


def _query_problem(query: str, exc: Exception) -> str:
    """The one-line message for a search the FTS5 syntax rejects."""
    return (f"cannot search for {query!r} ({exc}): put phrases in double quotes, e.g. "
            '"city council", and write AND, OR, NOT in capitals')


def _listed(row: sqlite3.Row, score: float | None) -> ListedArticle:
    """Build a list row from a row of ``_LIST_SELECT`` (and its BM25 score, if ranked)."""
    return ListedArticle(
        id=row["id"], url=row["url"], site=row["site"], title=row["title"],
        dated=row["dated"] or row["first_seen"], language=row["language"],
        version=row["version"], first_seen=row["first_seen"], last_seen=row["last_seen"],
        captures=row["captures"], lead=row["lead"] or "",
        score=score,
    )


def _with_snippet(conn: sqlite3.Connection, query: str, item: ListedArticle) -> ListedArticle:
    """The row with a snippet of its text around the matched words (marked with MARK_*)."""
    row = conn.execute(
        "SELECT snippet(articles_fts, 1, ?, ?, '…', 24) FROM articles_fts "
        "WHERE articles_fts MATCH ? AND rowid = ?",
        (MARK_START, MARK_END, query, item.id),
    ).fetchone()
    if row is None:
        return item
    return replace(item, snippet=row[0] or "")


def distinct_values(conn: sqlite3.Connection, column: str) -> list[str]:
    """Distinct non-empty ``site`` or ``language`` values of articles, one index seek each."""
    if column not in ("site", "language"):
        raise ValueError(column)
    # A loose index scan: jump from each value to the next instead of reading every row.
    sql = (
        f"WITH RECURSIVE v(x) AS (SELECT min({column}) FROM articles WHERE {column} > '' "
        f"UNION ALL SELECT (SELECT min({column}) FROM articles WHERE {column} > v.x) FROM v "
        "WHERE v.x IS NOT NULL) SELECT x FROM v WHERE x IS NOT NULL"
    )
    return [row[0] for row in conn.execute(sql)]


def list_pages(
    conn: sqlite3.Connection, site: str = "", decision: str = "", cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> PageList:
    """Fetched pages with their article/list decisions, newest capture first, keyset-paged.

    ``decision`` is "" (all), "article" or "other".
    """
    where: list[str] = []
    params: list[str | int] = []
    if site:
        where.append("p.site = ?")
        params.append(site)
    if decision in ("article", "other"):
        where.append("p.is_article = ?")
        params.append(1 if decision == "article" else 0)
    if cursor:
        if not (cursor.isascii() and cursor.isdigit() and len(cursor) <= 18):
            raise UserError(f"bad page cursor {cursor!r}: start again from the first page")
        where.append("p.id < ?")
        params.append(int(cursor))
    sql = (PAGE_SELECT.replace("SELECT p.url", "SELECT p.id AS page_id, p.url", 1)
           + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY p.id DESC LIMIT ?")
    rows = conn.execute(sql, (*params, limit + 1)).fetchall()
    listed = [PageRow(row["page_id"], row_to_page(row)) for row in rows[:limit]]
    more = len(rows) > limit
    return PageList(listed, str(listed[-1].id) if more else None)
