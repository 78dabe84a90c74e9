"""Show the progress of crawls shared in Redis, and of each of their workers."""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``--redis`` and ``--json``."""
    parser.add_argument("--redis", metavar="URL", required=True,
                        help="the Redis of the shared crawls (redis://HOST:PORT/DB)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per crawl")


def run(args: argparse.Namespace) -> int:
    """Print each crawl's counts and its workers' figures; exit 1 if there is none."""
    from crawler.frontier import sharedcrawl
    from crawler.frontier.status import all_statuses

    statuses = all_statuses(sharedcrawl.connect(args.redis))
    if not statuses:
        print(f"crawler status: no shared crawl in {args.redis}: start one with "
              f"`crawler crawl SEED --redis {args.redis}`", file=sys.stderr)
        return 1
    now_ms = int(time.time() * 1000)
    for status in statuses:
        if args.json:
            print(json.dumps(asdict(status)))
            continue
        c = status.counts
        print(f"{status.name} (crawl id {status.crawl_id}, run {status.generation}): "
              f"{status.status}, started {status.started}")
        print(f"  {c.spent or '-'} pages of budget spent, {c.seen} URLs seen, {c.queued} queued, "
              f"{c.parked} parked, {c.leased} in progress, {c.requeued} requeued from lost "
              f"workers")
        for w in status.workers:
            f = w.figures
            ago = f"{(now_ms - w.seen_at_ms) / 1000:.0f} s ago" if w.seen_at_ms else "never"
            print(f"  worker {w.name}: {w.state}, {f['pages']} pages, {f['articles']} articles, "
                  f"{f.get('requisites', 0)} requisites, {f['bytes'] / 1e6:.1f} MB, "
                  f"{f['errors']} errors, {w.leased} in progress, "
                  f"last heartbeat {ago}")
    return 0
