"""The ``crawler`` command: a thin dispatcher over one module per subcommand."""

from __future__ import annotations

import argparse
import importlib
import os
import sqlite3
import sys
from typing import NoReturn

from crawler import __version__
from crawler.exceptions import UserError
from crawler.terminal import printable

#: subcommand name -> module exposing ``add_arguments(parser)`` and ``run(args) -> int``.
COMMANDS: dict[str, str] = {
    "crawl": "crawler.commands.crawl",
    "demo-site": "crawler.commands.demo_site",
    "extract": "crawler.commands.extract",
    "export": "crawler.commands.export",
    "search": "crawler.commands.search",
    "replay": "crawler.commands.replay",
    "wacz": "crawler.commands.wacz",
    "schedule": "crawler.commands.schedule",
    "history": "crawler.commands.history",
    "diff": "crawler.commands.diff",
    "status": "crawler.commands.status",
    "duplicates": "crawler.commands.duplicates",
}


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line like every other error of the command."""

    def error(self, message: str) -> NoReturn:
        """Print ``crawler CMD: error: MESSAGE (see --help)`` and exit 2."""
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Build the argument parser with one subparser per command.

    With ``only``, just that command's module is imported (the others get bare subparsers):
    a crawl does not pay for what other commands import (pyarrow, pywb).
    """
    parser = _Parser(
        prog="crawler",
        description="Crawl news sites into wire-exact WARCs and a store of cleaned article text.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        if only is not None and name != only:
            subparsers.add_parser(name)
            continue
        module = importlib.import_module(module_name)
        doc = (module.__doc__ or "").strip().splitlines()[0]
        sub = subparsers.add_parser(name, help=doc, description=doc)
        module.add_arguments(sub)
        sub.set_defaults(func=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``crawler`` command line; return the exit code."""
    words = sys.argv[1:] if argv is None else argv
    command = next((w for w in words if not w.startswith("-")), None)
    parser = build_parser(command if command in COMMANDS else None)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # inside the try: a reader gone early is handled below
        return code
    except UserError as exc:
        # The message may quote a URL or title from an archived page.
        print(f"crawler {args.command}: error: {printable(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except sqlite3.DatabaseError as exc:
        # The store went bad under a command (a damaged page is only met when read).
        from crawler.store.damage import store_problem

        where = getattr(args, "archive_dir", None) or "archives"
        print(f"crawler {args.command}: error: {printable(store_problem(where, exc))}",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"crawler {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader stopped early (`| head`): not an error; keep Python quiet at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
