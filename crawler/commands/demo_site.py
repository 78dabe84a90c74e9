"""Serve the bundled demo news site on 127.0.0.1 until Ctrl-C."""

from __future__ import annotations

import argparse

from crawler.demosite.server import DEMO_PORT
from crawler.exceptions import UserError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``--port`` and ``--edition``."""
    parser.add_argument("--port", type=int, default=DEMO_PORT,
                        help=f"TCP port on 127.0.0.1 (default {DEMO_PORT}, the port `crawler "
                             "crawl` serves the demo on; 0 picks a free one)")
    parser.add_argument("--edition", type=int, default=1,
                        help="content edition: 1 (default) or 2 (one article edited, one ad "
                             "changed, 5 new articles)")


def run(args: argparse.Namespace) -> int:
    """Serve the demo site until interrupted."""
    from crawler.demosite import DemoSiteServer

    if not 0 <= args.port <= 65535:
        raise UserError(f"--port {args.port} is not a TCP port: give a number from 0 to 65535")
    if args.edition not in (1, 2):
        raise UserError(f"--edition {args.edition} does not exist: give 1 or 2")
    try:
        server = DemoSiteServer(port=args.port, edition=args.edition)
    except OSError as exc:
        raise UserError(
            f"cannot listen on 127.0.0.1:{args.port} ({exc.strerror}): pick another --port"
        ) from None
    print(f"Demo news site (edition {args.edition}) at {server.url}  (Ctrl-C stops it)", flush=True)
    print(f"Crawl it with:  crawler crawl {server.url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", flush=True)
    finally:
        server.stop()
    return 0
