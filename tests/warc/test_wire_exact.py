"""A crawl of a raw-socket server: every WARC block equals the bytes that crossed the wire."""

from __future__ import annotations

import gzip
import hashlib

import pytest

from tests.warc.warcs import check_structure, read_warc, run_crawl, warc_files, warcio_check
from tests.warc.wireserver import HTML, WireServer, build_cases

pytestmark = pytest.mark.slow

MAXSIZE = 50_000
START = ["/plain?id=42&x=1", "/chunked", "/gzip", "/gzip-chunked", "/cookies", "/reason",
         "/weird-headers", "/r1", "/missing", "/error", "/big-chunked", "/big-declared",
         "/dropped", "/http10", "/slow", "/extra"]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    """One crawl of all cases; yields (server log, spider results, records by type)."""
    archive = tmp_path_factory.mktemp("archive")
    with WireServer() as server:
        seen = run_crawl(archive, [server.url(p) for p in START],
                         f"DOWNLOAD_MAXSIZE={MAXSIZE}", "WARC_DEDUP=False", "DOWNLOAD_TIMEOUT=1")
        log = list(server.log)
    files = warc_files(archive)
    records = [rec for path in files for rec in read_warc(path)]
    return {"archive": archive, "log": log, "seen": seen, "files": files, "records": records}


def _pairs(records):
    mains = {r.id: r for r in records if r.type in ("response", "revisit")}
    return [(rec, mains[rec.headers["WARC-Concurrent-To"]])
            for rec in records if rec.type == "request"]


def _logged(crawl, path):
    return [e for e in crawl["log"] if e.path == path]


def test_every_exchange_is_archived_with_exact_request_and_response(crawl):
    pairs = _pairs(crawl["records"])
    # + robots.txt, /r2 and the redirect's target /plain?id=42&x=1 once more
    assert len(pairs) == len(crawl["log"]) == len(START) + 3
    by_request = {req.block: resp for req, resp in pairs}
    assert len(by_request) == len(pairs), "request blocks should all differ"
    exact = [e for e in crawl["log"] if not e.path.startswith(("/big", "/slow", "/extra"))]
    for entry in exact:
        assert entry.received in by_request, f"request of {entry.path} not archived byte-exact"
        assert by_request[entry.received].block == entry.sent, f"response of {entry.path}"


@pytest.mark.parametrize("path", ["/big-chunked", "/big-declared"])
def test_oversized_body_is_a_wire_prefix_marked_truncated_length(crawl, path):
    (entry,) = _logged(crawl, path)
    (resp,) = [r for q, r in _pairs(crawl["records"]) if q.block == entry.received]
    full_reply = b"".join(build_cases()[path]().pieces)
    assert entry.sent.startswith(resp.block)
    assert len(resp.block) < len(full_reply)
    if path == "/big-chunked":
        assert len(resp.block) > MAXSIZE  # cut only once the size was exceeded
    assert resp.headers["WARC-Truncated"] == "length"


def test_timeout_keeps_what_arrived_marked_truncated_time(crawl):
    (entry,) = _logged(crawl, "/slow")
    (resp,) = [r for q, r in _pairs(crawl["records"]) if q.block == entry.received]
    assert resp.block == build_cases()["/slow"]().pieces[0]
    assert resp.headers["WARC-Truncated"] == "time"
    (seen,) = [s for s in crawl["seen"] if s["url"].endswith("/slow")]
    assert seen["error"] == "DownloadTimeoutError"


def test_bytes_after_the_message_end_are_not_part_of_it(crawl):
    (entry,) = _logged(crawl, "/extra")
    (resp,) = [r for q, r in _pairs(crawl["records"]) if q.block == entry.received]
    assert entry.sent.endswith(b"helloTRAILING GARBAGE")
    assert resp.block == entry.sent.removesuffix(b"TRAILING GARBAGE")
    assert "WARC-Truncated" not in resp.headers


def test_request_line_keeps_query_and_host(crawl):
    requests = [r.block for r in crawl["records"] if r.type == "request"]
    plain = [b for b in requests if b.startswith(b"GET /plain?id=42&x=1 HTTP/1.1\r\n")]
    assert plain and all(b"\r\nHost: 127.0.0.1:" in b for b in plain)


def test_wire_details_survive(crawl):
    blocks = {r.headers["WARC-Target-URI"].split("/", 3)[3]: r.block
              for r in crawl["records"] if r.type == "response"}
    assert blocks["reason"].startswith(b"HTTP/1.1 200 Fine Thanks\r\n")
    assert b"Set-Cookie: a=1; Path=/\r\nSet-Cookie: b=2; Path=/\r\n" in blocks["cookies"]
    assert b"X-Weird-CASE: one\r\nx-weird-case: two\r\nX-Tight:no-space\r\n" in (
        blocks["weird-headers"])
    assert b"\r\n\r\n64\r\n" in blocks["chunked"]  # chunk framing as sent
    gz_body = blocks["gzip"].split(b"\r\n\r\n", 1)[1]
    assert gzip.decompress(gz_body) == HTML  # still content-encoded
    assert blocks["http10"].startswith(b"HTTP/1.0 200 OK\r\n")


def test_truncation_markers(crawl):
    by_path = {r.headers["WARC-Target-URI"].split("/", 3)[3]: r
               for r in crawl["records"] if r.type == "response"}
    assert by_path["dropped"].headers["WARC-Truncated"] == "disconnect"
    assert "WARC-Truncated" not in by_path["http10"].headers
    assert "WARC-Truncated" not in by_path["chunked"].headers
    assert all(r.headers.get("WARC-IP-Address") == "127.0.0.1"
               for r in crawl["records"] if r.type in ("request", "response"))


def test_spider_gets_decoded_response_and_warc_location(crawl):
    seen = {s["url"].split("/", 3)[3]: s for s in crawl["seen"]}
    html_sha1 = hashlib.sha1(HTML).hexdigest()
    for path in ("gzip", "gzip-chunked", "chunked", "plain?id=42&x=1"):
        assert seen[path]["body_sha1"] == html_sha1, path
    assert seen["cookies"]["headers"]["Set-Cookie"] == ["a=1; Path=/", "b=2; Path=/"]
    records = {r.id: r for r in crawl["records"]}
    for item in crawl["seen"]:
        location = item["warc_record"]
        assert location, item
        rec = records[location["record_id"]]
        assert rec.offset == location["offset"]
        assert rec.type == location["record_type"]
    assert seen["dropped"]["error"] == "ResponseDataLossError"


def test_files_pass_warcio_check_and_structure(crawl):
    assert crawl["files"]
    for path in crawl["files"]:
        warcio_check(path)
        check_structure(read_warc(path))
    index = crawl["archive"] / "indexes" / (crawl["files"][0].name + ".cdxj")
    assert "/chunked" in index.read_text()
    assert not list((crawl["archive"] / "warc").glob("*.open"))


def test_warcinfo_describes_the_crawl(crawl):
    info = crawl["records"][0].block.decode()
    assert "software: newsarchiver/" in info
    assert "format: WARC File Format 1.1" in info
    assert "conformsTo: " in info and "hostname: " in info
    assert "seed: http://127.0.0.1:" in info
    assert "scrapy-DOWNLOAD_DELAY: 0" in info
