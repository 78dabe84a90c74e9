"""read_warc_record follows a revisit record to the original response that holds the payload."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from crawler.archive import WarcWriter, WireExchange
from crawler.exceptions import ArchiveError
from crawler.store import read_warc_record

BODY = (b"<html><body><h1>Flood defences hold</h1><p>The river stayed in its banks.</p>"
        b"</body></html>")


def _exchange(head: bytes) -> WireExchange:
    ex = WireExchange(url="http://news.test/2026/flood", peer_ip="192.0.2.7")
    ex.add_sent(b"GET /2026/flood HTTP/1.1\r\nHost: news.test\r\n\r\n")
    ex.add_received(head + b"Content-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY)
    ex.finish_response()
    ex.close()
    return ex


def _where(location: dict) -> SimpleNamespace:
    return SimpleNamespace(url="http://news.test/2026/flood", warc_filename=location["filename"],
                           warc_offset=location["offset"])


def test_revisit_is_followed_to_its_original(tmp_path):
    writer = WarcWriter(tmp_path)
    first = writer.write_exchange(_exchange(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"))
    again = writer.write_exchange(_exchange(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                            b"X-Served-By: edge-2\r\n"))
    writer.close()  # finishes the file and builds its CDXJ index
    assert again["record_type"] == "revisit"
    record = read_warc_record(_where(again), tmp_path)
    assert record.record_type == "revisit" and record.record_id == again["record_id"]
    assert record.payload == BODY  # from the original response
    assert record.refers_to == first["record_id"]
    assert record.http_status == 200
    assert ("Content-Type", "text/html") in record.http_headers


def test_revisit_without_its_original_is_a_clear_error(tmp_path):
    writer = WarcWriter(tmp_path)
    writer.write_exchange(_exchange(b"HTTP/1.1 200 OK\r\n"))
    again = writer.write_exchange(_exchange(b"HTTP/1.1 200 OK\r\n"))
    writer.close()
    for index in (tmp_path / "indexes").iterdir():
        index.unlink()
    with pytest.raises(ArchiveError, match="original of revisit"):
        read_warc_record(_where(again), tmp_path)
