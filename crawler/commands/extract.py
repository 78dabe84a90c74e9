"""Re-extract cleaned text from WARC files (ours or any tool's) into the article store.

Exit codes: 0 all records read; 1 some records were bad (reported, the rest extracted);
2 bad input (no such file, no WARCs).
"""

from __future__ import annotations

import argparse
import os
import sys

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from crawler import settings
from crawler.exceptions import UserError
from crawler.reextract import find_warcs, reextract, usable_files


def max_jobs() -> int:
    """The most worker processes worth starting: 4 per core (more only thrash and fork)."""
    return 4 * (os.cpu_count() or 1)


_PHASES = {"learn": "learning site boilerplate", "extract": "extracting"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the subcommand's arguments."""
    parser.add_argument("paths", nargs="+", metavar="WARC_OR_DIR",
                        help="WARC or ARC files (.warc, .warc.gz, .arc, .arc.gz) or folders "
                             "holding them")
    parser.add_argument("--archive-dir", default=settings.ARCHIVE_DIR,
                        help="archive folder whose articles.sqlite receives the text "
                             "(default: %(default)s)")
    parser.add_argument("--jobs", "-j", type=int, default=0,
                        help="worker processes (default: one per CPU core; one for "
                             "under 8 MB of WARCs)")
    parser.add_argument("--no-learn", action="store_true",
                        help="skip the first pass that learns each site's boilerplate")


def run(args: argparse.Namespace) -> int:
    """Run the re-extraction with a progress bar on stderr; print a summary."""
    if args.jobs < 0:
        raise UserError(f"--jobs {args.jobs} is negative: give a number of processes, or 0")
    most = max_jobs()
    if args.jobs > most:
        print(f"crawler extract: --jobs {args.jobs} is more than {most} (4 per CPU core): "
              f"using {most}", file=sys.stderr)
        args.jobs = most
    # Bad paths fail here, before the progress display starts; so does input with no archive.
    usable, problems = usable_files(find_warcs(args.paths))
    if not usable:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise UserError(problems[0].removesuffix("; skipped") + more
                        + ": pass WARC or ARC files")
    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        tasks: dict[str, TaskID] = {}

        def show(phase: str, done: int, total: int) -> None:
            """Move the bar of this phase (one bar per pass)."""
            if phase not in tasks:
                tasks[phase] = progress.add_task(_PHASES.get(phase, phase), total=total)
            progress.update(tasks[phase], completed=done)

        report = reextract(args.paths, args.archive_dir, jobs=args.jobs or None,
                           learn=not args.no_learn, progress=show)
    for error in report.errors:
        print(f"crawler extract: {error}", file=sys.stderr)
    print(f"Re-extracted {report.summary()}; store: {args.archive_dir}/articles.sqlite")
    if report.errors:
        print(f"crawler extract: {len(report.errors)} bad file(s) or record(s) skipped; the "
              "rest were extracted (exit code 1)", file=sys.stderr)
        return 1
    return 0
