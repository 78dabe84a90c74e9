"""A reader that stops early (`crawler search ... | head`) is not an error: no traceback, exit 0."""

from __future__ import annotations

import subprocess
import sys

import pytest

from crawler.store import open_store
from tests.store.warcs import LOREM, page_record


@pytest.mark.parametrize("command", [
    ["search", "council"],
    ["history", "http://news.test/2026/11/story-0"],
    ["diff", "http://news.test/2026/11/story-0"],
])
def test_output_to_a_closed_pipe(tmp_path, command):
    with open_store(tmp_path, create=True) as store:
        for n in range(30):
            url = f"http://news.test/2026/11/story-{n}"
            store.add_page(page_record(url, LOREM * 3, "2026-11-25T10:00:00Z"))
            store.add_page(page_record(url, LOREM * 4 + "Update.", "2026-11-25T11:00:00Z"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", *command, "--archive-dir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # the reader is gone before the first line is written
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, stderr
    assert "Traceback" not in stderr and "Exception" not in stderr, stderr
