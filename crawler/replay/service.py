"""``crawler replay``'s work: bring indexes up to date, set up pywb, serve, follow new crawls."""

from __future__ import annotations

import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from crawler.exceptions import UserError
from crawler.replay.indexes import IndexRefresher, RefreshResult
from crawler.replay.layout import ArchiveLayout
from crawler.replay.listing import pages_from_indexes
from crawler.replay.pywbroot import COLLECTION, write_pywb_root
from crawler.replay.server import PywbProcess

#: File name, size and modification time of each file replay serves from.
Signature = tuple[tuple[str, int, int], ...]


def count_articles(layout: ArchiveLayout) -> int:
    """Archived articles: the store's latest versions, else the indexes' HTML captures."""
    if not layout.store_path.is_file():
        return sum(1 for _ in pages_from_indexes(layout))
    from crawler.store.browse import open_readonly

    try:
        conn = open_readonly(layout.store_path)
    except UserError:
        return 0
    try:
        return int(conn.execute("SELECT count(*) FROM articles WHERE is_latest = 1").fetchone()[0])
    except sqlite3.Error:  # a store being created right now
        return 0
    finally:
        conn.close()


def check_store(layout: ArchiveLayout) -> None:
    """UserError (one line, with the way out) when the store exists but cannot be read."""
    if not layout.store_path.exists():
        return
    from crawler.store.browse import open_readonly

    try:
        conn = open_readonly(layout.store_path)
        try:
            conn.execute("SELECT count(*) FROM articles WHERE is_latest = 1").fetchone()
        finally:
            conn.close()
    except (UserError, sqlite3.Error) as exc:
        problem = str(exc) if isinstance(exc, UserError) else f"cannot read the article store " \
            f"{layout.store_path} ({exc})"
        raise UserError(f"{problem}; fix its permissions or restore it, or move it out of "
                        f"{layout.root} to replay the WARCs without the text store") from None


def upgrade_store(layout: ArchiveLayout) -> str | None:
    """Bring a store written by an older crawler to the current schema; a warning if it fails."""
    if not layout.store_path.is_file() or layout.replay_root is not None:
        return None  # no store, or a read-only archive folder: nothing may be written there
    from crawler.store import open_store

    try:
        with open_store(layout.root, create=False):
            return None
    except (UserError, sqlite3.Error) as exc:
        return f"warning: the article store cannot be read or upgraded ({exc})"


def archive_signature(layout: ArchiveLayout) -> Signature:
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
    """Serves one archive folder through pywb and the archive browser; keeps indexes current."""

    def __init__(
        self, layout: ArchiveLayout, host: str, port: int, say: Callable[[str], None],
        replay_port: int | None = None, watched: bool = True,
    ) -> None:
        """Set up (nothing runs until :meth:`prepare` / :meth:`run`); ``watched`` False: the
        folder is a scratch copy (an unpacked WACZ) that no crawl writes to."""
        self.layout = layout
        self.watched = watched
        self.say = say
        self.refresher = IndexRefresher(layout)
        self.server = PywbProcess(layout.replay_dir, host, port, layout.root, COLLECTION,
                                  replay_port)
        self.articles = 0
        self._signature: Signature = ()

    def update(self) -> RefreshResult:
        """Index uncovered WARCs and count the archived articles."""
        self._signature = archive_signature(self.layout)
        result = self.refresher.refresh()
        for name, problem in result.failed.items():
            self.say(f"warning: could not index {name}: {problem}")
        for name, problem in result.damaged.items():
            self.say(f"warning: {name}: {problem}; its other records replay")
        self.articles = count_articles(self.layout)
        return result

    def prepare(self) -> RefreshResult:
        """Write pywb's root and bring everything up to date (before the server starts)."""
        self.say(f"Checking the indexes of {len(self.layout.closed_warcs())} WARC file(s)...")
        write_pywb_root(self.layout, self.server.port)
        problem = upgrade_store(self.layout)
        if problem:
            self.say(problem)
        check_store(self.layout)
        return self.update()

    def poll(self) -> RefreshResult | None:
        """Update when the archive folder changed since the last update; None otherwise."""
        if archive_signature(self.layout) == self._signature:
            return None
        return self.update()

    def run(self, refresh_interval: float) -> int:
        """Prepare, start pywb, print where to look, then follow the folder until stopped.

        SIGTERM is handled from the first moment, so a stop during start-up stops pywb too.
        """
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
        serving = False
        try:
            result = self.prepare()
            if result.indexed:
                self.say(f"indexed {len(result.indexed)} WARC file(s) that had no index yet")
            self.server.start()
            serving = True
            self._announce(result)
            return self._follow(refresh_interval)
        except KeyboardInterrupt:
            self.say("replay stopped" if serving else "replay interrupted while starting")
            return 0 if serving else 130
        finally:
            signal.signal(signal.SIGTERM, previous)
            self.server.stop()

    def _announce(self, result: RefreshResult) -> None:
        base = self.server.base_url
        what = "article(s)" if self.layout.store_path.is_file() else "HTML page(s), no text store"
        self.say(
            f"Replaying {result.warcs} WARC file(s), {self.articles} archived {what} "
            f"from {self.layout.root}"
        )
        self.say(f"Open {base}/ : the archive browser (search, articles, versions, diffs)")
        self.say(f"Replay any archived URL: {self.server.replay_url}/{COLLECTION}/<timestamp>/<url>"
                 " (an origin of its own: archived scripts cannot reach the browser)")
        if self.watched:
            self.say("New crawls into this folder appear here without a restart. Ctrl-C stops.")
        else:
            self.say("Ctrl-C stops.")

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
