"""Fixtures of the replay tests: a small archive folder (WARC with revisits + text store)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.store import PageRecord, WarcLocation, open_store
from tests.replay.warcs import Page, sample_pages, write_warc

WARC_NAME = "test-20260102030405-00000-host-1.warc.gz"


def make_archive(root: Path, pages: list[Page], revisits=(), warc_name: str = WARC_NAME,
                 store: bool = True) -> dict:
    """Write an archive folder: one WARC in warc/ (no index) and, optionally, the text store."""
    (root / "warc").mkdir(parents=True, exist_ok=True)
    written = write_warc(root / "warc" / warc_name, pages, list(revisits))
    if store:
        with open_store(root, create=True) as db:
            for page in pages:
                db.add_page(PageRecord(
                    url=page.url, site="news.example", fetched_at=page.date, is_article=True,
                    page_reason="test", text=page.paragraph, meta={"title": page.title},
                    warc=WarcLocation(warc_name, 0, 0, written[page.url]["record_id"]),
                ))
            db.commit()
    return written


@pytest.fixture(scope="module")
def sample_archive(tmp_path_factory) -> tuple[Path, list[Page]]:
    """Archive folder with four article pages (plain/chunked/gzip/both) and two revisits."""
    root = tmp_path_factory.mktemp("replay") / "archive"
    pages = sample_pages()
    make_archive(root, pages, [(pages[0], "2026-02-01T00:00:00Z"),
                               (pages[3], "2026-02-01T00:00:01Z"),
                               (pages[2], "2026-02-01T00:00:02Z", "304")])
    return root, pages
