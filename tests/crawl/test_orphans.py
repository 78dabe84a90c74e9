"""SIGKILL of the crawl process leaves no worker, fork server or resource tracker behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO_ROOT
from tests.procs import descendants, wait_gone

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs Linux /proc")]


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "crawler.cli", *args], cwd=REPO_ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill_when_helpers_run(proc: subprocess.Popen, helpers: int) -> set[int]:
    """SIGKILL ``proc`` once at least ``helpers`` processes run below it; return them."""
    deadline = time.monotonic() + 60
    below: set[int] = set()
    while len(below) < helpers and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
        below = descendants(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    return below


def test_sigkill_of_a_crawl_leaves_no_process(demo, tmp_path):
    # Polite default delays: the crawl is still running when it is killed.
    proc = _start("crawl", demo.url, "--archive-dir", str(tmp_path), "-s", "EXTRACT_WORKERS=2")
    below = _kill_when_helpers_run(proc, 3)  # fork server and 2 workers at least
    assert len(below) >= 3, "the crawl never started its workers"
    assert wait_gone(below, timeout=10) == set()


def test_sigkill_of_extract_leaves_no_worker(demo_crawl, tmp_path):
    proc = _start("extract", str(demo_crawl.archive / "warc"), "--archive-dir", str(tmp_path / "b"),
                  "--jobs", "2")
    below = _kill_when_helpers_run(proc, 2)
    if proc.returncode == 0:
        pytest.skip("extract finished before it could be killed")
    assert wait_gone(below, timeout=10) == set()
