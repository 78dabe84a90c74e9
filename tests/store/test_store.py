"""The store: versions by text fingerprint, page decisions, capture state, FTS, provenance."""

from __future__ import annotations

import pytest

from crawler.exceptions import UserError
from crawler.store import open_store, read_warc_record, text_fingerprint
from tests.store.warcs import LOREM, article_html, page_record, write_warc

URL = "http://news.test/2026/11/budget"


def test_fingerprint_ignores_whitespace_and_unicode_form():
    composed, decomposed = "Caf\u00e9  council\n\nmet", "Cafe\u0301 council met"
    assert text_fingerprint(composed) == text_fingerprint(decomposed)
    assert text_fingerprint("3 dead") != text_fingerprint("5 dead")


@pytest.mark.parametrize(("before", "after"), [
    ("Updated 10:32 AM GMT. The bridge opened.", "Updated 4:05 pm GMT. The bridge opened."),
    ("Posted 5 minutes ago. The bridge opened.", "Posted an hour ago. The bridge opened."),
    ("Live at 09:15:02 UTC: the bridge opened.", "Live at 11:00:59 UTC: the bridge opened."),
])
def test_fingerprint_ignores_timestamps_in_the_text(before, after):
    assert text_fingerprint(before) == text_fingerprint(after)
    assert text_fingerprint(before) != text_fingerprint(before.replace("bridge", "tunnel"))


def test_unchanged_text_is_not_a_new_version(tmp_path):
    with open_store(tmp_path, create=True) as store:
        first = store.add_page(page_record(URL, LOREM, "2026-11-25T10:00:00Z"))
        respaced = "  " + LOREM.replace(" ", "\n  ")
        again = store.add_page(page_record(URL, respaced, "2026-11-25T11:00:00Z"))
        edited = LOREM + "Update: passed."
        changed = store.add_page(page_record(URL, edited, "2026-11-25T12:00:00Z"))
        assert (first.outcome, first.version) == ("new_version", 1)
        assert (again.outcome, again.version) == ("unchanged", 1)
        assert (changed.outcome, changed.version) == ("new_version", 2)
        latest = list(store.iter_articles())
        every = list(store.iter_articles(all_versions=True))
    assert [a.version for a in latest] == [2]
    assert [(a.version, a.captures, a.first_seen, a.last_seen) for a in every] == [
        (1, 2, "2026-11-25T10:00:00Z", "2026-11-25T11:00:00Z"),
        (2, 1, "2026-11-25T12:00:00Z", "2026-11-25T12:00:00Z"),
    ]
    assert latest[0].text.endswith("Update: passed.")


def test_older_capture_arriving_late_is_put_in_order(tmp_path):
    with open_store(tmp_path, create=True) as store:
        store.add_page(page_record(URL, LOREM + "new", "2026-11-25T12:00:00Z"))
        store.add_page(page_record(URL, LOREM + "old", "2026-11-20T12:00:00Z"))
        versions = store.versions(URL)
    assert [(v.version, v.text[-3:]) for v in versions] == [(1, "old"), (2, "new")]


def test_every_page_decision_is_kept(tmp_path):
    with open_store(tmp_path, create=True) as store:
        home = page_record("http://news.test/", "", "2026-11-25T10:00:00Z", is_article=False)
        store.add_page(home)
        store.add_page(page_record(URL, LOREM, "2026-11-25T10:00:01Z"))
        pages = list(store.iter_pages())
        assert store.counts() == {"pages": 2, "article_pages": 1, "articles": 1, "versions": 1}
    assert [(p.url, p.is_article, p.discard_reason, p.version) for p in pages] == [
        ("http://news.test/", False, "list page", None),
        (URL, True, None, 1),
    ]
    assert pages[0].page_reason == "many links, little text"


def test_capture_state_for_incremental_crawls(tmp_path):
    with open_store(tmp_path, create=True) as store:
        assert store.capture_state(URL) is None
        store.add_page(page_record(URL, LOREM, "2026-11-25T10:00:00Z", etag='"a1"'))
        store.add_page(page_record(URL, LOREM + "x", "2026-11-25T11:00:00Z", etag='"b2"',
                                   last_modified="Tue, 25 Nov 2026 10:59:00 GMT"))
        other = page_record("http://other.test/a", LOREM, "2026-11-25T11:00:00Z", site="other")
        store.add_page(other)
        state = store.capture_state(URL)
        states = list(store.iter_capture_states("example"))
    assert state.last_fetched == "2026-11-25T11:00:00Z"
    assert (state.etag, state.last_modified) == ('"b2"', "Tue, 25 Nov 2026 10:59:00 GMT")
    assert (state.versions, state.captures) == (2, 2)
    assert state.published == "2026-11-20T08:00:00Z"
    assert state.text_fingerprint == text_fingerprint(LOREM + "x")
    assert states == [state]


def test_full_text_search_finds_latest_versions(tmp_path):
    with open_store(tmp_path, create=True) as store:
        store.add_page(page_record(URL, LOREM, "2026-11-25T10:00:00Z", title="Budget night"))
        store.add_page(page_record("http://news.test/zoo", "The zoo welcomed a baby giraffe. " * 9,
                                   "2026-11-25T10:00:00Z", title="Giraffe born"))
        hits = store.search("giraffe")
        assert [h.article.url for h in hits] == ["http://news.test/zoo"]
        assert "[giraffe]" in hits[0].snippet
        assert [h.article.url for h in store.search('"public library"')] == [URL]
        with pytest.raises(UserError, match="quote phrases"):
            store.search('"unbalanced')


def test_search_index_follows_rebuilds(tmp_path):
    loc = {"filename": "a.warc.gz", "offset": 0, "length": 10, "record_id": "<urn:uuid:1>"}
    with open_store(tmp_path, create=True) as store:
        store.add_page(page_record(URL, LOREM + "zebra", "2026-11-25T10:00:00Z", warc=loc))
        assert store.search("zebra")
        result = store.add_page(page_record(URL, LOREM + "okapi", "2026-11-25T10:00:00Z", warc=loc))
        assert result.outcome == "updated"
        assert not store.search("zebra")
        assert store.search("okapi")
        assert store.prune_texts() == 1
        store.conn.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")


def test_same_capture_twice_changes_nothing(tmp_path):
    loc = {"filename": "a.warc.gz", "offset": 0, "length": 10, "record_id": "<urn:uuid:1>"}
    with open_store(tmp_path, create=True) as store:
        assert store.add_page(page_record(URL, LOREM, "2026-11-25T10:00:00Z", warc=loc)).outcome \
            == "new_version"
        assert store.add_page(page_record(URL, LOREM, "2026-11-25T10:00:00Z", warc=loc)).outcome \
            == "same"
        assert store.counts()["pages"] == 1


def test_read_warc_record_back_at_offset(tmp_path):
    (tmp_path / "warc").mkdir()
    pages = [(f"http://news.test/{i}", article_html(f"T{i}", LOREM), f"2026-11-25T10:00:0{i}Z")
             for i in range(3)]
    locs = write_warc(tmp_path / "warc" / "t.warc.gz", pages)
    with open_store(tmp_path, create=True) as store:
        for (url, _, date), loc in zip(pages, locs, strict=True):
            store.add_page(page_record(url, LOREM + url, date, warc=loc))
        articles = list(store.iter_articles())
    assert len(articles) == 3
    for article in articles:
        record = read_warc_record(article, tmp_path)
        assert record.record_id == article.warc_record_id
        assert record.target_uri == article.url
        assert record.payload_digest == article.payload_digest
        assert record.http_status == 200 and b"<article>" in record.payload


def test_store_survives_reopen_and_rejects_garbage(tmp_path):
    with open_store(tmp_path, create=True) as store:
        store.add_page(page_record(URL, LOREM, "2026-11-25T10:00:00Z"))
    with open_store(tmp_path / "articles.sqlite", create=False) as store:
        assert store.counts()["articles"] == 1
    with pytest.raises(UserError, match="no article store"):
        open_store(tmp_path / "nowhere", create=False)
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(UserError, match="is damaged .file is not a database."):
        open_store(bad, create=True)
    with open_store(tmp_path, create=True) as store, pytest.raises(
        UserError, match="cannot read the date"
    ):
        store.iter_articles(since="yesterday-ish")


def test_store_in_a_folder_that_cannot_be_created(tmp_path):
    """`crawler extract --archive-dir` under a file: a one-line error, not a traceback."""
    (tmp_path / "file").write_text("keep me")
    with pytest.raises(UserError, match="cannot create the folder .*choose another --archive-dir"):
        open_store(tmp_path / "file" / "archive", create=True)
    assert (tmp_path / "file").read_text() == "keep me"


def test_readers_never_create_a_store(tmp_path):
    """open_store() of a missing store is an error a reader can catch; no file appears."""
    from crawler.exceptions import StoreNotFound

    with pytest.raises(FileNotFoundError, match="no article store at"):
        open_store(tmp_path / "archives")
    with pytest.raises(StoreNotFound):
        open_store(tmp_path / "elsewhere.sqlite")
    assert list(tmp_path.iterdir()) == []


def test_site_of_host(tmp_path):
    with open_store(tmp_path, create=True) as store:
        store.add_page(page_record(URL, LOREM, "2026-11-25T10:00:00Z", site="daily"))
        assert store.site_of_host("http://news.test/anything/else") == "daily"
        assert store.site_of_host("http://news.test.example/x") is None
        assert store.site_of_host("https://news.test/x") is None


def test_commit_if_due_commits_an_old_batch_only(tmp_path):
    import time

    with open_store(tmp_path, create=True) as store:
        store.add_page(page_record(URL, LOREM, "2026-11-25T10:00:00Z"))
        assert not store.commit_if_due(60.0)  # a young batch stays open
        with open_store(tmp_path) as reader:
            assert list(reader.iter_articles()) == []
        time.sleep(0.05)
        assert store.commit_if_due(0.01)
        assert not store.commit_if_due(0.0)  # nothing left to commit
        with open_store(tmp_path) as reader:
            assert [a.url for a in reader.iter_articles()] == [URL]
