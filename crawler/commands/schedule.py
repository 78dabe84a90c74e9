"""Crawl each site of a sites file on its own schedule, into one archive (foreground)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.exceptions import UserError
from crawler.settings import ARCHIVE_DIR

if TYPE_CHECKING:
    from crawler.recurring.state import RunLog


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the subcommand's arguments."""
    parser.add_argument("--sites", required=True, metavar="FILE",
                        help="sites file (TOML) whose sites have `schedule` (cron) or `interval`")
    parser.add_argument("--archive-dir", default=ARCHIVE_DIR, metavar="DIR",
                        help=f"archive folder every run writes to (default {ARCHIVE_DIR})")
    parser.add_argument("--once", action="store_true",
                        help="run the sites that are due now, then exit (for cron/systemd timers)")
    parser.add_argument("--site", metavar="NAME", help="schedule only this site of the file")
    parser.add_argument("-s", "--set", dest="settings", action="append", default=[],
                        metavar="NAME=VALUE", help="Scrapy setting passed to every crawl")
    parser.add_argument("--keep-runs", type=int, default=100, metavar="N",
                        help="run records kept per site (default 100)")
    parser.add_argument("--parallel", type=int, default=4, metavar="N",
                        help="crawls running at once, at most one per site (default 4)")


def emit(message: str) -> None:
    """Print one timestamped progress line."""
    print(f"{datetime.now().astimezone():%Y-%m-%d %H:%M:%S} {message}", flush=True)


def _extra_args(settings: list[str]) -> list[str]:
    """``-s`` pairs for every crawl, checked now rather than failing every run later."""
    from crawler.config.settingscheck import parse_pairs

    pairs = parse_pairs(settings)
    return [arg for name, value in pairs.items() for arg in ("-s", f"{name}={value}")]


def _run_log(archive_dir: Path, keep: int) -> RunLog:
    """The archive's run log; UserError if the folder or its store cannot be used."""
    import sqlite3

    from crawler.processes.runner import check_archive_dir
    from crawler.recurring.state import RunLog

    if keep < 1:
        raise UserError(f"--keep-runs {keep} must be at least 1: e.g. --keep-runs 100")
    check_archive_dir(archive_dir)
    try:
        return RunLog(archive_dir, keep=keep)
    except sqlite3.DatabaseError as exc:
        raise UserError(
            f"cannot use {archive_dir / 'articles.sqlite'} ({exc}): point --archive-dir at an "
            "archive folder made by `crawler crawl`, or at a new folder"
        ) from None


def run(args: argparse.Namespace) -> int:
    """Start the foreground scheduler, or the one ``--once`` pass."""
    from crawler.config.sites import load_sites
    from crawler.recurring.loop import jobs_from_sites, run_forever, run_once
    from crawler.recurring.runner import CrawlRunner, crawl_command

    if args.parallel < 1:
        raise UserError(f"--parallel {args.parallel} must be at least 1: e.g. --parallel 4")
    sites_file = Path(args.sites).resolve()
    jobs, unscheduled = jobs_from_sites(load_sites(sites_file), args.site)
    if args.site and not (jobs or unscheduled):
        raise UserError(f"site {args.site!r} is not in {args.sites}: check --site")
    if not jobs:
        raise UserError(
            f"no site in {args.sites} has a schedule: add interval = \"30m\" or "
            "schedule = \"*/30 * * * *\" to each [[site]] to schedule"
        )
    for name in unscheduled:
        emit(f"{name}: no schedule or interval in the sites file; not scheduled")
    extra = _extra_args(args.settings)
    archive_dir = Path(args.archive_dir).resolve()
    log = _run_log(archive_dir, args.keep_runs)
    command_for = crawl_command(sites_file, archive_dir, extra)
    runner = CrawlRunner(command_for, log, archive_dir / ".schedule-locks", emit)
    if args.once:
        return run_once(jobs, runner, log, emit)
    code = run_forever(jobs, runner, log, emit, parallel=args.parallel)
    sys.stdout.flush()
    return code
