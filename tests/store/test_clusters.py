"""Syndication clusters in the store: copies across sites, versions, late captures, rebuilds."""

from __future__ import annotations

import multiprocessing
import sqlite3

from crawler.store import PageRecord, WarcLocation, open_store
from tests.syndication.stories import OTHER, WIRE, copy_of_wire, follow_up

TEXT, COPY, OTHER_TEXT = "\n\n".join(WIRE), "\n\n".join(copy_of_wire()), "\n\n".join(OTHER)


def _add(store, url: str, text: str, when: str, record_id: str | None = None):
    site = url.split("/")[2]
    warc = WarcLocation("x.warc.gz", 0, 1, record_id=record_id) if record_id else None
    return store.add_page(PageRecord(url=url, site=site, fetched_at=when, is_article=True,
                                     text=text, warc=warc, meta={"title": url}))


def _clusters(store) -> dict[str, int]:
    return {a.url: a.cluster_id for a in store.iter_articles()}


def test_copy_on_another_site_joins_the_story_and_a_follow_up_does_not(tmp_path):
    with open_store(tmp_path, create=True) as store:
        _add(store, "https://wire.example/a", TEXT, "2026-03-14T09:00:00Z")
        _add(store, "https://daily.example/c", COPY, "2026-03-14T10:00:00Z")
        # another story that quotes the first paragraph of the wire story
        _add(store, "https://other.example/b", "\n\n".join(follow_up()), "2026-03-14T11:00:00Z")
        clusters = _clusters(store)
        assert clusters["https://wire.example/a"] == clusters["https://daily.example/c"]
        assert len(set(clusters.values())) == 2
        copies = store.copies("https://daily.example/c")
        assert [c.url for c in copies] == ["https://wire.example/a", "https://daily.example/c"]
        assert copies[0].is_first and copies[0].similarity == 1.0
        assert 0.8 < copies[1].similarity < 1.0
        article = next(a for a in store.iter_articles() if a.url == "https://daily.example/c")
        assert (article.cluster_size, article.cluster_first_url) == (2, "https://wire.example/a")
        assert len(store.copies("https://other.example/b")) == 1
        assert [len(c) for c in store.iter_clusters()] == [2]


def test_versions_of_one_url_are_not_copies_of_each_other(tmp_path):
    with open_store(tmp_path, create=True) as store:
        _add(store, "https://wire.example/a", TEXT, "2026-03-14T09:00:00Z")
        _add(store, "https://wire.example/a", TEXT + "\n\nUpdated with a new paragraph.",
             "2026-03-15T09:00:00Z")
        versions = store.versions("https://wire.example/a")
        assert len(versions) == 2 and versions[0].cluster_id == versions[1].cluster_id
        assert versions[1].cluster_size == 1
        assert list(store.iter_clusters()) == []


def test_a_late_older_capture_becomes_the_first(tmp_path):
    with open_store(tmp_path, create=True) as store:
        _add(store, "https://daily.example/c", COPY, "2026-03-14T10:00:00Z")
        _add(store, "https://wire.example/a", TEXT, "2026-03-14T09:00:00Z")  # an older WARC
        copies = store.copies("https://daily.example/c")
        assert copies[0].url == "https://wire.example/a" and copies[0].is_first
        assert copies[0].similarity == 1.0 and copies[1].similarity < 1.0


def test_reextraction_and_rebuild_keep_clusters_consistent(tmp_path):
    with open_store(tmp_path, create=True) as store:
        _add(store, "https://wire.example/a", TEXT, "2026-03-14T09:00:00Z", "<urn:1>")
        _add(store, "https://daily.example/c", COPY, "2026-03-14T10:00:00Z", "<urn:2>")
        _add(store, "https://other.example/b", OTHER_TEXT, "2026-03-14T11:00:00Z", "<urn:3>")
        # A better extractor finds the copy was really the other story: it leaves the cluster.
        _add(store, "https://daily.example/c", OTHER_TEXT + "\n\nMore.", "2026-03-14T10:00:00Z",
             "<urn:2>")
        clusters = _clusters(store)
        assert clusters["https://daily.example/c"] == clusters["https://other.example/b"]
        assert clusters["https://wire.example/a"] != clusters["https://other.example/b"]
        store.prune_texts()
        assert store.conn.execute("SELECT count(*) FROM sketches").fetchone()[0] == 3
        incremental = {a.url: a.cluster_similarity for a in store.iter_articles()}
        before = sorted(sorted(c.url for c in cl) for cl in store.iter_clusters(min_urls=1))
        assert store.rebuild_clusters() == 3
        after = sorted(sorted(c.url for c in cl) for cl in store.iter_clusters(min_urls=1))
        assert after == before
        assert {a.url: a.cluster_similarity for a in store.iter_articles()} == incremental


def test_dedupe_keeps_one_article_per_story(tmp_path):
    with open_store(tmp_path, create=True) as store:
        _add(store, "https://wire.example/a", TEXT, "2026-03-14T09:00:00Z")
        _add(store, "https://daily.example/c", COPY, "2026-03-14T08:00:00Z")  # crawled earlier
        _add(store, "https://other.example/b", OTHER_TEXT, "2026-03-14T11:00:00Z")
        earliest = sorted(a.url for a in store.iter_articles(dedupe="earliest"))
        assert earliest == ["https://daily.example/c", "https://other.example/b"]
        longest = sorted(a.url for a in store.iter_articles(dedupe="longest"))
        assert longest == ["https://other.example/b", "https://wire.example/a"]  # not cut
        assert len(list(store.iter_articles(site="wire.example", dedupe="earliest"))) == 1
        assert len(list(store.iter_articles())) == 3


def test_store_from_before_clustering_is_clustered_when_opened(tmp_path):
    with open_store(tmp_path, create=True) as store:
        _add(store, "https://wire.example/a", TEXT, "2026-03-14T09:00:00Z")
        _add(store, "https://daily.example/c", COPY, "2026-03-14T10:00:00Z")
    conn = sqlite3.connect(tmp_path / "articles.sqlite")
    conn.executescript(
        "DROP INDEX articles_cluster; ALTER TABLE articles DROP COLUMN cluster_id;"
        "ALTER TABLE articles DROP COLUMN cluster_similarity; DROP TABLE sketches;"
        "DROP TABLE sketch_bands; DROP TABLE clusters; DELETE FROM store_meta;"
        "PRAGMA user_version = 1;"
    )
    conn.close()
    with open_store(tmp_path, create=True) as store:
        assert len(store.copies("https://daily.example/c")) == 2


def _writer(path: str, offset: int) -> None:
    """One process of a shared crawl: copies of the wire story and other pages."""
    with open_store(path, create=True) as store:
        store.commit_every = 1
        for i in range(6):
            text = COPY if i % 2 == 0 else f"{OTHER_TEXT}\n\nPart {offset + i} of the series."
            _add(store, f"https://site{offset + i}.example/story", text,
                 f"2026-03-14T10:{offset + i:02d}:00Z", f"<urn:{offset + i}>")


def test_processes_sharing_one_store_extend_the_same_clusters(tmp_path):
    with open_store(tmp_path, create=True) as store:
        _add(store, "https://wire.example/a", TEXT, "2026-03-14T09:00:00Z")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(tmp_path), n)) for n in (0, 10)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    with open_store(tmp_path, create=True) as store:
        copies = store.copies("https://wire.example/a")
        assert len(copies) == 7  # the story and the six copies, from both processes
        assert [len(c) for c in store.iter_clusters()] == [7, 6]
