"""The archive browser's store queries: filters, keyset paging, snippets, facets, schema upgrade."""

from __future__ import annotations

import sqlite3

import pytest

from crawler.exceptions import UserError
from crawler.store import PageRecord, WarcLocation, open_store
from crawler.store.browse import (
    MARK_END,
    MARK_START,
    ArticleFilter,
    distinct_values,
    list_articles,
    list_pages,
    open_readonly,
)
from crawler.store.schema import SCHEMA_VERSION


def _add(store, n: int, site: str, published: str | None, language: str, text: str) -> None:
    meta = {"title": f"Story {n}", "language": language}
    if published:
        meta["published"] = published
    store.add_page(PageRecord(
        url=f"https://{site}/{n}", site=site, fetched_at=f"2026-02-{1 + n % 20:02d}T08:00:00Z",
        is_article=True, page_reason="article: test", text=text, meta=meta,
        warc=WarcLocation("t.warc.gz", n * 10, 5, f"<urn:uuid:{n}>"),
    ))


@pytest.fixture
def store_dir(tmp_path):
    """Twelve articles on two sites, three languages, one without a publication date."""
    with open_store(tmp_path, create=True) as store:
        for n in range(12):
            site = "a.example" if n % 2 else "b.example"
            language = ("en", "de", "EN-gb")[n % 3]
            published = None if n == 5 else f"2025-03-{1 + n:02d}T12:00:00+02:00"
            words = "harbour flood defence" if n % 4 == 0 else "council budget vote"
            _add(store, n, site, published, language, f"Story {n} about the {words}.\n\nEnd.")
        store.add_page(PageRecord(
            url="https://a.example/section/", site="a.example", fetched_at="2026-02-03T00:00:00Z",
            is_article=False, page_reason="list-page: many links", meta={"title": "Section"},
        ))
    return tmp_path


def _walk(conn, flt=None, order="newest", limit=5):
    """Every row of a list, page by page through the cursors."""
    flt = flt or ArticleFilter()
    rows, cursor = [], None
    while True:
        page = list_articles(conn, flt, cursor, order, limit)
        rows += page.rows
        if page.next_cursor is None:
            return rows
        cursor = page.next_cursor


def test_keyset_paging_lists_every_article_once_newest_first(store_dir):
    conn = open_readonly(store_dir / "articles.sqlite")
    rows = _walk(conn)
    assert len(rows) == len({r.url for r in rows}) == 12
    keys = [(r.dated, r.id) for r in rows]
    assert keys == sorted(keys, reverse=True)
    undated = next(r for r in rows if r.url.endswith("/5"))
    assert undated.dated == "2026-02-06T08:00:00Z"  # no publication date: its first capture
    assert rows[-1].dated == "2025-03-01T10:00:00Z"  # +02:00 stored as UTC


def test_filters_by_site_language_and_days(store_dir):
    conn = open_readonly(store_dir / "articles.sqlite")
    assert {r.site for r in _walk(conn, ArticleFilter(site="a.example"))} == {"a.example"}
    english = _walk(conn, ArticleFilter(language="en"))
    assert len(english) == 8  # "en" and "EN-gb" are both English
    march = _walk(conn, ArticleFilter(since="2025-03-03T00:00:00Z", until="2025-03-05T00:00:00Z"))
    assert sorted(r.url for r in march) == ["https://a.example/3", "https://b.example/2"]
    assert distinct_values(conn, "site") == ["a.example", "b.example"]
    assert distinct_values(conn, "language") == ["de", "en"]


def test_search_marks_matches_and_pages_by_relevance(store_dir):
    conn = open_readonly(store_dir / "articles.sqlite")
    page = list_articles(conn, ArticleFilter(query='"flood defence"'), limit=2, order="relevance")
    assert page.count == 3 and page.next_cursor
    assert f"harbour {MARK_START}flood defence{MARK_END}." in page.rows[0].snippet
    rows = _walk(conn, ArticleFilter(query='"flood defence"'), order="relevance", limit=2)
    assert sorted(r.url for r in rows) == ["https://b.example/0", "https://b.example/4",
                                           "https://b.example/8"]
    newest = _walk(conn, ArticleFilter(query="harbour", site="b.example", language="de"))
    assert [r.url for r in newest] == ["https://b.example/4"]


def test_bad_search_and_bad_cursor_are_one_line_errors(store_dir):
    conn = open_readonly(store_dir / "articles.sqlite")
    with pytest.raises(UserError, match="double quotes"):
        list_articles(conn, ArticleFilter(query='"unbalanced'))
    with pytest.raises(UserError, match="bad page cursor"):
        list_articles(conn, ArticleFilter(), cursor="nonsense")
    with pytest.raises(UserError, match="bad page cursor"):
        list_pages(conn, cursor="x")


def test_pages_list_shows_decisions_and_pages(store_dir):
    conn = open_readonly(store_dir / "articles.sqlite")
    others = list_pages(conn, decision="other")
    assert [(r.page.url, r.page.page_reason) for r in others.rows] == [
        ("https://a.example/section/", "list-page: many links")]
    first = list_pages(conn, limit=7)
    second = list_pages(conn, cursor=first.next_cursor, limit=7)
    assert second.next_cursor is None
    assert len({r.id for r in first.rows + second.rows}) == 13


def test_readonly_opening_never_creates_or_writes(tmp_path, store_dir):
    with pytest.raises(UserError, match="no article store"):
        open_readonly(tmp_path / "missing" / "articles.sqlite")
    assert not (tmp_path / "missing").exists()
    conn = open_readonly(store_dir / "articles.sqlite")
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("DELETE FROM articles")


def test_a_version_1_store_is_upgraded_with_its_dates_and_languages(store_dir):
    db = store_dir / "articles.sqlite"
    conn = sqlite3.connect(db)
    for index in ("articles_dated", "articles_site_dated", "articles_language_dated"):
        conn.execute(f"DROP INDEX {index}")
    conn.execute("ALTER TABLE articles DROP COLUMN dated")
    conn.execute("ALTER TABLE articles DROP COLUMN language")
    conn.execute("PRAGMA user_version=1")
    conn.commit()
    conn.close()
    with pytest.raises(UserError, match="schema 1"):
        open_readonly(db)
    with open_store(store_dir, create=False):
        pass
    conn = open_readonly(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    rows = _walk(conn, ArticleFilter(language="en"))
    assert len(rows) == 8 and rows[-1].dated == "2025-03-01T10:00:00Z"


def test_a_query_with_too_many_matches_to_rank_is_listed_newest_first(store_dir, monkeypatch):
    conn = open_readonly(store_dir / "articles.sqlite")
    monkeypatch.setattr("crawler.store.browse.RANK_CAP", 2)
    page = list_articles(conn, ArticleFilter(query="harbour"), order="relevance")
    assert page.order == "newest" and page.too_many_to_rank
    assert [r.score for r in page.rows] == [None, None, None]
    keys = [(r.dated, r.id) for r in page.rows]
    assert keys == sorted(keys, reverse=True)
    monkeypatch.setattr("crawler.store.browse.RANK_CAP", 3)  # "harbour" matches three
    ranked = list_articles(conn, ArticleFilter(query="harbour"), order="relevance")
    assert ranked.order == "relevance" and not ranked.too_many_to_rank
    assert all(r.score is not None for r in ranked.rows)
