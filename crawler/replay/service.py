"""``crawler replay``'s work: bring indexes up to date, set up pywb, serve, follow new crawls."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path

from crawler.replay.indexes import IndexRefresher, RefreshResult
from crawler.replay.layout import ArchiveLayout
from crawler.replay.listing import listed_pages, render_listing
from crawler.replay.pywbroot import COLLECTION, write_listing, write_pywb_root
from crawler.replay.server import PywbProcess


def archive_signature(layout: ArchiveLayout) -> tuple:
    """A cheap fingerprint of the archive folder: changes when a crawl adds or closes files."""
    paths: list[Path] = [*layout.closed_warcs(), *layout.index_files()]
    for name in ("articles.sqlite", "articles.sqlite-wal"):
        paths.append(layout.root / name)
    sig = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        sig.append((path.name, stat.st_size, stat.st_mtime_ns))
    return tuple(sig)


class ReplayService:
    """Serves one archive folder through pywb and keeps indexes and listing current."""

    def __init__(
        self, layout: ArchiveLayout, host: str, port: int, say: Callable[[str], None]
    ) -> None:
        """Set up (nothing runs until :meth:`prepare` / :meth:`run`)."""
        self.layout = layout
        self.say = say
        self.refresher = IndexRefresher(layout)
        self.server = PywbProcess(layout.replay_dir, host, port)
        self.articles = 0
        self._signature: tuple = ()

    def update(self) -> RefreshResult:
        """Index uncovered WARCs and rewrite the article listing."""
        self._signature = archive_signature(self.layout)
        result = self.refresher.refresh()
        for name, problem in result.failed.items():
            self.say(f"warning: could not index {name}: {problem}")
        pages, total = listed_pages(self.layout)
        self.articles = total
        write_listing(self.layout, render_listing(pages, total, COLLECTION))
        return result

    def prepare(self) -> RefreshResult:
        """Write pywb's root and bring everything up to date (before the server starts)."""
        self.say(f"Checking the indexes of {len(self.layout.closed_warcs())} WARC file(s)...")
        write_pywb_root(self.layout)
        return self.update()

    def poll(self) -> RefreshResult | None:
        """Update when the archive folder changed since the last update; None otherwise."""
        if archive_signature(self.layout) == self._signature:
            return None
        return self.update()

    def run(self, refresh_interval: float) -> int:
        """Prepare, start pywb, print where to look, then follow the folder until stopped."""
        result = self.prepare()
        if result.indexed:
            self.say(f"indexed {len(result.indexed)} WARC file(s) that had no index yet")
        self.server.start()
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
        try:
            self._announce(result)
            return self._follow(refresh_interval)
        except KeyboardInterrupt:
            self.say("replay stopped")
            return 0
        finally:
            signal.signal(signal.SIGTERM, previous)
            self.server.stop()

    def _announce(self, result: RefreshResult) -> None:
        base = self.server.base_url
        self.say(
            f"Replaying {result.warcs} WARC file(s), {self.articles} archived article(s) "
            f"from {self.layout.root}"
        )
        self.say(f"Open {base}/ : the list of archived articles, each linked to its replay")
        self.say(f"Replay any archived URL: {base}/{COLLECTION}/<timestamp>/<url>")
        self.say("New crawls into this folder appear here without a restart. Ctrl-C stops.")

    def _follow(self, refresh_interval: float) -> int:
        shown = (len(self.layout.closed_warcs()), self.articles)
        while True:
            time.sleep(refresh_interval)
            if not self.server.alive():
                self.say(f"error: pywb stopped: {self.server.log_tail()}")
                return 1
            result = self.poll()
            if result is None or (result.warcs, self.articles) == shown:
                continue
            shown = (result.warcs, self.articles)
            self.say(f"archive changed: now {result.warcs} WARC file(s), {self.articles} "
                     "archived article(s)")


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
