"""Re-extraction leaves out what the crawl leaves out: cut bodies and decompression bombs."""

from __future__ import annotations

import gzip
import subprocess
import sys
from io import BytesIO

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.reextract.scan import WarcScanner
from tests.store.warcs import LOREM, article_html, unique_text, write_warc

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


def _good_warc(path, url, seed):
    """A one-record WARC (.warc.gz or .warc) holding one article."""
    write_warc(path, [(url, article_html(f"Story {seed}", unique_text(seed)), DATE)],
               gzip=path.suffix == ".gz")
    return path.read_bytes()


def _peak_mb(code: str) -> int:
    """Run ``code`` in a fresh Python; return its peak resident memory in MB."""
    # VmHWM, not ru_maxrss: the latter starts at the forking parent's (pytest's) peak.
    probe = code + ("\nimport re; print(re.search(r'VmHWM:\\s+(\\d+)', "
                    "open('/proc/self/status').read()).group(1))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=300, check=True)
    return int(out.stdout.split()[-1]) // 1024


def test_a_header_block_of_8_mb_is_refused_cheaply(tmp_path):
    header = (b"WARC/1.0\r\nWARC-Type: response\r\n" + b"X-Junk: header line\r\n" * 400_000
              + b"Content-Length: 4\r\n\r\nbody\r\n\r\n")
    path = tmp_path / "headers.warc.gz"
    path.write_bytes(gzip.compress(header) + _good_warc(tmp_path / "g.warc.gz",
                                                        "http://127.0.0.1/good", 5))
    scanner = WarcScanner(path, max_body=100_000)
    assert [c.url for c in scanner] == ["http://127.0.0.1/good"]
    assert len(scanner.stats.errors) == 1 and "header" in scanner.stats.errors[0]
    code = (
        "from pathlib import Path\n"
        "from crawler.reextract.scan import WarcScanner\n"
        f"assert len(list(WarcScanner(Path({str(path)!r}), 100_000))) == 1\n"
    )
    assert _peak_mb(code) < 150  # 421 MB without the caps


@pytest.mark.parametrize("junk", ["record", "bytes"])
def test_uncompressed_junk_in_a_warc_gz_is_skipped_to_the_next_member(tmp_path, junk):
    first = _good_warc(tmp_path / "a.warc.gz", "http://127.0.0.1/first", 1)
    last = _good_warc(tmp_path / "b.warc.gz", "http://127.0.0.1/last", 2)
    raw = (_good_warc(tmp_path / "j.warc", "http://127.0.0.1/junk", 3) if junk == "record"
           else b"not a record at all\r\n" * 20)
    path = tmp_path / "mixed.warc.gz"
    path.write_bytes(first + raw + last)
    scanner = WarcScanner(path, max_body=100_000)
    assert [c.url for c in scanner] == ["http://127.0.0.1/first", "http://127.0.0.1/last"]
    assert scanner.stats.errors == [
        f"{path}: bad record at offset {len(first)}: "
        + ("not a gzip member (uncompressed bytes inside a .warc.gz)" if junk == "record"
           else scanner.stats.errors[0].split(": ", 2)[2].split(";")[0])
        + f"; skipped {len(raw)} bytes to the next record"]
    assert scanner.stats.skipped_bytes == len(raw)


@pytest.mark.parametrize("url, date, problem", [
    ("http://[::1/news/story", DATE, "is not a URL"),
    ("http://news.test:99999/story", DATE, "is not a URL"),
    ("http:///news/story", DATE, "not an http(s) URL"),
    ("http://news.test/a", "garbage\x1b[31m", "is not a date"),
    ("http://news.test/b", "9999-99-99T99:99:99Z", "is not a date"),
])
def test_a_page_without_a_url_or_a_date_is_a_bad_record(tmp_path, url, date, problem):
    # A hostile target URI crashed re-extraction with a traceback; a WARC-Date that is no
    # date went into the store as the capture time ("garbage" as first_seen in exports).
    path = tmp_path / "bad.warc.gz"
    html = [("Content-Type", "text/html; charset=utf-8")]
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        _response(writer, url, article_html("Bad", LOREM), html, {"WARC-Date": date})
        _response(writer, "http://news.test/good", article_html("Good", LOREM), html)
    scanner = WarcScanner(path, max_body=100_000)
    assert [capture.url for capture in scanner] == ["http://news.test/good"]
    assert len(scanner.stats.errors) == 1 and problem in scanner.stats.errors[0]
    assert "\x1b" not in scanner.stats.errors[0]


def test_extract_of_a_hostile_uri_is_one_line_not_a_traceback(tmp_path):
    path = tmp_path / "bad.warc.gz"
    with open(path, "wb") as out:
        _response(WARCWriter(out, gzip=True), "http://[::1/x", article_html("Bad", LOREM),
                  [("Content-Type", "text/html")])
    proc = subprocess.run([sys.executable, "-m", "crawler.cli", "extract", str(path),
                           "--archive-dir", str(tmp_path / "a"), "-j", "1"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "is not a URL" in proc.stderr
