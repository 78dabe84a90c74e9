"""ARC files (older Heritrix and Internet Archive crawls) re-extract like WARCs, idempotently."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from crawler.reextract import reextract
from crawler.store import open_store, read_warc_record
from tests.store.warcs import article_html, unique_text

HEADER = b"1 0 InternetArchive\nURL IP-address Archive-date Content-type Archive-length\n"


def _record(header_line: bytes, body: bytes) -> bytes:
    return header_line + b" " + str(len(body)).encode() + b"\n" + body + b"\n"


def write_arc(path: Path, pages: list[tuple[str, bytes]], compress: bool) -> Path:
    """An ARC v1 file: the filedesc record, then one HTTP response record per page."""
    records = [_record(f"filedesc://{path.name} 0.0.0.0 20090101000000 text/plain".encode(),
                       HEADER)]
    for url, html in pages:
        http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                b"Content-Length: " + str(len(html)).encode() + b"\r\n\r\n" + html)
        records.append(_record(f"{url} 192.0.2.1 20090102030405 text/html".encode(), http))
    with open(path, "wb") as out:
        for record in records:
            out.write(gzip.compress(record) if compress else record)
    return path


@pytest.mark.parametrize("compress", [True, False])
def test_arc_file_reextracts_and_twice_changes_nothing(tmp_path, compress):
    url = "http://www.oldnews.example.co.uk/2009/01/02/flood.html"
    arc = write_arc(tmp_path / ("crawl.arc.gz" if compress else "crawl.arc"),
                    [(url, article_html("Flood defences hold", unique_text(7))),
                     ("http://www.oldnews.example.co.uk/", b"<html><body><a href='/x'>x</a>"
                      b"</body></html>")], compress)
    archive = tmp_path / "archive"
    first = reextract([tmp_path], archive, jobs=1)
    assert first.errors == [] and first.html == 2
    second = reextract([arc], archive, jobs=1)
    assert second.outcomes["new_version"] == 0 and second.outcomes["updated"] == 0
    with open_store(archive) as store:
        (article,) = list(store.iter_articles())
    assert article.url == url and article.title == "Flood defences hold"
    assert article.site == "example.co.uk"
    assert article.warc_record_id is None  # an ARC record has no ID: file and offset name it
    assert b"Flood defences hold" in read_warc_record(article, archive).payload
