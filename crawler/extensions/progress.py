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

from crawler.spiders.failures import error_counts, error_label

__all__ = ["ProgressBoard", "ProgressExtension", "Snapshot", "error_counts", "human_bytes",
           "requisite_line", "snapshot"]


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
    #: Page requisites fetched (stylesheets, scripts, fonts, images) and their archived bytes.
    requisites: int = 0
    requisite_bytes: int = 0


def snapshot(stats: dict[str, Any], elapsed: float, done: bool = False) -> Snapshot:
    """Read the display figures from a crawl's stats."""
    # Requisites are counted apart: a page's stylesheet or image is not a page.
    pages = int(stats.get("response_received_count", 0)) - int(
        stats.get("requisites/responses", 0))
    # Only what reached a WARC counts as archived (nothing, when WARC writing failed).
    requisite_bytes = int(stats.get("requisites/archived_bytes", 0))
    archived = int(stats.get("warc/response_bytes", 0)) - requisite_bytes
    errors = sum(error_counts(stats).values())
    return Snapshot(
        pages=pages,
        articles=int(stats.get("pages/article", 0)),
        lists=sum(int(v) for k, v in stats.items() if k.startswith("pages/list/")),
        archived_bytes=archived,
        errors=errors,
        rate=pages / elapsed if elapsed > 0 else 0.0,
        done=done,
        requisites=int(stats.get("requisites/fetched", 0)),
        requisite_bytes=requisite_bytes,
    )


def requisite_line(stats: dict[str, Any]) -> str | None:
    """The summary's requisites line (fetched, reused, blocked, failed, over a limit), or None.

    A failed requisite is shown here, never among the crawl's errors: real pages always name
    some resources that are gone.
    """
    def count(key: str) -> int:
        return int(stats.get(f"requisites/{key}", 0) or 0)

    keys = ("fetched", "reused", "not_modified", "robots_blocked", "failed", "over_limit",
            "private_host")
    if not any(count(k) for k in keys):
        return None
    failed = ", ".join(
        f"{error_label(k.split('/', 2)[2])} {v}" for k, v in sorted(stats.items())
        if k.startswith("requisites/failed/") and v)
    over = ", ".join(f"{label} {count('over_limit/' + key)}" for key, label in
                     (("size", "size"), ("crawl_bytes", "crawl bytes"))
                     if count("over_limit/" + key))
    line = (f"requisites: {count('fetched')} fetched "
            f"({human_bytes(count('archived_bytes'))} archived), "
            f"{count('reused') + count('not_modified')} reused, "
            f"{count('robots_blocked')} blocked by robots.txt, "
            f"{count('failed')} failed{f' ({failed})' if failed else ''}, "
            f"{count('over_limit')} over a limit{f' ({over})' if over else ''}")
    if count("private_host"):
        line += f", {count('private_host')} on private addresses skipped"
    return line


def _worth_showing(stats: dict[str, Any]) -> bool:
    """False for a crawl that archived nothing because no seed was usable."""
    return bool(stats.get("seeds/accepted") or stats.get("warc/records/response")
                or stats.get("warc/records/revisit") or not stats.get("seeds/failed", 0)
                and not stats.get("seeds/unknown", 0))


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
        f"pages, {human_bytes(snap.archived_bytes)} archived, {snap.requisites} requisites "
        f"({human_bytes(snap.requisite_bytes)}), {snap.errors} errors, {snap.rate:.1f} pages/s"
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
        for column in ("site", "pages", "articles", "other", "archived", "requisites", "errors",
                       "pages/s", ""):
            table.add_column(column, justify="left" if column == "site" else "right")
        for name, s in self.rows.items():
            table.add_row(name, str(s.pages), str(s.articles), str(s.lists),
                          human_bytes(s.archived_bytes),
                          f"{s.requisites} ({human_bytes(s.requisite_bytes)})", str(s.errors),
                          f"{s.rate:.1f}",
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
