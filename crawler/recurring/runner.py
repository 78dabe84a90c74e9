"""Starts scheduled crawls: one ``crawler crawl`` subprocess per run, never two of one site."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import IO, Any

from crawler.recurring.state import RunLog

try:  # POSIX advisory locks keep two schedulers (or cron --once runs) from overlapping a site
    import fcntl

    _HAS_FLOCK = True
except ImportError:  # pragma: no cover - Windows: only the in-process guard applies
    _HAS_FLOCK = False

Emit = Callable[[str], None]
#: What ``signal.signal`` takes and returns.
SignalHandler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None
CommandFor = Callable[[str], list[str]]


def crawl_command(
    sites_file: str | Path, archive_dir: str | Path, extra: list[str] | None = None
) -> CommandFor:
    """Return a function giving the ``crawler crawl`` command line that runs one site."""

    def command_for(site: str) -> list[str]:
        # A Twisted reactor cannot be restarted, so every run gets a fresh interpreter.
        return [
            sys.executable, "-m", "crawler.cli", "crawl",
            "--sites", str(sites_file), "--site", site,
            "--archive-dir", str(archive_dir), *(extra or []),
        ]

    return command_for


def now_utc() -> datetime:
    """The current time, aware UTC."""
    return datetime.now(UTC)


class SiteLock:
    """An exclusive, non-blocking file lock for one site, released when its holder dies."""

    def __init__(self, lock_dir: Path, site: str) -> None:
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", site) or "_"
        self.path = lock_dir / f"{safe}.lock"
        self._fh: IO[str] | None = None

    def acquire(self) -> bool:
        """Take the lock; False if another process holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "a+")  # noqa: SIM115 - held open for the lock's lifetime
        if not _HAS_FLOCK:
            return True
        try:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._fh.close()
            self._fh = None
            return False
        return True

    def release(self) -> None:
        """Give the lock back."""
        if self._fh is not None:
            self._fh.close()  # closing the descriptor drops the flock
            self._fh = None


class CrawlRunner:
    """Runs one site's crawl as a subprocess, records it in the RunLog, and can stop cleanly.

    Children get their own session, so a Ctrl-C in the terminal reaches only the scheduler,
    which then lets the current runs finish; :meth:`interrupt` passes a later Ctrl-C on.
    """

    def __init__(
        self, command_for: CommandFor, log: RunLog, lock_dir: Path, emit: Emit
    ) -> None:
        self.command_for = command_for
        self.log = log
        self.lock_dir = Path(lock_dir)
        self.emit = emit
        self.stopping = False
        self.results: list[tuple[str, int]] = []
        self._children: dict[str, subprocess.Popen[bytes]] = {}
        # Re-entrant: the signal handler (stop, interrupt) may run while this thread holds it.
        self._lock = threading.RLock()

    @property
    def active(self) -> int:
        """How many runs are in progress."""
        with self._lock:
            return len(self._children)

    def run(self, site: str) -> int | None:
        """Run ``site`` once; return the crawl's exit code, or None if it did not start."""
        lock = SiteLock(self.lock_dir, site)
        with self._lock:
            if self.stopping or site in self._children:
                return None
            if not lock.acquire():
                self.emit(f"{site}: another run of this site is in progress; skipped")
                return None
            try:
                child = subprocess.Popen(self.command_for(site), start_new_session=True)
            except OSError as exc:
                lock.release()
                self.emit(f"{site}: could not start the crawl: {exc}")
                return None
            self._children[site] = child
        try:
            return self._wait(site, child)
        finally:
            with self._lock:
                self._children.pop(site, None)
            lock.release()

    def _wait(self, site: str, child: subprocess.Popen[bytes]) -> int:
        started = now_utc()
        run_id = self.log.start(site, started, child.pid)
        self.emit(f"{site}: run {run_id} started (pid {child.pid})")
        code = child.wait()
        finished = now_utc()
        self.log.finish(run_id, finished, code)
        seconds = (finished - started).total_seconds()
        states = {0: "finished", 1: "finished with errors (exit 1, see its log)"}
        state = states.get(code, f"failed (exit {code})")
        self.emit(f"{site}: run {run_id} {state} in {seconds:.1f}s")
        with self._lock:
            self.results.append((site, code))
        return code

    def stop(self) -> None:
        """Start no new run; runs in progress go on to their end."""
        with self._lock:
            self.stopping = True

    def interrupt(self) -> None:
        """Pass Ctrl-C to the running crawls (Scrapy then closes them cleanly)."""
        with self._lock:
            children = list(self._children.values())
        for child in children:
            try:
                os.killpg(child.pid, signal.SIGINT)
            except OSError:
                pass

    def wait_idle(self, poll: float = 0.2) -> None:
        """Block until no run is in progress."""
        while self.active:
            time.sleep(poll)


class StopSignals:
    """Context manager: the first SIGINT/SIGTERM calls ``on_stop``, later ones ``on_force``."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, on_stop: Callable[[], None], on_force: Callable[[], None]) -> None:
        self.on_stop = on_stop
        self.on_force = on_force
        self.count = 0
        self._previous: dict[int, SignalHandler] = {}

    def _handle(self, signum: int, frame: object) -> None:
        self.count += 1
        (self.on_stop if self.count == 1 else self.on_force)()

    def __enter__(self) -> StopSignals:
        for signum in self.SIGNALS:
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
