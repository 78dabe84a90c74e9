"""Serve the archive browser (search, articles, versions, diffs) and pywb replay of every page."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from crawler.exceptions import UserError
from crawler.replay.layout import ArchiveLayout, open_layout, writable_layout
from crawler.replay.service import ReplayService
from crawler.replay.waczopen import is_wacz, unpack_wacz


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the subcommand's arguments."""
    parser.add_argument(
        "source", nargs="?", default=None, metavar="FILE.wacz",
        help="replay a WACZ package (made by `crawler wacz` or another tool) instead of a folder",
    )
    parser.add_argument(
        "--archive-dir", default=None, metavar="DIR",
        help="archive folder written by `crawler crawl` (default: archives)",
    )
    parser.add_argument(
        "--host", default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: only this machine can connect)",
    )
    parser.add_argument(
        "--port", type=int, default=8080, help="port of the archive browser (default 8080)"
    )
    parser.add_argument(
        "--replay-port", type=int, default=None, metavar="PORT",
        help="port of replayed pages, an origin of their own (default: --port + 1)",
    )
    parser.add_argument(
        "--refresh", type=float, default=5.0, metavar="SECONDS",
        help="how often to look for new crawls in the folder (default 5)",
    )


def run(args: argparse.Namespace) -> int:
    """Run the subcommand."""
    if not 0 < args.port < 65536:
        raise UserError(f"--port {args.port} is not a TCP port; use 1-65535 (default 8080)")
    replay_port = args.port + 1 if args.replay_port is None else args.replay_port
    if not 0 < replay_port < 65536 or replay_port == args.port:
        raise UserError(f"--replay-port {replay_port} must be a TCP port (1-65535) other than "
                        f"--port {args.port}: replayed pages need an origin of their own")
    if args.refresh <= 0:
        raise UserError(f"--refresh {args.refresh} must be a positive number of seconds")
    if args.source is not None:
        return _run_wacz(args, replay_port)
    layout = writable_layout(open_layout(args.archive_dir or "archives"))
    if layout.replay_root is not None:
        print(f"note: {layout.root} is read-only; replay keeps its files in {layout.replay_dir}")
    try:
        return _serve(layout, args, replay_port)
    finally:
        if layout.replay_root is not None:
            shutil.rmtree(layout.replay_root, ignore_errors=True)


def _run_wacz(args: argparse.Namespace, replay_port: int) -> int:
    """Replay a WACZ: its WARCs unpacked into a scratch archive folder, removed at the end."""
    wacz = Path(args.source).expanduser()
    if args.archive_dir is not None:
        raise UserError(f"pass either a WACZ ({wacz}) or --archive-dir {args.archive_dir}, "
                        "not both")
    if not is_wacz(wacz):
        raise UserError(f"{wacz} is not a .wacz file: replay a folder with --archive-dir "
                        f"{wacz}, or pass a WACZ package")
    scratch = Path(tempfile.mkdtemp(prefix="crawler-replay-wacz-"))
    try:
        count = unpack_wacz(wacz, scratch)
        print(f"note: replaying {count} WARC file(s) of {wacz}, unpacked into {scratch} "
              "(removed when replay stops)")
        return _serve(ArchiveLayout(scratch), args, replay_port, watched=False)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _serve(
    layout: ArchiveLayout, args: argparse.Namespace, replay_port: int, watched: bool = True
) -> int:
    """Run the replay service on ``layout`` until stopped."""
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"note: listening on {args.host}: other machines can reach this replay")
    service = ReplayService(layout, args.host, args.port, say=_say, replay_port=replay_port,
                            watched=watched)
    return service.run(args.refresh)


def _say(line: str) -> None:
    print(line, flush=True)
    sys.stdout.flush()
