"""End to end: crawl the bundled demo site, export all formats, check every article's WARC link."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from crawler.cli import main
from crawler.extract.blocks import blocks_from_json, plain_text
from crawler.reextract import reextract
from crawler.store import open_store, read_warc_record
from tests.conftest import holding_bundled_demo_port

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Path:
    """An archive folder filled by `crawler crawl` of the demo site (no seed)."""
    archive = tmp_path_factory.mktemp("demo")
    with holding_bundled_demo_port(tmp_path_factory):
        out = subprocess.run(
            [sys.executable, "-m", "crawler.cli", "crawl", "--archive-dir", str(archive),
             "--max-pages", "40", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"],
            capture_output=True, text=True, timeout=180, check=False,
        )
    assert out.returncode == 0, out.stderr[-2000:]
    return archive


def test_exports_read_back_and_point_at_the_warc(crawled, tmp_path):
    with open_store(crawled, create=False) as store:
        expected = [a.to_dict() for a in store.iter_articles()]
    assert len(expected) >= 10
    for fmt in ("jsonl", "csv", "parquet"):
        out = tmp_path / f"articles.{fmt}"
        assert main(["export", "--archive-dir", str(crawled), "-f", fmt, "-o", str(out)]) == 0
    jsonl = [json.loads(line) for line in (tmp_path / "articles.jsonl").read_text().splitlines()]
    assert jsonl == expected
    parquet = pq.read_table(tmp_path / "articles.parquet").to_pylist()
    assert [{**row, "blocks": json.loads(row["blocks"])} for row in parquet] == expected
    csv_lines = (tmp_path / "articles.csv").read_text(encoding="utf-8")
    assert all(row["warc_record_id"] in csv_lines for row in expected)
    for row in jsonl:
        record = read_warc_record(type("Row", (), row), crawled)
        assert (record.record_id, record.target_uri, record.payload_digest) == (
            row["warc_record_id"], row["url"], row["payload_digest"])
        assert record.record_type in ("response", "revisit")
        assert row["crawl_id"] and row["extractor_version"] and row["title"]
        # The crawl stored each article's blocks: they hold its text, word for word.
        assert row["blocks"] and plain_text(blocks_from_json(json.dumps(row["blocks"]))) == row[
            "text"]


def test_conversion_records_carry_the_text(crawled):
    with open_store(crawled, create=False) as store:
        articles = list(store.iter_articles())
    for article in articles:
        record = read_warc_record(article, crawled, conversion=True)
        assert record.record_type == "conversion"
        assert record.refers_to == article.warc_record_id
        assert record.payload.decode("utf-8") == article.text


def test_reextracting_the_crawl_twice_changes_nothing_the_second_time(crawled, tmp_path):
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "warc").symlink_to(crawled / "warc")
    source = sqlite3.connect(crawled / "articles.sqlite")
    target = sqlite3.connect(copy / "articles.sqlite")
    source.backup(target)
    source.close()
    target.close()
    first = reextract([copy / "warc"], copy, jobs=2)
    assert first.errors == []
    with open_store(copy) as store:
        before = [a.to_dict() for a in store.iter_articles(all_versions=True)]
        pages = store.counts()["pages"]
    second = reextract([copy / "warc"], copy, jobs=1)
    with open_store(copy) as store:
        assert [a.to_dict() for a in store.iter_articles(all_versions=True)] == before
        assert store.counts()["pages"] == pages
    assert second.outcomes["new_version"] == second.outcomes["updated"] == 0
    with open_store(copy) as store:
        assert {page.site for page in store.iter_pages()} == {"demo"}
