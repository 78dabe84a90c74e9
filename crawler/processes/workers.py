"""``crawler crawl --workers N``: N worker processes of one shared crawl on this machine.

Each worker is ``crawler crawl ... --redis URL`` in its own process (its own reactor, its own
analysis pool of cores/N processes), writing its own WARC files into the one archive folder
and its pages into the one store. Their reports are merged into one summary. Without
``--redis`` the archive folder's private redis-server is used (crawler/processes/localredis.py).
"""

from __future__ import annotations

import ctypes
import json
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.exceptions import UserError
from crawler.processes.runner import CrawlReport, JobResult, take_in_dead_workers

try:  # loaded before fork: the child only makes the system call
    _LIBC: Any = ctypes.CDLL(None, use_errno=True)
except OSError:  # not Linux
    _LIBC = None
_PR_SET_PDEATHSIG = 1
#: Stats in words a worker's report keeps (the others are counts, summed over workers).
_TEXT_STATS = ("finish_reason", "crawl/fatal_error")
#: After a second Ctrl-C, how long the workers have to stop at once before they are killed.
FORCED_STOP_GRACE_SECONDS = 10.0


def _die_with_parent() -> None:
    """In a worker: get SIGTERM if the launching command dies (no orphan crawls)."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def write_report(report: CrawlReport, path: Path) -> None:
    """Write a worker's report as JSON for the launcher."""
    data = asdict(report)
    data["archive_dir"], data["store_path"] = str(report.archive_dir), str(report.store_path)
    data["log_file"] = str(report.log_file)
    data["warc_files"] = [str(p) for p in report.warc_files]
    for job in data["jobs"]:
        job["stats"] = {k: v for k, v in job["stats"].items()
                        if isinstance(v, int | float) or k in _TEXT_STATS}
    path.write_text(json.dumps(data))


def merge_reports(reports: list[dict[str, Any]], archive_dir: Path, elapsed: float,
                  log_dir: Path) -> CrawlReport:
    """One report of all workers: stats summed per site, every worker's WARC files."""
    jobs: dict[str, JobResult] = {}
    for report in reports:
        for job in report["jobs"]:
            merged = jobs.setdefault(job["name"], JobResult(job["name"], {}, [], False))
            for key, value in job["stats"].items():
                if isinstance(value, str):  # the first worker's words
                    merged.stats.setdefault(key, value)
                else:
                    merged.stats[key] = merged.stats.get(key, 0) + value
            merged.seed_problems += job["seed_problems"]
            merged.started = merged.started or job["started"]
    finishes = {j["stats"].get("finish_reason") for r in reports for j in r["jobs"]}
    for job in jobs.values():
        job.stats["finish_reason"] = next(
            (f for f in ("shutdown", "redis_lost", "archive_error", "finished") if f in finishes),
            next((f for f in finishes if f), None))
    workers = [{"pid": r["pid"], "elapsed": r["elapsed"], "max_rss_kb": r["max_rss_kb"],
                "pages": sum(j["stats"].get("response_received_count", 0) for j in r["jobs"]),
                "crawl_seconds": max((j["stats"].get("elapsed_time_seconds", 0)
                                      for j in r["jobs"]), default=0)} for r in reports]
    return CrawlReport(
        crawl_id=reports[0]["crawl_id"] if reports else "", archive_dir=archive_dir,
        jobs=list(jobs.values()),
        warc_files=sorted(Path(p) for r in reports for p in r["warc_files"]),
        store_path=archive_dir / "articles.sqlite", log_file=log_dir, elapsed=elapsed,
        resumed="; ".join(dict.fromkeys(r["resumed"] for r in reports if r.get("resumed"))),
        workers=workers,
    )


def run_workers(
    child_args: list[str], count: int, archive_dir: Path, redis_url: str
) -> CrawlReport:
    """Start ``count`` workers of ``crawler crawl CHILD_ARGS``, wait, merge their reports."""
    from crawler.processes.localredis import PrivateRedis

    private = None if redis_url else PrivateRedis(archive_dir)
    url = redis_url if private is None else private.start()
    started = time.monotonic()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    log_dir = archive_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    try:
        procs, outs = [], []
        for index in range(count):
            out = log_dir / f"worker-{stamp}-{index}"
            outs.append(out)
            argv = worker_argv(child_args, count, url, out.with_suffix(".json"))
            with open(out.with_suffix(".out"), "wb") as fh:
                procs.append(subprocess.Popen(argv, stdout=fh, stderr=subprocess.STDOUT,
                                              stdin=subprocess.DEVNULL,
                                              preexec_fn=_die_with_parent))
        _wait(procs, url)
        # A worker that was killed left its WARC file open, and pages archived but not stored
        # (the others did not fetch them again): close, index and store them now.
        take_in_dead_workers(archive_dir, url)
    finally:
        if private is not None:
            private.stop()
    return merge_reports(_read_reports(procs, outs), archive_dir, time.monotonic() - started,
                         log_dir)


def worker_argv(child_args: list[str], count: int, url: str, report: Path) -> list[str]:
    """The command line of one of ``count`` workers of ``crawler crawl CHILD_ARGS``.

    Each worker gets its share of the cores for its analysis pool, unless the user set
    ``EXTRACT_WORKERS`` (``--set=NAME=VALUE`` as the crawl command passes it, or ``-s NAME=VALUE``).
    """
    from crawler.shell.spiders.pool import default_workers

    analysis = ["-s", f"EXTRACT_WORKERS={max(1, default_workers() // count)}"]
    if any(a.removeprefix("--set=").startswith("EXTRACT_WORKERS=") for a in child_args):
        analysis = []
    return [sys.executable, "-m", "crawler.cli", "crawl", *child_args, *analysis,
            "-s", "PROGRESS_ENABLED=false", "--redis", url, "--report-json", str(report)]


def _wait(procs: list[subprocess.Popen[bytes]], url: str) -> None:
    """Wait for every worker, printing a progress line now and then; Ctrl-C reaches them too."""
    shown = 0.0
    presses = 0
    kill_at = float("inf")
    while any(p.poll() is None for p in procs):
        try:
            time.sleep(0.5)
        except KeyboardInterrupt:
            presses += 1
            if presses == 2:  # the workers got it too: they commit what they hold and stop
                kill_at = time.monotonic() + FORCED_STOP_GRACE_SECONDS
            elif presses > 2:
                kill_at = 0.0
        if time.monotonic() >= kill_at:  # stop now (the next crawl recovers from the WARCs)
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()
        if time.monotonic() - shown >= 10:
            shown = time.monotonic()
            _progress(url, sum(p.poll() is None for p in procs))


def _progress(url: str, running: int) -> None:
    """One line of the shared crawls' progress on stderr."""
    from crawler.frontier import sharedcrawl
    from crawler.frontier.status import all_statuses

    try:
        statuses = all_statuses(sharedcrawl.connect(url))
    except UserError:
        return
    for status in statuses:
        if status.status != "running":
            continue
        pages = sum(w.figures["pages"] for w in status.workers)
        sys.stderr.write(f"[{status.name}] {running} workers: {pages} pages, "
                         f"{status.counts.queued} queued, {status.counts.leased} in progress\n")
        sys.stderr.flush()


def _read_reports(procs: list[subprocess.Popen[bytes]], outs: list[Path]) -> list[dict[str, Any]]:
    """The workers' reports; UserError naming the output of a worker that failed."""
    reports = []
    for proc, out in zip(procs, outs, strict=True):
        path = out.with_suffix(".json")
        if path.exists():
            reports.append(json.loads(path.read_text()))
            path.unlink()
        elif proc.returncode not in (0, 130, -signal.SIGINT):
            tail = out.with_suffix(".out").read_text(errors="replace").strip().splitlines()
            raise UserError(f"a crawl worker failed ({tail[-1] if tail else 'no output'}): "
                            f"see {out.with_suffix('.out')}")
    return reports
