"""ProgressExtension: a live progress line per crawl that never floods a log.

On a terminal it draws one rich status table (refreshed ``PROGRESS_INTERVAL`` seconds apart,
default 1); otherwise it prints one plain line per crawl every ``PROGRESS_LOG_INTERVAL``
seconds (default 10) to stderr. ``PROGRESS_ENABLED = False`` switches it off. Several crawls
of one process (one per site) share one display (:attr:`ProgressBoard.active`).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.spiders.failures import error_counts

__all__ = ["ProgressBoard", "ProgressExtension", "Snapshot", "error_counts", "human_bytes",
           "snapshot"]


@dataclass
class Snapshot:
    """The figures shown for one crawl."""

    pages: int = 0
    articles: int = 0
    lists: int = 0
    archived_bytes: int = 0
    errors: int = 0
    rate: float = 0.0
    done: bool = False


def snapshot(stats: dict[str, Any], elapsed: float, done: bool = False) -> Snapshot:
    """Read the display figures from a crawl's stats."""
    pages = int(stats.get("response_received_count", 0))
    # Only what reached a WARC counts as archived (nothing, when WARC writing failed).
    archived = int(stats.get("warc/response_bytes", 0))
    errors = sum(error_counts(stats).values())
    return Snapshot(
        pages=pages,
        articles=int(stats.get("pages/article", 0)),
        lists=sum(int(v) for k, v in stats.items() if k.startswith("pages/list/")),
        archived_bytes=archived,
        errors=errors,
        rate=pages / elapsed if elapsed > 0 else 0.0,
        done=done,
    )


def _worth_showing(stats: dict[str, Any]) -> bool:
    """False for a crawl that archived nothing because no seed was usable."""
    return bool(stats.get("seeds/accepted") or stats.get("warc/records/response")
                or stats.get("warc/records/revisit") or not stats.get("seeds/failed", 0)
                and not stats.get("seeds/unknown", 0) and not stats.get("seeds/rejected", 0))


def human_bytes(size: float) -> str:
    """``1.5 MB`` style sizes."""
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} TB"


def plain_line(name: str, snap: Snapshot) -> str:
    """One progress line of plain text."""
    state = "done" if snap.done else "crawling"
    return (
        f"[{name}] {state}: {snap.pages} pages, {snap.articles} articles, {snap.lists} other "
        f"pages, {human_bytes(snap.archived_bytes)} archived, {snap.errors} errors, "
        f"{snap.rate:.1f} pages/s"
    )


class ProgressBoard:
    """The display shared by the crawls of one process: a rich table or plain lines.

    The runner sets :attr:`active` for the duration of a run (a settings value would be
    deep-copied per crawler); without it each crawl gets its own board.
    """

    active: ProgressBoard | None = None

    def __init__(self, live: bool | None = None, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.live_mode = self.stream.isatty() if live is None else live
        self.rows: dict[str, Snapshot] = {}
        self._live: Any = None

    def update(self, name: str, snap: Snapshot) -> None:
        """Record a crawl's figures and redraw (live mode) or print its line (plain mode)."""
        self.rows[name] = snap
        if self.live_mode:
            self._draw()
        else:
            self.stream.write(plain_line(name, snap) + "\n")
            self.stream.flush()

    def _draw(self) -> None:
        from rich.console import Console
        from rich.live import Live
        from rich.table import Table

        table = Table(box=None, pad_edge=False)
        for column in ("site", "pages", "articles", "other", "archived", "errors", "pages/s", ""):
            table.add_column(column, justify="left" if column == "site" else "right")
        for name, s in self.rows.items():
            table.add_row(name, str(s.pages), str(s.articles), str(s.lists),
                          human_bytes(s.archived_bytes), str(s.errors), f"{s.rate:.1f}",
                          "done" if s.done else "")
        if self._live is None:
            self._live = Live(table, console=Console(file=self.stream), auto_refresh=False)
            self._live.start()
        self._live.update(table, refresh=True)

    def close(self) -> None:
        """Leave the last table on screen and release the terminal."""
        if self._live is not None and all(s.done for s in self.rows.values()):
            self._live.stop()
            self._live = None


class ProgressExtension:
    """Shows a crawl's progress on the shared :class:`ProgressBoard` at a bounded rate."""

    def __init__(self, crawler: Any, board: ProgressBoard, interval: float) -> None:
        self.crawler = crawler
        self.board = board
        self.interval = interval
        self.started = time.monotonic()
        self.name = ""
        self._loop: task.LoopingCall | None = None
        self._shown = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProgressExtension:
        """Read ``PROGRESS_*``; NotConfigured when ``PROGRESS_ENABLED`` is false."""
        settings = crawler.settings
        if not settings.getbool("PROGRESS_ENABLED", True):
            raise NotConfigured("PROGRESS_ENABLED is off")
        board = ProgressBoard.active or ProgressBoard()
        interval = settings.getfloat(
            "PROGRESS_INTERVAL" if board.live_mode else "PROGRESS_LOG_INTERVAL",
            1.0 if board.live_mode else 10.0,
        )
        ext = cls(crawler, board, max(0.2, interval))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        """Start the periodic refresh."""
        self.name = spider.settings.get("CRAWL_SITE_NAME") or ",".join(
            sorted(getattr(getattr(spider, "config", None), "allowed_domains", ()) or ())
        ) or spider.name
        self.started = time.monotonic()
        self._loop = task.LoopingCall(self._tick)
        self._loop.start(self.interval, now=False)

    def _tick(self, done: bool = False) -> None:
        stats = self.crawler.stats.get_stats()
        if done and not self._shown and not _worth_showing(stats):
            return  # every seed was rejected: the one-line error says it all
        self._shown = True
        self.board.update(self.name, snapshot(stats, time.monotonic() - self.started, done))

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Stop refreshing; show the final figures once."""
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self._tick(done=True)
        self.board.close()
