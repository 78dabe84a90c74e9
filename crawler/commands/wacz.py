"""Package an archive folder as a WACZ file (WARCs, index, page list) for ReplayWeb.page or pywb."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from crawler.exceptions import UserError
from crawler.replay.layout import open_layout
from crawler.terminal import printable
from crawler.wacz import WaczBuilder, WaczResult


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the subcommand's arguments."""
    parser.add_argument(
        "--archive-dir", default="archives", metavar="DIR",
        help="archive folder written by `crawler crawl` (default: archives)",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE.wacz",
        help="file to write (default: <archive folder name>.wacz in the current folder)",
    )
    parser.add_argument("--title", help="title stored in datapackage.json (default: folder name)")


def run(args: argparse.Namespace) -> int:
    """Run the subcommand."""
    layout = open_layout(args.archive_dir)
    output = Path(args.output or f"{layout.root.name}.wacz").expanduser()
    if output.suffix.lower() != ".wacz":
        raise UserError(f"output {output} must end in .wacz; pass e.g. -o {output.stem}.wacz")
    if os.path.isdir(output):
        raise UserError(f"output {output} is a folder; pass a file name such as -o archive.wacz")
    try:
        if output.resolve().is_relative_to(layout.warc_dir):
            raise UserError(f"output {output} is inside the WARC folder; write it elsewhere")
    except OSError:
        pass
    try:
        result = WaczBuilder(layout, say=lambda line: print(line, flush=True)).build(
            output, title=args.title
        )
    except OSError as exc:
        raise UserError(
            f"could not write {output}: {exc.strerror or exc}; check the path and free space, "
            "or pick another file with -o"
        ) from None
    if result.skipped_open:
        print(
            f"note: left out {len(result.skipped_open)} WARC file(s) still being written "
            "(.open); run again after the crawl finishes to include them"
        )
    print(
        f"wrote {result.path} ({result.bytes / 1e6:.1f} MB): {result.warcs} WARC file(s), "
        f"{result.pages} page(s); check it with `wacz validate -f {result.path}`"
    )
    return _report_left_out(result)


def _report_left_out(result: WaczResult) -> int:
    """One line on stderr per kind of damage left out of the package; exit 1 if any."""
    code = 0
    if result.bad_records or result.bad_files:
        parts = []
        if result.bad_records:
            parts.append(f"{result.bad_records} bad record(s)")
        if result.bad_files:
            parts.append(f"{len(result.bad_files)} file(s) that are not readable WARCs")
        first = printable(result.problems[0]) if result.problems else ""
        print(f"crawler wacz: error: left out {' and '.join(parts)} (first: {first}); the "
              "package holds every sound record; `crawler extract` on the folder lists them all",
              file=sys.stderr)
        code = 1
    if result.store_problem:
        print(f"crawler wacz: error: {printable(result.store_problem)}; the pages list was "
              "made from the WARC indexes instead (no titles)", file=sys.stderr)
        code = 1
    return code
