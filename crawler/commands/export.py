"""Export stored articles as JSONL, CSV or Parquet (streaming; `-o -` writes to stdout)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from crawler import settings
from crawler.exceptions import UserError
from crawler.export import FORMATS, export_articles
from crawler.store import Article, open_store

_SUFFIXES = {"jsonl": "jsonl", "json": "jsonl", "ndjson": "jsonl", "csv": "csv",
             "parquet": "parquet", "pq": "parquet"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the subcommand's arguments."""
    parser.add_argument("--format", "-f", choices=FORMATS,
                        help="output format (default: from the -o suffix, else jsonl)")
    parser.add_argument("--output", "-o", default="-", metavar="FILE",
                        help="output file, or - for stdout (default)")
    parser.add_argument("--site", help="only this site's articles")
    parser.add_argument("--since", metavar="DATE",
                        help="only versions first captured on or after DATE (YYYY-MM-DD or ISO)")
    parser.add_argument("--all-versions", action="store_true",
                        help="every version of each article, not only the latest")
    parser.add_argument("--dedupe", nargs="?", const="earliest", choices=("earliest", "longest"),
                        help="one article per story (syndication cluster): the earliest "
                             "capture (default) or the longest text")
    parser.add_argument("--archive-dir", default=settings.ARCHIVE_DIR,
                        help="archive folder holding articles.sqlite (default: %(default)s)")


def _format(args: argparse.Namespace) -> str:
    """The format asked for, or the one the output file's suffix names."""
    if args.format:
        return str(args.format)
    suffix = Path(args.output).suffix.lower().lstrip(".")
    return _SUFFIXES.get(suffix, "jsonl")


def run(args: argparse.Namespace) -> int:
    """Stream the selected articles into the output; print a one-line summary on stderr."""
    fmt = _format(args)
    if args.dedupe and args.all_versions:
        raise UserError("--dedupe keeps one article per story and --all-versions keeps every "
                        "version: use one of them")
    if args.output == "-" and fmt == "parquet" and sys.stdout.isatty():
        raise UserError("Parquet is binary: write it to a file with -o FILE, or pipe stdout")
    with open_store(args.archive_dir, create=False) as store:
        articles = store.iter_articles(args.site, args.since, args.all_versions, args.dedupe)
        if args.output == "-":
            count = _to_stdout(articles, fmt)
        else:
            count = _to_file(articles, fmt, Path(args.output))
        articles.close()
        if count == 0 and args.site and args.site not in store.sites():
            known = ", ".join(store.sites()) or "none yet"
            print(f"crawler export: no site named {args.site!r} in the store (sites: {known})",
                  file=sys.stderr)
    if count < 0:
        return 0  # the reader went away (`| head`): nothing to report
    where = "stdout" if args.output == "-" else args.output
    print(f"Exported {count} article(s) as {fmt} to {where}", file=sys.stderr)
    return 0


def _to_stdout(articles: Iterable[Article], fmt: str) -> int:
    """Write to stdout; a reader that stops early (`| head`) is not an error (returns -1)."""
    try:
        count = export_articles(articles, fmt, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        # Python would complain again when flushing stdout at exit: point it at /dev/null.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return -1
    return count


def _to_file(articles: Iterable[Article], fmt: str, path: Path) -> int:
    """Write to a temporary file next to ``path`` and rename it: no half-written exports."""
    if path.parent and not path.parent.exists():
        raise UserError(f"folder {path.parent} does not exist: create it or choose another -o")
    if os.path.isdir(path):
        raise UserError(f"{path} is a folder: give a file name, e.g. -o {path / 'articles.jsonl'}")
    partial = path.with_name(path.name + ".partial")
    try:
        with open(partial, "wb") as out:
            count = export_articles(articles, fmt, out)
        partial.replace(path)
    except OSError as exc:
        raise UserError(f"cannot write {path} ({exc.strerror}): choose another -o") from None
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    return count
