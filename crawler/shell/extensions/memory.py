"""MemoryTrimExtension: hand the C heap's free pages back to the system during a long crawl.

Every page passes through buffers of hundreds of kilobytes (the wire bytes, the gunzipped
body, the WARC record). glibc's malloc keeps the memory they freed for reuse, and over a
long crawl its free space, scattered among live blocks, makes the process's resident size
creep up although nothing is kept. ``malloc_trim(0)`` returns whole free pages to the system;
calling it every ``MEMORY_TRIM_INTERVAL`` seconds (default 30; 0 switches this off) costs a
few milliseconds. Off where the C library is not glibc. Stats: ``memory/trims``.

``peak_rss_kb`` reads a process's peak resident size as the kernel counts it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import resource
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task


def peak_rss_kb(pid: int | None = None) -> int:
    """The peak RSS (``VmHWM``) of ``pid`` (this process by default) in kB; 0 if it is gone.

    Not ``ru_maxrss`` where there is /proc: on Linux it carries the parent's RSS at the fork
    into a process started by fork and exec, so a crawl started by a large process (a
    benchmark serving a site from memory) would report that process's size.
    """
    try:
        status = Path(f"/proc/{pid or 'self'}/status").read_text(encoding="ascii")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss if pid is None else 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0  # a zombie: its memory is gone


def glibc_malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none."""
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


class MemoryTrimExtension:
    """Calls ``malloc_trim(0)`` every ``MEMORY_TRIM_INTERVAL`` seconds while a crawl runs."""

    def __init__(self, crawler: Any, interval: float, trim: Callable[[int], int]) -> None:
        self.crawler = crawler
        self.interval = interval
        self._trim = trim
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> MemoryTrimExtension:
        """Build from ``MEMORY_TRIM_INTERVAL``; NotConfigured when 0 or without glibc."""
        interval = crawler.settings.getfloat("MEMORY_TRIM_INTERVAL", 30.0)
        if interval <= 0:
            raise NotConfigured("MEMORY_TRIM_INTERVAL is 0")
        trim = glibc_malloc_trim()
        if trim is None:
            raise NotConfigured("no malloc_trim in this C library")
        ext = cls(crawler, interval, trim)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        """Start trimming."""
        self._loop = task.LoopingCall(self.trim)
        self._loop.start(self.interval, now=False)

    def trim(self) -> None:
        """Return the heap's free pages to the system once."""
        self._trim(0)
        self.crawler.stats.inc_value("memory/trims")

    def spider_closed(self, spider: Any) -> None:
        """Stop trimming."""
        if self._loop is not None and self._loop.running:
            self._loop.stop()
