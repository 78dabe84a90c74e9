"""Full-text search over the stored articles' titles and texts (SQLite FTS5)."""

from __future__ import annotations

import argparse
import json
import sys

from crawler import settings
from crawler.exceptions import UserError
from crawler.store import open_store
from crawler.terminal import printable

#: SQLite's integers end at 2**63 - 1: a larger --limit means "all" anyway.
MAX_LIMIT = 2**62


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the subcommand's arguments."""
    parser.add_argument("query", metavar="QUERY",
                        help='words, "a phrase", AND/OR/NOT, prefix* (FTS5 query syntax)')
    parser.add_argument("--archive-dir", default=settings.ARCHIVE_DIR,
                        help="archive folder holding articles.sqlite (default: %(default)s)")
    parser.add_argument("--limit", "-n", type=int, default=10, help="most matches to show")
    parser.add_argument("--all-versions", action="store_true",
                        help="search every version, not only each article's latest")
    parser.add_argument("--json", action="store_true", help="print one JSON object per match")


def run(args: argparse.Namespace) -> int:
    """Print the best matches, best first; exit 1 when nothing matched."""
    if args.limit < 1:
        raise UserError(f"--limit {args.limit} must be at least 1")
    args.limit = min(args.limit, MAX_LIMIT)
    with open_store(args.archive_dir, create=False) as store:
        hits = store.search(args.query, limit=args.limit, all_versions=args.all_versions)
        total = store.count_matches(args.query, all_versions=args.all_versions) if (
            len(hits) == args.limit) else len(hits)
    for rank, hit in enumerate(hits, 1):
        article = hit.article
        if args.json:
            print(json.dumps({"url": article.url, "version": article.version,
                              "title": article.title, "site": article.site,
                              "published": article.published, "first_seen": article.first_seen,
                              "snippet": hit.snippet}, ensure_ascii=False))
            continue
        date = article.published or article.first_seen
        title = printable(article.title or "(no title)")
        print(f"{rank}. {title}  [{printable(article.site)}, {printable(str(date))}]")
        print(f"   {printable(article.url)}  (version {article.version})")
        print(f"   {printable(' '.join(hit.snippet.split()))}")
    if not hits:
        print(f"No article matches {printable(repr(args.query))}.")
        return 1
    if total > len(hits) and not args.json:
        print(f"{total - len(hits)} more: --limit {total} shows them all")
    elif total > len(hits):
        print(f"{total - len(hits)} more: --limit {total} shows them all", file=sys.stderr)
    return 0
