"""Export stored articles as JSONL, CSV, Parquet or Markdown files (streaming; `-o -`: stdout).

``--state FILE`` makes the export resumable: it writes the article versions stored since
the previous export with the same state file, then records where it stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from crawler import settings
from crawler.exceptions import PartialFailure, UserError
from crawler.export import FORMATS, export_articles
from crawler.export.markdown import write_markdown_files
from crawler.export.resume import ExportState, check_state, load_state, next_state, save_state
from crawler.store import Article, open_store

_SUFFIXES = {"jsonl": "jsonl", "json": "jsonl", "ndjson": "jsonl", "csv": "csv",
             "parquet": "parquet", "pq": "parquet"}

#: Every format: the stream formats of crawler.export, and Markdown files into a folder.
ALL_FORMATS = (*FORMATS, "markdown")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the subcommand's arguments."""
    parser.add_argument("--format", "-f", choices=ALL_FORMATS,
                        help="output format (default: from the -o suffix, else jsonl); "
                             "markdown writes one .md file per article into the folder -o DIR")
    parser.add_argument("--output", "-o", default="-", metavar="FILE",
                        help="output file, or - for stdout (default); a folder for markdown")
    parser.add_argument("--site", help="only this site's articles")
    parser.add_argument("--since", metavar="DATE",
                        help="only versions first captured on or after DATE (YYYY-MM-DD or ISO)")
    parser.add_argument("--all-versions", action="store_true",
                        help="every version of each article, not only the latest")
    parser.add_argument("--dedupe", nargs="?", const="earliest", choices=("earliest", "longest"),
                        help="one article per story (syndication cluster): the earliest "
                             "capture (default) or the longest text")
    parser.add_argument("--state", metavar="FILE", type=Path,
                        help="resume: export only the versions stored since the last export "
                             "with this state file (every new version once), then update it")
    parser.add_argument("--figures", action="store_true",
                        help="Markdown: keep figures (image, caption, credit)")
    parser.add_argument("--links", action="store_true", help="Markdown: keep links")
    parser.add_argument("--archive-dir", default=settings.ARCHIVE_DIR,
                        help="archive folder holding articles.sqlite (default: %(default)s)")


def _format(args: argparse.Namespace) -> str:
    """The format asked for, or the one the output file's suffix names."""
    if args.format:
        return str(args.format)
    suffix = Path(args.output).suffix.lower().lstrip(".")
    return _SUFFIXES.get(suffix, "jsonl")


def _check(args: argparse.Namespace, fmt: str) -> None:
    """Reject contradictory options before anything is read or written."""
    if args.dedupe and args.all_versions:
        raise UserError("--dedupe keeps one article per story and --all-versions keeps every "
                        "version: use one of them")
    if args.dedupe and args.state:
        raise UserError("--state exports every new version once and --dedupe one article per "
                        "story: use one of them")
    if args.output == "-" and fmt == "parquet" and sys.stdout.isatty():
        raise UserError("Parquet is binary: write it to a file with -o FILE, or pipe stdout")
    if fmt == "markdown" and args.output == "-":
        raise UserError("markdown writes one file per article: give a folder with -o DIR")
    if args.state is not None and args.state.is_dir():
        raise UserError(f"--state {args.state} is a folder: give a file, e.g. "
                        f"--state {args.state / 'export.state'}")


def run(args: argparse.Namespace) -> int:
    """Stream the selected articles into the output; print a one-line summary on stderr."""
    fmt = _format(args)
    _check(args, fmt)
    state = load_state(args.state) if args.state is not None else None
    store_id, top = "", 0
    with open_store(args.archive_dir, create=False) as store, store.snapshot():
        if state is not None:
            store_id, top = store.export_mark()
            check_state(args.state, state, store_id, top, args.site)
            articles = store.iter_new_versions(state.last_page_id, top, args.site, args.since)
        else:
            articles = store.iter_articles(args.site, args.since, args.all_versions, args.dedupe)
        count = _write(_rows(articles, args, fmt), fmt, args.output)
        articles.close()
        if count == 0 and args.site and args.site not in store.sites():
            known = ", ".join(store.sites()) or "none yet"
            print(f"crawler export: no site named {args.site!r} in the store (sites: {known})",
                  file=sys.stderr)
    where = "stdout" if args.output == "-" else args.output
    if count < 0 and state is None:
        return 0  # the reader went away (`| head`): nothing to report
    if count < 0:
        raise PartialFailure(f"the reader of stdout stopped early: {args.state} not advanced "
                             "(the next export with it writes the same versions again)")
    if state is not None:
        _record(args.state, next_state(store_id, top, args.site, count), count, fmt, where)
        return 0
    print(f"Exported {count} article(s) as {fmt} to {where}", file=sys.stderr)
    return 0


def _record(path: Path, new: ExportState, count: int, fmt: str, where: str) -> None:
    """Save the state after a complete export; a failure to save is a partial failure."""
    try:
        save_state(path, new)
    except OSError as exc:
        raise PartialFailure(f"exported {count} version(s) to {where} but cannot write the "
                             f"export state {path} ({exc.strerror}): the next export with it "
                             "repeats them; fix the file's folder") from None
    print(f"Exported {count} new article version(s) as {fmt} to {where}; {path} now at page "
          f"{new.last_page_id}", file=sys.stderr)


def _rows(articles: Iterable[Article], args: argparse.Namespace, fmt: str) -> Iterator[Any]:
    """The articles, their Markdown with figures/links when asked for.

    A Markdown file is the article as a reader sees it: its standfirst (``lead``) opens it;
    the ``markdown`` column, like ``text``, leaves it to the ``lead`` column.
    """
    lead = fmt == "markdown"
    if not (args.figures or args.links or lead):
        yield from articles
        return
    for article in articles:
        row = article.to_dict()
        row["markdown"] = article.to_markdown(args.figures, args.links, lead)
        yield row


def _write(rows: Iterable[Any], fmt: str, output: str) -> int:
    """Write the rows; -1 when stdout's reader went away before the end."""
    if fmt == "markdown":
        return _to_folder(rows, Path(output))
    if output == "-":
        return _to_stdout(rows, fmt)
    return _to_file(rows, fmt, Path(output))


def _to_stdout(articles: Iterable[Any], fmt: str) -> int:
    """Write to stdout; a reader that stops early (`| head`) is not an error (returns -1)."""
    try:
        count = export_articles(articles, fmt, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        # Python would complain again when flushing stdout at exit: point it at /dev/null.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return -1
    return count


def _to_file(articles: Iterable[Any], fmt: str, path: Path) -> int:
    """Write to a temporary file next to ``path`` and rename it: no half-written exports."""
    if path.parent and not path.parent.exists():
        raise UserError(f"folder {path.parent} does not exist: create it or choose another -o")
    if os.path.isdir(path):
        raise UserError(f"{path} is a folder: give a file name, e.g. -o {path / 'articles.jsonl'}")
    partial = path.with_name(path.name + ".partial")
    try:
        with open(partial, "wb") as out:
            count = export_articles(articles, fmt, out)
            out.flush()
            os.fsync(out.fileno())  # durable before a state file can say it was written
        partial.replace(path)
    except OSError as exc:
        raise UserError(f"cannot write {path} ({exc.strerror}): choose another -o") from None
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    return count


def _to_folder(rows: Iterable[Any], folder: Path) -> int:
    """Markdown files into ``folder`` (made if missing, its parent must exist)."""
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file: markdown writes a folder, give -o DIR")
    if not folder.parent.is_dir():
        raise UserError(f"folder {folder.parent} does not exist: create it or choose another -o")
    try:
        folder.mkdir(exist_ok=True)
        return write_markdown_files((_as_dict(row) for row in rows), folder)
    except OSError as exc:
        raise UserError(f"cannot write into {folder} ({exc.strerror}): choose another -o") from None


def _as_dict(row: Any) -> dict[str, Any]:
    """A row as the export dict (store articles are converted)."""
    return row if isinstance(row, dict) else dict(row.to_dict())

