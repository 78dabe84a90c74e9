"""Crawls that rotate files, revisit across crawls, and get killed midway."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.warc.warcs import (
    REPO,
    check_structure,
    read_warc,
    run_crawl,
    warc_files,
    warcio_check,
)
from tests.warc.wireserver import WireServer

pytestmark = pytest.mark.slow

NAME = re.compile(r"^crawl-\d{17}-(\d{5})-[A-Za-z0-9._]+-\d+\.warc\.gz$")


def _records(archive: Path):
    return [rec for path in warc_files(archive) for rec in read_warc(path)]


def test_rotation_by_size(tmp_path):
    with WireServer() as server:
        run_crawl(tmp_path, [server.url(f"/page/{i}") for i in range(12)],
                  "WARC_MAX_SIZE=2500", "CONCURRENT_REQUESTS=1")
    files = warc_files(tmp_path)
    assert len(files) >= 3
    serials = [int(NAME.match(f.name).group(1)) for f in files]
    assert serials == list(range(len(files)))
    for path in files:
        warcio_check(path)
        records = read_warc(path)
        check_structure(records)
        assert records[0].headers["WARC-Filename"] == path.name
        assert (tmp_path / "indexes" / (path.name + ".cdxj")).stat().st_size > 0
    uris = [r.headers["WARC-Target-URI"] for r in _records(tmp_path) if r.type == "response"]
    assert sorted(uris) == sorted({*uris})  # each page once, none lost across rotations
    assert len(uris) == 13  # 12 pages + robots.txt


def test_second_crawl_writes_revisits_referring_to_the_first(tmp_path):
    paths = ["/plain?id=42&x=1", "/cookies", "/etag"]
    with WireServer() as server:
        urls = [server.url(p) for p in paths]
        run_crawl(tmp_path, urls)
        first = {r.headers["WARC-Target-URI"]: r for r in _records(tmp_path)
                 if r.type == "response"}
        assert len(first) == 4 and not [r for r in _records(tmp_path) if r.type == "revisit"]
        seen = run_crawl(tmp_path, urls, 'DEFAULT_REQUEST_HEADERS={"If-None-Match": "\\"v1\\""}')
    revisits = {r.headers["WARC-Target-URI"]: r for r in _records(tmp_path)
                if r.type == "revisit"}
    assert set(revisits) == set(first)  # robots.txt, two pages, and the 304
    for uri, rev in revisits.items():
        original = first[uri]
        assert rev.headers["WARC-Refers-To"] == original.id
        assert rev.headers["WARC-Refers-To-Target-URI"] == uri
        assert rev.headers["WARC-Refers-To-Date"] == original.headers["WARC-Date"]
        assert rev.headers["WARC-Payload-Digest"] == original.headers["WARC-Payload-Digest"]
        assert original.block.startswith(rev.block.split(b"\r\n", 1)[0]) or uri.endswith("/etag")
    etag = revisits[[u for u in revisits if u.endswith("/etag")][0]]
    assert etag.headers["WARC-Profile"].endswith("/server-not-modified")
    assert etag.block.startswith(b"HTTP/1.1 304 Not Modified\r\n")
    plain = revisits[[u for u in revisits if "plain" in u][0]]
    assert plain.headers["WARC-Profile"].endswith("/identical-payload-digest")
    assert all(s["warc_record"]["record_type"] == "revisit" for s in seen)
    for path in warc_files(tmp_path):
        warcio_check(path)
        check_structure(read_warc(path))


def _start_slow_crawl(archive: Path, server: WireServer) -> subprocess.Popen:
    urls = [server.url(f"/page/{i}") for i in range(400)]
    cmd = [sys.executable, "-m", "tests.warc.crawl_helper", str(archive),
           str(archive / "result.json"), *urls, "-s", "CONCURRENT_REQUESTS=2"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _wait_for_open_file(archive: Path, min_size: int, deadline: float) -> Path:
    while time.monotonic() < deadline:
        folder = archive / "warc"
        found = list(folder.glob("*.warc.gz.open")) if folder.exists() else []
        if found and found[0].stat().st_size >= min_size:
            return found[0]
        time.sleep(0.05)
    raise AssertionError("the crawl did not write enough before the deadline")


def test_sigkill_midway_keeps_every_earlier_record(tmp_path):
    with WireServer(page_pause=0.01) as server:
        proc = _start_slow_crawl(tmp_path, server)
        try:
            path = _wait_for_open_file(tmp_path, 20_000, time.monotonic() + 60)
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.kill()
            proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    good, torn = 0, 0
    with open(path, "rb") as fh:
        try:
            for record in ArchiveIterator(fh, check_digests=True):
                stream = record.content_stream()
                while stream.read(65536):
                    pass
                assert record.digest_checker.passed is not False, record.digest_checker.problems
                good += 1
        except Exception:  # noqa: BLE001 - only the record being written may be torn
            torn += 1
    assert good >= 10 and torn <= 1
    # The next crawl into the archive closes the dead crawl's file: torn tail cut, renamed,
    # indexed, and then it passes warcio check.
    with WireServer() as server:
        run_crawl(tmp_path, [server.url("/page/0")])
    final = path.with_name(path.name.removesuffix(".open"))
    assert final.exists() and not path.exists()
    warcio_check(final)
    assert len(read_warc(final)) == good
    assert (tmp_path / "indexes" / (final.name + ".cdxj")).exists()
