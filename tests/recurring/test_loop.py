"""The scheduler loop and --once pass with real subprocesses standing in for crawls."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.recurring.loop import SiteJob, run_forever, run_once
from crawler.recurring.runner import CrawlRunner, SiteLock
from crawler.recurring.state import RunLog
from crawler.recurring.timing import Schedule

# A stand-in crawl: logs start/end times, sleeps, and reports a forwarded Ctrl-C.
FAKE_CRAWL = """
import signal, sys, time
log, site, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
def interrupted(*_):
    open(log, "a").write(f"{site} interrupted {time.time()}\\n"); sys.exit(3)
signal.signal(signal.SIGINT, interrupted)
open(log, "a").write(f"{site} start {time.time()}\\n")
time.sleep(seconds)
open(log, "a").write(f"{site} end {time.time()}\\n")
"""


def make_runner(tmp_path: Path, seconds: float = 0.3) -> tuple[CrawlRunner, RunLog, Path]:
    log = RunLog(tmp_path / "archive")
    events = tmp_path / "events.log"
    events.touch()

    def command_for(site: str) -> list[str]:
        return [sys.executable, "-c", FAKE_CRAWL, str(events), site, str(seconds)]

    lines: list[str] = []
    runner = CrawlRunner(command_for, log, tmp_path / "locks", lines.append)
    runner.lines = lines
    return runner, log, events


def events_of(path: Path) -> list[tuple[str, str, float]]:
    rows = (line.split() for line in path.read_text().splitlines())
    return [(site, event, float(when)) for site, event, when in rows]


@contextmanager
def signal_when(condition, signals: list[float], limit: float = 30.0):
    """Send SIGINT to this process once ``condition()`` holds, then after each delay.

    Nothing is sent once the block is left, so a failing test cannot interrupt pytest.
    """
    done = threading.Event()

    def watch() -> None:
        deadline = time.monotonic() + limit
        while not condition() and time.monotonic() < deadline and not done.is_set():
            time.sleep(0.05)
        for delay in signals:
            if done.wait(delay):
                return
            os.kill(os.getpid(), signal.SIGINT)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        done.set()
        thread.join(timeout=5)


def test_interval_site_runs_twice_without_overlap_and_stops_cleanly(tmp_path):
    runner, log, events = make_runner(tmp_path, seconds=0.6)
    job = SiteJob("demo", Schedule.parse(interval="1s"))
    finished = lambda: sum(1 for r in log.runs("demo") if r.finished_at) >= 2  # noqa: E731
    previous = signal.getsignal(signal.SIGINT)
    with signal_when(finished, [0.0]):
        assert run_forever([job], runner, log, runner.lines.append) == 0
    assert signal.getsignal(signal.SIGINT) is previous
    runs = sorted(log.runs("demo"), key=lambda r: r.id)
    assert len(runs) >= 2 and all(r.exit_code == 0 for r in runs)
    marks = events_of(events)
    starts = [t for _s, e, t in marks if e == "start"]
    ends = [t for _s, e, t in marks if e == "end"]
    assert len(starts) == len(ends) == len(runs)  # every run ran to its end
    assert all(nxt >= end for nxt, end in zip(starts[1:], ends, strict=False))  # no overlap
    assert any("scheduler stopped: " in line for line in runner.lines)


def test_ctrl_c_waits_for_the_current_run_and_a_second_interrupts_it(tmp_path):
    runner, log, events = make_runner(tmp_path, seconds=20)
    job = SiteJob("slow", Schedule.parse(interval="1h"))
    started = lambda: "start" in events.read_text()  # noqa: E731
    began = time.monotonic()
    with signal_when(started, [0.2, 0.5]):
        assert run_forever([job], runner, log, runner.lines.append) == 0
    assert time.monotonic() - began < 15
    assert [e for _s, e, _t in events_of(events)] == ["start", "interrupted"]
    assert log.runs("slow")[0].exit_code == 3
    assert any("Ctrl-C again interrupts" in line for line in runner.lines)


def test_once_runs_only_due_sites(tmp_path):
    runner, log, events = make_runner(tmp_path, seconds=0.0)
    recent = log.start("fresh", datetime.now(UTC) - timedelta(minutes=5))
    log.finish(recent, datetime.now(UTC), 0)
    old = log.start("stale", datetime.now(UTC) - timedelta(hours=2))
    log.finish(old, datetime.now(UTC) - timedelta(hours=2), 0)
    jobs = [SiteJob(name, Schedule.parse(interval="1h")) for name in ("fresh", "stale", "new")]
    assert run_once(jobs, runner, log, runner.lines.append) == 0
    assert sorted(s for s, e, _t in events_of(events) if e == "start") == ["new", "stale"]
    assert any(line.startswith("fresh: not due") for line in runner.lines)
    # Run again at once: nothing is due any more.
    runner2, _log, _events = make_runner(tmp_path, seconds=0.0)
    assert run_once(jobs, runner2, log, runner2.lines.append) == 0
    assert runner2.results == []


def test_failed_run_gives_exit_code_one(tmp_path):
    log = RunLog(tmp_path / "archive")
    runner = CrawlRunner(lambda site: [sys.executable, "-c", "raise SystemExit(2)"], log,
                         tmp_path / "locks", lambda line: None)
    jobs = [SiteJob("broken", Schedule.parse(interval="1h"))]
    assert run_once(jobs, runner, log, lambda line: None) == 1
    assert log.runs("broken")[0].exit_code == 2


def test_a_site_locked_by_another_process_is_skipped(tmp_path):
    runner, log, events = make_runner(tmp_path, seconds=0.0)
    held = SiteLock(tmp_path / "locks", "demo")
    assert held.acquire()
    try:
        assert runner.run("demo") is None
        assert "in progress; skipped" in runner.lines[-1]
    finally:
        held.release()
    assert runner.run("demo") == 0


def test_run_log_is_pruned_per_site(tmp_path):
    log = RunLog(tmp_path, keep=3)
    now = datetime.now(UTC)
    for i in range(6):
        log.finish(log.start("a", now + timedelta(seconds=i)), now, 0)
    log.finish(log.start("b", now), now, 0)
    assert len(log.runs("a")) == 3 and len(log.runs("b")) == 1
    assert log.last_start("a") == (now + timedelta(seconds=5)).replace(microsecond=0)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_signal_handlers_are_restored_after_once(tmp_path):
    runner, log, _events = make_runner(tmp_path, seconds=0.0)
    before = signal.getsignal(signal.SIGTERM)
    run_once([SiteJob("x", Schedule.parse(interval="1h"))], runner, log, lambda line: None)
    assert signal.getsignal(signal.SIGTERM) is before


def test_parallel_caps_crawls_running_at_once(tmp_path):
    runner, log, events = make_runner(tmp_path, seconds=0.4)
    jobs = [SiteJob(name, Schedule.parse(interval="1h")) for name in ("a", "b")]
    both = lambda: all(log.runs(n) and log.runs(n)[0].finished_at for n in ("a", "b"))  # noqa: E731
    with signal_when(both, [0.0]):
        assert run_forever(jobs, runner, log, runner.lines.append, parallel=1) == 0
    marks = sorted(events_of(events), key=lambda m: m[2])
    assert [e for _s, e, _t in marks] == ["start", "end", "start", "end"]  # one at a time
