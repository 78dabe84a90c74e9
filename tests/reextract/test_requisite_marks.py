"""Requisites are marked in the WARC (a metadata record's hopsFromSeed), and re-extraction
never takes one answered as HTML for a page: ours, and Heritrix-style WARCs alike."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.reextract import reextract
from crawler.store import open_store
from tests.conftest import FAST
from tests.crawl.helpers import crawler
from tests.crawl.sitekit import article, html, serve

STORY = "/news/the-council-meets-about-the-port"
LEAD = "/img/lead.jpg"
#: A CDN's "soft 404": an image URL answered 200 with an HTML page full of prose.
SOFT_404 = article("Sorry, this page has moved")


@pytest.mark.slow
def test_a_requisite_answered_as_html_is_marked_and_not_reextracted_as_a_page(tmp_path):
    routes = {
        "/": (200, {}, html(f'<a href="{STORY}">the story</a>')),
        STORY: (200, {}, article("The council meets", f'<img src="{LEAD}" alt="the port">')),
        LEAD: (200, {}, SOFT_404),
    }
    with serve(routes) as site:
        run = crawler("crawl", "--archive-dir", str(tmp_path / "crawl"), *FAST, site.url)
    assert run.returncode == 0, run.stderr
    warcs = sorted((tmp_path / "crawl" / "warc").glob("*.warc.gz"))
    lead_url, story_url = site.url.rstrip("/") + LEAD, site.url.rstrip("/") + STORY
    response_id, body, marks = None, b"", {}
    for path in warcs:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                uri = record.rec_headers.get_header("WARC-Target-URI")
                if uri == lead_url and record.rec_type == "response":
                    response_id = record.rec_headers.get_header("WARC-Record-ID")
                    body = record.content_stream().read()
                elif uri == lead_url and record.rec_type == "metadata":
                    concurrent = record.rec_headers.get_header("WARC-Concurrent-To")
                    marks[concurrent] = record.content_stream().read().decode()
    assert body == SOFT_404  # the response is what crossed the wire, marker or not
    assert response_id in marks
    assert "hopsFromSeed: LE\r\n" in marks[response_id]  # a link from the seed, an embed
    assert f"via: {story_url}\r\n" in marks[response_id]
    report = reextract(warcs, tmp_path / "again", jobs=1)
    assert report.requisites == 1
    with open_store(tmp_path / "again") as store:
        pages = {urlsplit(p.url).path for p in store.iter_pages()}
    assert pages == {"/", STORY}


def _heritrix_style_warc(path: Path) -> None:
    """Two HTML responses, each with its request and a Heritrix-style metadata record."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for name, hops in (("page", "LL"), ("embed", "LLE")):
            url = f"http://news.test/{name}"
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            body = article(f"The {name} of the council").replace(b"council", name.encode())
            response = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                 http_headers=http)
            writer.write_record(response)
            rid = response.rec_headers.get_header("WARC-Record-ID")
            request = writer.create_warc_record(
                url, "request", payload=io.BytesIO(b""),
                http_headers=StatusAndHeaders(f"GET /{name} HTTP/1.1", [], is_http_request=True),
                warc_headers_dict={"WARC-Concurrent-To": rid})
            writer.write_record(request)
            fields = f"via: http://news.test/\r\nhopsFromSeed: {hops}\r\nfetchTimeMs: 5\r\n"
            meta = writer.create_warc_record(
                url, "metadata", payload=io.BytesIO(fields.encode()),
                warc_content_type="application/warc-fields",
                warc_headers_dict={"WARC-Concurrent-To": rid})
            writer.write_record(meta)


def test_heritrix_embed_markers_are_read(tmp_path):
    warc = tmp_path / "heritrix.warc.gz"
    _heritrix_style_warc(warc)
    report = reextract([warc], tmp_path / "archive", jobs=1)
    assert (report.html, report.requisites, report.errors) == (1, 1, [])
    with open_store(tmp_path / "archive") as store:
        assert [p.url for p in store.iter_pages()] == ["http://news.test/page"]
