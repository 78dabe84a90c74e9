"""Re-extraction leaves out what the crawl leaves out: cut bodies and decompression bombs."""

from __future__ import annotations

import gzip
from io import BytesIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.reextract.scan import WarcScanner
from tests.store.warcs import LOREM, article_html

DATE = "2026-11-20T10:00:00Z"


def _response(writer, url, body, headers, warc_headers=None):
    """Write one HTML response record with the given HTTP headers."""
    http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url, "response", payload=BytesIO(body), http_headers=http,
        warc_headers_dict={"WARC-Date": DATE, **(warc_headers or {})},
    )
    writer.write_record(record)


def test_truncated_and_oversized_responses_are_skipped(tmp_path):
    page = article_html("A normal story", LOREM)
    bomb = gzip.compress(b"<html><body>" + b"A" * 400_000 + b"</body></html>")
    path = tmp_path / "mixed.warc.gz"
    html = [("Content-Type", "text/html; charset=utf-8")]
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        _response(writer, "http://127.0.0.1/ok", page, html)
        _response(writer, "http://127.0.0.1/cut", page[:300], html, {"WARC-Truncated": "length"})
        _response(writer, "http://127.0.0.1/bomb", bomb, [*html, ("Content-Encoding", "gzip")])
    scanner = WarcScanner(path, max_body=100_000)
    urls = [capture.url for capture in scanner]
    assert urls == ["http://127.0.0.1/ok"]
    assert scanner.stats.skipped == 2
    assert scanner.stats.errors == []
