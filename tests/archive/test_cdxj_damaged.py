"""CDXJ indexing skips a damaged record and keeps every good one (before and after it)."""

from __future__ import annotations

import gzip

import pytest

from crawler.archive.cdxj import index_warc, write_index
from tests.replay.warcs import sample_pages, write_warc

DAMAGE = {
    "cut-short": gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 9999\r\n\r\n"),
    "not-gzip": b"garbage that is not gzip at all\r\n" * 3,
    "corrupt-gzip": gzip.compress(b"WARC/1.1\r\nContent-Length: 5\r\n\r\nhello")[:15] + b"\0" * 30,
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_good_records_around_a_damaged_one_are_indexed(tmp_path, damage):
    pages = sample_pages()
    write_warc(tmp_path / "a.warc.gz", pages[:2])
    write_warc(tmp_path / "b.warc.gz", pages[2:])
    warc = tmp_path / "x-20260101000000-00000-h-1.warc.gz"
    warc.write_bytes((tmp_path / "a.warc.gz").read_bytes() + DAMAGE[damage]
                     + (tmp_path / "b.warc.gz").read_bytes())
    damaged: dict[str, str] = {}
    index = index_warc(warc, tmp_path / "indexes", damaged)
    lines = index.read_text().splitlines()
    assert sorted(line.split('"url": "')[1].split('"')[0] for line in lines) == sorted(
        p.url for p in pages)
    assert warc.name in damaged and "skipped" in damaged[warc.name]


def test_a_sound_warc_reports_nothing(tmp_path):
    write_warc(tmp_path / "a.warc.gz", sample_pages())
    report = write_index(tmp_path / "a.warc.gz", tmp_path / "a.cdxj")
    assert report.skipped == []
    assert len((tmp_path / "a.cdxj").read_text().splitlines()) == 4


def bad_date_record(date: str = "garbage") -> bytes:
    """One gzip member: a well-formed response record whose WARC-Date is no date."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = BytesIO()
    writer = WARCWriter(out, gzip=True)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(
        "http://news.example/bad-date", "response", payload=BytesIO(b"<p>x</p>"),
        http_headers=http, warc_headers_dict={"WARC-Date": date}))
    return out.getvalue()


@pytest.mark.parametrize("date", ["garbage", "9999-99-99T99:99:99Z", "1" * 60])
def test_a_record_whose_date_is_no_date_costs_only_itself(tmp_path, date):
    # cdxj-indexer stopped on the date: the whole WARC went unindexed and replayed nothing.
    pages = sample_pages()
    write_warc(tmp_path / "a.warc.gz", pages[:2])
    write_warc(tmp_path / "b.warc.gz", pages[2:])
    warc = tmp_path / "x-20260101000000-00000-h-1.warc.gz"
    warc.write_bytes((tmp_path / "a.warc.gz").read_bytes() + bad_date_record(date)
                     + (tmp_path / "b.warc.gz").read_bytes())
    damaged: dict[str, str] = {}
    index = index_warc(warc, tmp_path / "indexes", damaged)
    urls = [line.split('"url": "')[1].split('"')[0] for line in index.read_text().splitlines()]
    assert sorted(urls) == sorted(p.url for p in pages)
    assert "is not a date" in damaged[warc.name]
