"""List the copies of a story (syndicated or republished) across sites and crawls.

``crawler duplicates URL`` prints every stored URL carrying the story of URL: site, first
capture, similarity to the first capture, and which one was first. Without a URL it lists the
stories with the most copies. Exit codes: 0 copies listed; 1 the story has no other copy
(or the store has no copies at all); 2 bad input (URL not stored as an article).
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import asdict

from crawler.commands.history import fmt_time
from crawler.commands.search import MAX_LIMIT
from crawler.discovery import url_variants
from crawler.exceptions import UserError
from crawler.settings import ARCHIVE_DIR
from crawler.store import Copy, Store, open_store

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the subcommand's arguments."""
    parser.add_argument("url", nargs="?", help="an article URL, as crawled (none: list stories)")
    parser.add_argument("--archive-dir", default=ARCHIVE_DIR, metavar="DIR",
                        help=f"archive folder holding articles.sqlite (default {ARCHIVE_DIR})")
    parser.add_argument("--limit", type=int, default=20,
                        help="without URL: how many stories to list (default 20)")
    parser.add_argument("--json", action="store_true", help="one JSON object per URL")
    parser.add_argument("--rebuild", action="store_true",
                        help="re-cluster the whole store first (in capture order)")


def _clean(value: str | None) -> str:
    """Text from a page, safe for a terminal (no control characters)."""
    return _CONTROL.sub(" ", value or "")


def copy_lines(copies: list[Copy]) -> list[str]:
    """The table of one story's copies, first capture first."""
    width = max(len(_clean(c.site)) for c in copies)
    lines = [f"  {'first seen':<23}  {'site':<{width}}  similarity  URL"]
    for copy in copies:
        mark = "  (first)" if copy.is_first else ""
        lines.append(f"  {fmt_time(copy.first_seen):<23}  {_clean(copy.site):<{width}}  "
                     f"{copy.similarity:>10.2f}  {_clean(copy.url)}{mark}")
    return lines


def _print(copies: list[Copy], as_json: bool) -> None:
    """Print one story's copies, as a table or JSON lines."""
    if as_json:
        for copy in copies:
            print(json.dumps(asdict(copy), ensure_ascii=False))
        return
    title = next((c.title for c in copies if c.title), None)
    about = f' "{_clean(title)}"' if title else ""
    print(f"cluster {copies[0].cluster_id}: {len(copies)} URL(s) carry the story{about}")
    print("\n".join(copy_lines(copies)))


def _find(store: Store, url: str) -> list[Copy]:
    """The copies of the story of ``url`` (trailing slash and fragment forgiven)."""
    for candidate in url_variants(url):
        found = store.copies(candidate)
        if found:
            return found
    raise UserError(
        f"{url} is not stored as an article in {store.path}: give the URL exactly as crawled "
        "(`crawler export | jq -r .url` lists them), or point --archive-dir at the right folder"
    )


def run(args: argparse.Namespace) -> int:
    """Print the copies of one story, or the stories with the most copies."""
    if args.limit < 1:
        raise UserError(f"--limit {args.limit}: give a positive number of stories")
    args.limit = min(args.limit, MAX_LIMIT)  # past SQLite's 2**63 - 1 it means "all" anyway
    with open_store(args.archive_dir, create=False) as store:
        if args.rebuild:
            versions = store.rebuild_clusters()
            print(f"re-clustered {versions} article version(s)")
        if args.url is not None:
            copies = _find(store, args.url)
            _print(copies, args.json)
            if len(copies) == 1 and not args.json:
                print("no other copy of this story is stored")
            return 0 if len(copies) > 1 else 1
        found = 0
        for copies in store.iter_clusters(min_urls=2, limit=args.limit):
            if found and not args.json:
                print()
            _print(copies, args.json)
            found += 1
    if not found and not args.json:
        print("no story has more than one URL in this store")
    return 0 if found else 1
