"""Show how an article's cleaned text changed between two of its versions."""

from __future__ import annotations

import argparse
import os
import sys

from crawler.commands.history import fmt_time, open_versions
from crawler.exceptions import UserError
from crawler.settings import ARCHIVE_DIR
from crawler.store.textdiff import (
    CONTEXT_WORDS,
    Style,
    line_diff,
    pick_versions,
    word_counts,
    word_diff,
)
from crawler.terminal import printable

__all__ = ["CONTEXT_WORDS", "Style", "line_diff", "pick_versions", "word_counts", "word_diff"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the subcommand's arguments."""
    parser.add_argument("url", help="the article URL, as crawled")
    parser.add_argument("--from", dest="from_version", type=int, metavar="N",
                        help="older version number (default: the one before --to)")
    parser.add_argument("--to", dest="to_version", type=int, metavar="M",
                        help="newer version number (default: the latest)")
    parser.add_argument("--lines", action="store_true",
                        help="line (paragraph) diff instead of a word diff")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="colour the changes (default: auto, when writing to a terminal)")
    parser.add_argument(
        "--archive-dir", default=ARCHIVE_DIR, metavar="DIR",
        help=f"archive folder holding articles.sqlite (default {ARCHIVE_DIR})",
    )


def _use_color(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def run(args: argparse.Namespace) -> int:
    """Print the diff between two versions of the URL's cleaned text."""
    url, versions = open_versions(args.archive_dir, args.url)
    if not versions:
        raise UserError(
            f"{args.url} has no stored article text in {args.archive_dir}: give the URL exactly "
            "as crawled (`crawler history URL` shows what is known), or check --archive-dir"
        )
    if len(versions) == 1 and args.from_version is None and args.to_version is None:
        only = versions[0]
        print(f"{printable(url)}: one version only (v1, {only.captures} capture(s) since "
              f"{fmt_time(only.first_seen)}): the cleaned text never changed")
        return 0
    old, new = pick_versions(versions, args.from_version, args.to_version)
    old_label = f"v{old.version} ({fmt_time(old.first_seen)})"
    new_label = f"v{new.version} ({fmt_time(new.first_seen)})"
    # Escaped before diffing: the diff adds its own colour codes, the page's must not act.
    old_text, new_text = printable(old.text, newlines=True), printable(new.text, newlines=True)
    added, removed = word_counts(old_text, new_text)
    print(f"{printable(url)}\n{old_label} -> {new_label}: +{added} words, -{removed} words")
    if args.lines:
        lines = line_diff(old_text, new_text, old_label, new_label)
    else:
        lines = word_diff(old_text, new_text, Style(_use_color(args.color)))
    print("\n\n".join(lines) if not args.lines else "\n".join(lines))
    if not lines:
        print("(the texts are identical)")
    return 0
