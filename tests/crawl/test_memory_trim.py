"""The C heap's free pages go back to the system during a crawl (MemoryTrimExtension)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.settings import EXTENSIONS
from crawler.shell.extensions.memory import MemoryTrimExtension, glibc_malloc_trim, peak_rss_kb

GLIBC = platform.libc_ver()[0] == "glibc"
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not GLIBC, reason="malloc_trim is glibc's")
def test_trim_returns_freed_heap_pages_to_the_system() -> None:
    def resident_kb() -> int:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))

    crawler = get_crawler(settings_dict={"MEMORY_TRIM_INTERVAL": 5})
    ext = MemoryTrimExtension.from_crawler(crawler)
    # Many small blocks (below malloc's mmap threshold), most freed, a few kept between them.
    blocks = [bytearray(2000) for _ in range(40_000)]
    kept = blocks[::50]
    del blocks
    before = resident_kb()
    ext.trim()
    assert resident_kb() < before - 20_000
    assert crawler.stats.get_value("memory/trims") == 1
    assert kept


def test_off_with_zero_interval_and_on_by_default() -> None:
    with pytest.raises(NotConfigured):
        MemoryTrimExtension.from_crawler(get_crawler(settings_dict={"MEMORY_TRIM_INTERVAL": 0}))
    assert "crawler.shell.extensions.memory.MemoryTrimExtension" in EXTENSIONS
    assert (glibc_malloc_trim() is not None) == GLIBC


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads /proc")
def test_peak_rss_is_the_process_own_not_its_parents() -> None:
    # A parent of 150 MB starts a small child: ru_maxrss would give the child the parent's
    # size (Linux carries it over fork and exec); the child's own peak is far smaller.
    child = (
        "import resource; from crawler.shell.extensions.memory import peak_rss_kb; "
        "print(peak_rss_kb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    parent = (
        "import subprocess, sys\n"
        "big = bytearray(150 * 1024 * 1024)\n"
        "for i in range(0, len(big), 4096): big[i] = 1\n"
        f"print(subprocess.run([sys.executable, '-c', {child!r}], capture_output=True, "
        "text=True, check=True).stdout)\n"
    )
    out = subprocess.run([sys.executable, "-c", parent], capture_output=True, text=True,
                         check=True, timeout=60, cwd=ROOT).stdout
    own, maxrss = (int(n) for n in out.split())
    assert own < 100_000, (own, maxrss)
    assert peak_rss_kb() > 0 and peak_rss_kb(os.getpid()) > 0
    assert peak_rss_kb(2**22 + 7) == 0  # no such process
