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

#: Ctrl-C once: AutoThrottle on, as by default, with shorter delays than the defaults (0.5 s,
#: starting at 1 s): the 189-page crawl still takes 40 s or more, so it is stopped mid-way, and
#: the requests queued when Ctrl-C comes drain in a few seconds instead of fifteen. Twice: the
#: default settings (with these, a forced stop may wait 60 s on a locked fetch log).
SETTINGS = {1: ["-s", "DOWNLOAD_DELAY=0.2", "-s", "AUTOTHROTTLE_START_DELAY=0.2"], 2: []}

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("presses", "finish"), [(1, "[shutdown]"), (2, "[forced stop]")])
def test_ctrl_c_mid_crawl(demo, tmp_path, presses, finish):
    archive = tmp_path / "a"
    proc = subprocess.Popen(  # polite settings (AutoThrottle on): slow enough to interrupt
        [sys.executable, "-m", "crawler.cli", "crawl", demo.url, "--archive-dir", str(archive),
         *SETTINGS[presses]],
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
    assert len(demo.requests) < 150  # it stopped mid-way, well before the site's 189 pages
    warcs = sorted((archive / "warc").glob("*.warc.gz*"))  # a forced stop leaves it .open
    assert warcs
    for path in warcs:
        with open(path, "rb") as stream:
            assert sum(1 for _ in ArchiveIterator(stream)) > 0
    crawl(archive, demo.url)  # closes a file left .open
    assert len(stored_articles(archive)) == 120
    assert not list((archive / "warc").glob("*.open"))
