"""Ctrl-C in the middle of a crawl: exit 130, the WARC reads back, and the next crawl works."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import REPO_ROOT
from tests.crawl.helpers import crawl, stored_articles

#: AutoThrottle on, as by default, with shorter delays than the defaults (0.5 s, starting at
#: 1 s): the 189-page crawl still takes 40 s or more, so it is stopped mid-way, and the
#: requests queued when Ctrl-C comes drain in a few seconds instead of fifteen. With these, a
#: forced stop used to wait 60 s at exit for the fetch log's write, locked out by the store's
#: open batch, which the stopped reactor would never commit.
SETTINGS = ["-s", "DOWNLOAD_DELAY=0.2", "-s", "AUTOTHROTTLE_START_DELAY=0.2"]
#: A forced stop ends in seconds; this bound only catches a wait on a lock (60 s, before).
FORCED_STOP_SECONDS = 40

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("presses", "finish"), [(1, "[shutdown]"), (2, "[forced stop]")])
def test_ctrl_c_mid_crawl(demo, tmp_path, presses, finish):
    archive = tmp_path / "a"
    proc = subprocess.Popen(  # polite settings (AutoThrottle on): slow enough to interrupt
        [sys.executable, "-m", "crawler.cli", "crawl", demo.url, "--archive-dir", str(archive),
         *SETTINGS],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while len(demo.requests) < 5 and time.monotonic() < deadline:
        time.sleep(0.1)
    for _ in range(presses):  # a second Ctrl-C forces the stop
        # What Ctrl-C on a terminal does: the whole process group, analysis workers too.
        os.killpg(proc.pid, signal.SIGINT)
        time.sleep(0.3)
    try:
        out, err = proc.communicate(timeout=FORCED_STOP_SECONDS if presses == 2 else 90)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and err.strip().splitlines()[-1] == "crawler crawl: interrupted"
    assert finish in out
    assert len(demo.requests) < 150  # it stopped mid-way, well before the site's 189 pages
    warcs = sorted((archive / "warc").glob("*.warc.gz*"))  # a forced stop leaves it .open
    assert warcs
    for path in warcs:
        with open(path, "rb") as stream:
            assert sum(1 for _ in ArchiveIterator(stream)) > 0
    if presses == 2:  # the store's open batch was committed, the fetch log's buffer written
        assert "not written" not in _log(archive), _log(archive)
    crawl(archive, demo.url)  # closes a file left .open
    assert len(stored_articles(archive)) == 120
    assert not list((archive / "warc").glob("*.open"))


def _log(archive) -> str:
    """The crawl's log (one crawl so far)."""
    return "".join(p.read_text(errors="replace") for p in (archive / "logs").glob("*.log"))
