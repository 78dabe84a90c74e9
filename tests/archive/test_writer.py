"""The pure WARC writer: raw blocks, digests warcio agrees with, dedup, rotation, conversion."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.archive import ByteSpool, DedupIndex, WarcWriter, WireExchange, WriterOptions
from crawler.archive.dedup import Capture
from crawler.archive.naming import warc_filename
from crawler.archive.reader import digest_problems, iter_record_infos, iter_records, read_block
from crawler.exceptions import ArchiveError

REQUEST = b"GET /a?b=1 HTTP/1.1\r\nHost: example.org\r\nAccept: */*\r\n\r\n"


def exchange(response: bytes, url: str = "http://example.org/a?b=1", **kw) -> WireExchange:
    ex = WireExchange(url=url, peer_ip="192.0.2.7", **kw)
    ex.add_sent(REQUEST)
    ex.add_received(response)
    ex.close()
    return ex


def writer(tmp_path: Path, **options) -> WarcWriter:
    return WarcWriter(tmp_path, WriterOptions(**options))


def warcio_check(path: Path) -> str:
    warcio = Path(sys.executable).with_name("warcio")
    proc = subprocess.run([str(warcio), "check", "-v", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout
    return proc.stdout


ODD_RESPONSES = [
    b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc",
    b"HTTP/1.1 200 OK\nbare: lf\n\nbody with bare LF header lines",
    b"HTTP/1.1 200 OK\r\nX-Folded: one\r\n  two\r\n\r\nfolded",
    b"HTTP/1.1 200\r\nNo-Reason: yes\r\n\r\n\x00\xff\xfe binary",
    b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nX-Cut: mid-hea",  # cut inside the headers
    b"HTTP/1.1 204 No Content\r\n\r\n",
]


@pytest.mark.parametrize("response", ODD_RESPONSES)
def test_blocks_are_verbatim_and_warcio_check_agrees(tmp_path, response):
    w = writer(tmp_path, dedup=False)
    location = w.write_exchange(exchange(response))
    (path,) = w.close()
    assert read_block(path, location["offset"]) == response
    assert "digest pass" in warcio_check(path)
    assert digest_problems(path) == []
    infos = list(iter_record_infos(path))
    assert [i.rec_type for i in infos] == ["warcinfo", "response", "request"]
    assert infos[2].headers["WARC-Concurrent-To"] == infos[1].record_id
    assert infos[1].headers["WARC-IP-Address"] == "192.0.2.7"


def test_location_matches_the_record(tmp_path):
    w = writer(tmp_path)
    location = w.write_exchange(exchange(b"HTTP/1.1 200 OK\r\n\r\nhello", truncated="length"))
    w.close()
    path = tmp_path / "warc" / location["filename"]
    offsets = {off: rec for off, rec in iter_records(path)}
    rec = offsets[location["offset"]]
    assert rec.rec_headers.get_header("WARC-Record-ID") == location["record_id"]
    assert rec.rec_headers.get_header("WARC-Payload-Digest") == location["payload_digest"]
    assert rec.rec_headers.get_header("WARC-Truncated") == "length"
    assert location["record_type"] == "response"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", location["date"])


def test_dedup_persists_across_writers_and_skips_truncated(tmp_path):
    body = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
    first = writer(tmp_path).write_exchange(exchange(body))
    w2 = writer(tmp_path)  # a later crawl into the same archive
    again = w2.write_exchange(exchange(body.replace(b"OK", b"Fine")))
    cut = w2.write_exchange(exchange(body, truncated="disconnect"))
    other = w2.write_exchange(exchange(body, url="http://example.org/other"))
    w2.close()
    assert again["record_type"] == "revisit" and again["payload_digest"] == first["payload_digest"]
    assert cut["record_type"] == "response" and other["record_type"] == "response"
    block = read_block(tmp_path / "warc" / again["filename"], again["offset"])
    assert block == b"HTTP/1.1 200 Fine\r\nContent-Length: 5\r\n\r\n"


def test_304_becomes_server_not_modified_revisit_of_last_capture(tmp_path):
    w = writer(tmp_path)
    assert w.write_exchange(exchange(b"HTTP/1.1 304 Not Modified\r\n\r\n"))["record_type"] == (
        "response")  # nothing to refer to yet
    full = w.write_exchange(exchange(b"HTTP/1.1 200 OK\r\nETag: x\r\n\r\npage"))
    rev = w.write_exchange(exchange(b"HTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n"))
    (path,) = w.close()
    headers = {i.record_id: i.headers for i in iter_record_infos(path)}[rev["record_id"]]
    assert headers["WARC-Profile"].endswith("/server-not-modified")
    assert headers["WARC-Refers-To"] == full["record_id"]
    assert headers["WARC-Refers-To-Date"] == full["date"]
    assert rev["payload_digest"] == full["payload_digest"]


def test_rotation_renames_and_indexes_every_file(tmp_path):
    w = writer(tmp_path, max_size=600, prefix="news")
    for i in range(5):
        w.write_exchange(exchange(b"HTTP/1.1 200 OK\r\n\r\n" + bytes([65 + i]) * 300))
    assert len(list((tmp_path / "warc").glob("*.open"))) == 1
    files = w.close()
    assert len(files) == 5 and not list((tmp_path / "warc").glob("*.open"))
    for path in files:
        assert path.name.startswith("news-")
        first = next(iter_record_infos(path))
        assert first.rec_type == "warcinfo" and first.headers["WARC-Filename"] == path.name
        assert (tmp_path / "indexes" / (path.name + ".cdxj")).read_text().count("\n") == 1


def test_conversion_record_refers_to_the_page(tmp_path):
    w = writer(tmp_path)
    page = w.write_exchange(exchange(b"HTTP/1.1 200 OK\r\n\r\n<p>Caf\xc3\xa9</p>"))
    conv = w.write_conversion("http://example.org/a?b=1", page["record_id"], "Café",
                              date="2026-01-02T03:04:05+00:00")
    (path,) = w.close()
    assert conv["record_type"] == "conversion" and conv["date"].startswith("2026-01-02T03:04:05")
    assert read_block(path, conv["offset"]) == "Café".encode()
    headers = {i.record_id: i.headers for i in iter_record_infos(path)}[conv["record_id"]]
    assert headers["WARC-Refers-To"] == page["record_id"]
    assert headers["Content-Type"].startswith("text/plain")
    assert digest_problems(path) == []


def test_exchange_without_response_writes_nothing(tmp_path):
    w = writer(tmp_path)
    ex = WireExchange(url="http://example.org/")
    ex.add_sent(REQUEST)
    assert w.write_exchange(ex) is None
    assert w.stats["exchanges_without_response"] == 1
    assert w.close() == []


def test_reconstructed_records_are_marked(tmp_path):
    w = writer(tmp_path)
    w.write_exchange(exchange(b"HTTP/1.1 200 OK\r\n\r\nx", reconstructed=True))
    (path,) = w.close()
    marked = [i for i in iter_record_infos(path) if i.headers.get("WARC-Reconstructed")]
    assert [i.rec_type for i in marked] == ["response", "request"]


def test_unwritable_archive_dir_fails_clearly(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ArchiveError, match="ARCHIVE_DIR"):
        WarcWriter(blocker / "archive")


def test_dedup_index_is_bounded(tmp_path):
    index = DedupIndex(tmp_path / "d.sqlite", max_entries=3)
    for i in range(6):
        index.add(Capture(f"http://x/{i}", "sha1:A", f"<urn:{i}>", "2026", "f"))
    index.commit()
    assert index.lookup("http://x/0", "sha1:A") is None
    assert index.lookup("http://x/5", "sha1:A").record_id == "<urn:5>"
    index.close()


def test_file_name_pattern():
    name = warc_filename("crawl", 7, hostname="host-a", pid=42)
    assert re.fullmatch(r"crawl-\d{17}-00007-host-a-42\.warc\.gz", name)


def test_uncompressed_warc(tmp_path):
    w = writer(tmp_path, gzip=False)
    w.write_exchange(exchange(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"))
    (path,) = w.close()
    assert path.name.endswith(".warc") and path.read_bytes().startswith(b"WARC/1.1\r\n")
    assert "digest pass" in warcio_check(path)
    assert (tmp_path / "indexes" / (path.name + ".cdxj")).read_text().count("\n") == 1


def test_two_writers_in_one_process_never_share_a_file(tmp_path):
    writers = [writer(tmp_path) for _ in range(3)]
    for i, w in enumerate(writers):
        w.write_exchange(exchange(b"HTTP/1.1 200 OK\r\n\r\n%d" % i))
    names = [w.files.current_name for w in writers]
    assert len(set(names)) == 3
    for w in writers:
        w.close()
    assert len(list((tmp_path / "warc").glob("*.warc.gz"))) == 3


def test_refresh_indexes_builds_missing_and_stale_only(tmp_path):
    from crawler.archive import refresh_indexes

    assert refresh_indexes(tmp_path / "nowhere", tmp_path / "idx") == []
    w = writer(tmp_path, cdxj=False)
    w.write_exchange(exchange(b"HTTP/1.1 200 OK\r\n\r\nx"))
    (path,) = w.close()
    (built,) = refresh_indexes(path.parent, tmp_path / "idx")
    assert built.read_text().count("\n") == 1
    assert refresh_indexes(path.parent, tmp_path / "idx") == []


def test_spool_appends_after_reads_and_spills_to_disk():
    from crawler.archive import ByteSpool

    spool = ByteSpool(memory_limit=10)
    spool.write(b"hello ")
    assert spool.read_prefix(2) == b"he"
    spool.write(b"wire world")
    spool.truncate_tail(6)
    assert spool.getvalue() == b"hello wire" and len(spool) == 10
    spool.write(b"!" * 20)
    assert b"".join(spool.iter_chunks(5, size=4)) == b" wire" + b"!" * 20
    spool.close()
    spool.write(b"ignored")


class _FailsWhileWriting(ByteSpool):
    """A block that can be digested once, then fails halfway while being written (disk full)."""

    passes = 0

    def iter_chunks(self, start=0, size=65536):
        self.passes += 1
        if self.passes == 1 or start:
            yield from super().iter_chunks(start, size)
            return
        yield self.read_prefix(10)
        raise OSError(28, "No space left on device")


def test_failed_record_is_cut_back_and_later_records_stay_readable(tmp_path):
    w = writer(tmp_path)
    w.write_exchange(exchange(b"HTTP/1.1 200 OK\r\n\r\nfirst"))
    broken = WireExchange(url="http://example.org/broken", response_bytes=_FailsWhileWriting())
    broken.add_received(b"HTTP/1.1 200 OK\r\n\r\n" + b"z" * 100_000)
    with pytest.raises(ArchiveError, match="No space left"):
        w.write_exchange(broken)
    w.write_exchange(exchange(b"HTTP/1.1 200 OK\r\n\r\nthird"))
    (path,) = w.close()
    assert digest_problems(path) == []
    assert [i.rec_type for i in iter_record_infos(path)] == [
        "warcinfo", "response", "request", "response", "request"]
