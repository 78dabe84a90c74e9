"""Serve the archive browser (search, articles, versions, diffs) and pywb replay of every page."""

from __future__ import annotations

import argparse
import shutil
import sys

from crawler.exceptions import UserError
from crawler.replay.layout import open_layout, writable_layout
from crawler.replay.service import ReplayService


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the subcommand's arguments."""
    parser.add_argument(
        "--archive-dir", default="archives", metavar="DIR",
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
    layout = writable_layout(open_layout(args.archive_dir))
    if layout.replay_root is not None:
        print(f"note: {layout.root} is read-only; replay keeps its files in {layout.replay_dir}")
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"note: listening on {args.host}: other machines can reach this replay")
    service = ReplayService(layout, args.host, args.port, say=_say, replay_port=replay_port)
    try:
        return service.run(args.refresh)
    finally:
        if layout.replay_root is not None:
            shutil.rmtree(layout.replay_root, ignore_errors=True)


def _say(line: str) -> None:
    print(line, flush=True)
    sys.stdout.flush()
