"""Index refresh (cover every closed WARC exactly once) and the listing page's HTML."""

from __future__ import annotations

from crawler.archive import index_warc as crawl_index_warc
from crawler.replay.indexes import IndexRefresher
from crawler.replay.layout import ArchiveLayout
from crawler.replay.listing import listed_pages, to_timestamp
from crawler.replay.service import ReplayService
from tests.replay.conftest import WARC_NAME, make_archive
from tests.replay.warcs import Page, sample_pages


def test_uncovered_warc_gets_the_crawl_index(tmp_path):
    layout = ArchiveLayout(tmp_path)
    make_archive(tmp_path, sample_pages(), store=False)
    refresher = IndexRefresher(layout)
    assert refresher.refresh().indexed == [WARC_NAME]
    crawl_index = layout.index_dir / f"{WARC_NAME}.cdxj"
    assert "plain-story.html" in crawl_index.read_text()
    assert not list(layout.extra_index_dir.glob("*.cdxj"))  # covered: no second copy
    assert not refresher.refresh().changed  # nothing new: nothing done


def test_fallback_index_is_dropped_once_the_crawl_indexes_the_warc(tmp_path):
    layout = ArchiveLayout(tmp_path)
    make_archive(tmp_path, sample_pages(), store=False)
    refresher = IndexRefresher(layout, use_crawl_indexer=False)  # as with a read-only indexes/
    first = refresher.refresh()
    own = layout.extra_index_dir / f"{WARC_NAME}.cdxj"
    assert first.indexed == [WARC_NAME] and own.is_file()
    assert "plain-story.html" in own.read_text()
    assert not refresher.refresh().changed
    crawl_index_warc(layout.warc_dir / WARC_NAME, layout.index_dir)  # a later crawl's indexer
    later = refresher.refresh()
    assert later.dropped == [WARC_NAME] and not own.exists()


def test_truncated_warc_keeps_its_good_records(tmp_path):
    layout = ArchiveLayout(tmp_path)
    make_archive(tmp_path, sample_pages(), store=False)
    good = (layout.warc_dir / WARC_NAME).read_bytes()
    cut = "cut-20260101000000-00000-h-1.warc.gz"
    (layout.warc_dir / cut).write_bytes(good[: len(good) * 6 // 10])  # a crawl killed mid-write
    result = IndexRefresher(layout, use_crawl_indexer=False).refresh()
    assert sorted(result.indexed) == sorted([WARC_NAME, cut]) and not result.failed
    lines = (layout.extra_index_dir / f"{cut}.cdxj").read_text().splitlines()
    assert 2 <= len(lines) < 6  # the complete records before the cut, nothing invented


def test_listing_prefers_store_titles_and_falls_back_to_index(tmp_path):
    with_store = ArchiveLayout(tmp_path / "s")
    make_archive(with_store.root, sample_pages())
    pages, total = listed_pages(with_store)
    assert total == 4 and {p.title for p in pages} == {p.title for p in sample_pages()}
    bare = ArchiveLayout(tmp_path / "b")
    make_archive(bare.root, sample_pages(), store=False)
    IndexRefresher(bare).refresh()
    pages, total = listed_pages(bare)
    assert total == 4 and all(p.title == "" for p in pages)


def test_listing_is_newest_first_and_capped(tmp_path):
    layout = ArchiveLayout(tmp_path)
    days = [Page(f"http://news.example/{d}.html", f"Day {d}", "x",
                 date=f"2026-01-{d:02d}T00:00:00Z") for d in range(1, 8)]
    make_archive(tmp_path, days)
    pages, total = listed_pages(layout, limit=3)
    assert total == 7
    assert [p.title for p in pages] == ["Day 7", "Day 6", "Day 5"]


def test_to_timestamp_reads_store_and_warc_dates():
    assert to_timestamp("2026-01-02T03:04:05Z") == "20260102030405"
    assert to_timestamp("2026-01-02T04:04:05+01:00") == "20260102030405"
    assert to_timestamp("2026-01-02T03:04:05.123456Z") == "20260102030405"
    assert to_timestamp("yesterday") is None


def test_replay_files_can_live_outside_a_read_only_archive(tmp_path):
    archive = tmp_path / "archive"
    make_archive(archive, sample_pages())
    crawl_index_warc(archive / "warc" / WARC_NAME, archive / "indexes")
    before = sorted(p.relative_to(archive) for p in archive.rglob("*"))
    layout = ArchiveLayout(archive, replay_root=tmp_path / "elsewhere")
    ReplayService(layout, "127.0.0.1", 0, say=lambda _: None).prepare()
    # SQLite's own -wal/-shm companions appear when a reader opens a WAL store it may write
    # next to (in a truly read-only folder it reads without them); nothing else is written.
    after = [p for p in archive.rglob("*") if not p.name.endswith(("-wal", "-shm"))]
    assert sorted(p.relative_to(archive) for p in after) == before
    config = (tmp_path / "elsewhere" / "config.yaml").read_text()
    assert str(archive / "warc") in config
    assert (tmp_path / "elsewhere" / "templates" / "custom_banner.html").is_file()
