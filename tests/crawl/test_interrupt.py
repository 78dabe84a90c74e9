"""Ctrl-C in the middle of a crawl: exit 130, the WARC reads back, and the next crawl works."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import REPO_ROOT
from tests.crawl.helpers import crawl, stored_articles


@pytest.mark.parametrize(("presses", "finish"), [(1, "[shutdown]"), (2, "[forced stop]")])
def test_ctrl_c_mid_crawl(demo, tmp_path, presses, finish):
    archive = tmp_path / "a"
    proc = subprocess.Popen(  # polite default settings: slow enough to interrupt mid-way
        [sys.executable, "-m", "crawler.cli", "crawl", demo.url, "--archive-dir", str(archive)],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    while len(demo.requests) < 5 and time.monotonic() < deadline:
        time.sleep(0.1)
    for _ in range(presses):  # a second Ctrl-C forces the stop
        proc.send_signal(signal.SIGINT)
        time.sleep(0.3)
    out, err = proc.communicate(timeout=90)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and err.strip().splitlines()[-1] == "crawler crawl: interrupted"
    assert finish in out
    warcs = sorted((archive / "warc").glob("*.warc.gz*"))  # a forced stop leaves it .open
    assert warcs
    for path in warcs:
        with open(path, "rb") as stream:
            assert sum(1 for _ in ArchiveIterator(stream)) > 0
    crawl(archive, demo.url)  # closes a file left .open
    assert len(stored_articles(archive)) == 120
    assert not list((archive / "warc").glob("*.open"))
