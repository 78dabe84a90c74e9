"""The C heap's free pages go back to the system during a crawl (MemoryTrimExtension)."""

from __future__ import annotations

import platform

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.extensions.memory import MemoryTrimExtension, glibc_malloc_trim
from crawler.settings import EXTENSIONS

GLIBC = platform.libc_ver()[0] == "glibc"


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
    assert "crawler.extensions.memory.MemoryTrimExtension" in EXTENSIONS
    assert (glibc_malloc_trim() is not None) == GLIBC
