"""Files left ``.open`` by a dead crawl are cut to whole records, renamed and indexed."""

from __future__ import annotations

import os
import subprocess
import sys

from crawler.archive import WarcWriter, WireExchange, WriterOptions
from crawler.archive.naming import safe_hostname
from crawler.archive.reader import digest_problems, iter_record_infos


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _exchange(i: int) -> WireExchange:
    ex = WireExchange(url=f"http://example.org/{i}")
    ex.add_sent(b"GET /%d HTTP/1.1\r\nHost: example.org\r\n\r\n" % i)
    ex.add_received(b"HTTP/1.1 200 OK\r\n\r\nbody %d" % i)
    return ex


def test_dead_crawls_open_file_is_finished(tmp_path):
    writer = WarcWriter(tmp_path, WriterOptions(cdxj=False))
    for i in range(3):
        writer.write_exchange(_exchange(i))
    (done,) = writer.close()
    data = done.read_bytes()
    pid = _dead_pid()
    name = f"crawl-20260101000000000-00000-{safe_hostname()}-{pid}.warc.gz.open"
    stale = tmp_path / "warc" / name
    stale.write_bytes(data + data[400:700])  # a torn record at the end
    alive = tmp_path / "warc" / name.replace(f"-{pid}.", f"-{os.getpid()}.")
    alive.write_bytes(data)
    done.unlink()

    WarcWriter(tmp_path).close()  # a new crawl starts and ends

    final = stale.with_name(name.removesuffix(".open"))
    assert final.read_bytes() == data
    assert digest_problems(final) == []
    assert len(list(iter_record_infos(final))) == 7
    assert (tmp_path / "indexes" / (final.name + ".cdxj")).exists()
    assert alive.exists()  # a live process's file is never touched
