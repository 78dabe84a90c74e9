"""``crawler crawl`` with a watch on its reactor, run in a subprocess by tests.

``python -m tests.crawl.lockwatch OUT.json CRAWL-ARGS...``: runs ``crawler crawl CRAWL-ARGS``
in this process while a thread pings the reactor (``callFromThread``) every 50 ms and times
how long each ping waited to run; the thread of every ``Store.add_page`` call is noted too.
OUT.json gets ``pings`` ([wall time sent, seconds waited], ...), ``reactor_threads`` and
``add_page_threads`` (thread idents) and ``exit`` (the command's exit status).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from typing import Any

from crawler.store.sqlite import Store

#: Between two pings (seconds).
PING_EVERY = 0.05

pings: list[tuple[float, float]] = []
reactor_threads: set[int] = set()
add_page_threads: set[int] = set()


def _watch_add_page() -> None:
    """Note the thread of every Store.add_page call."""
    original = Store.add_page

    def add_page(self: Store, record: Any) -> Any:
        add_page_threads.add(threading.get_ident())
        return original(self, record)

    Store.add_page = add_page  # type: ignore[method-assign]


def _ping_reactor() -> None:
    """Ping the reactor once it runs, until the process ends (a daemon thread)."""
    while True:
        reactor = sys.modules.get("twisted.internet.reactor")
        if reactor is not None and getattr(reactor, "running", False):
            break
        time.sleep(0.01)

    def pong(sent: float, started: float) -> None:
        reactor_threads.add(threading.get_ident())
        pings.append((sent, time.monotonic() - started))

    while True:
        reactor.callFromThread(pong, time.time(), time.monotonic())
        time.sleep(PING_EVERY)


def main(out: str, args: list[str]) -> int:
    """Run the crawl under the watch; write what was seen to ``out``."""
    from crawler.cli import main as cli_main

    _watch_add_page()
    threading.Thread(target=_ping_reactor, daemon=True).start()
    status = 1
    try:
        status = cli_main(["crawl", *args])
    finally:
        with open(out, "w") as fh:
            json.dump({"pings": pings, "reactor_threads": sorted(reactor_threads),
                       "add_page_threads": sorted(add_page_threads), "exit": status}, fh)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
