"""Scrapy crawlers run one after another on one reactor, and what a forced stop leaves open."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from crawler.exceptions import UserError

logger = logging.getLogger(__name__)


def crawler_stats(crawler: Any) -> Any:
    """A crawler's stats collector, or None if it never started (Scrapy raises then)."""
    try:
        return getattr(crawler, "stats", None)
    except RuntimeError:
        return None


def setup_failure(exc: BaseException) -> str:
    """One line saying why a crawl could not be set up (a UserError already says it all)."""
    if isinstance(exc, UserError):
        return str(exc)
    text = " ".join(str(exc).split()) or type(exc).__name__
    return (f"the crawl could not be set up ({type(exc).__name__}: {text[:300]}): check the "
            "settings and sites file")


def run_one_after_another(process: Any, crawlers: list[Any],
                           setup_errors: dict[int, str] | None = None) -> None:
    """Run the crawlers in turn, then stop the reactor; Ctrl-C stops the rest too.

    A crawler that cannot be set up (a component's from_crawler failed, the store is
    damaged) stops the run: its reason goes to ``setup_errors`` (by ``id(crawler)``).

    One after another, not at once: each crawler's store pipeline holds its own write
    transaction on the same SQLite file, and on one thread they would lock each other out.
    """
    import asyncio

    from twisted.internet import reactor

    running: Any = reactor

    async def crawl_all() -> None:
        try:
            for crawler in crawlers:
                try:
                    await process.crawl(crawler)
                except Exception as exc:  # noqa: BLE001 - reported in one line by the command
                    logger.exception("crawl of %s failed", crawler.settings.get("CRAWL_SEEDS"))
                    stats = crawler_stats(crawler)
                    never_ran = stats is None or stats.get_value("start_time") is None
                    if never_ran and setup_errors is not None:
                        setup_errors[id(crawler)] = setup_failure(exc)
                        break
                stats = crawler_stats(crawler)
                if stats and stats.get_value("finish_reason") == "shutdown":
                    break
        finally:
            with contextlib.suppress(RuntimeError):  # already stopped (a second Ctrl-C)
                running.stop()

    reactor.callWhenRunning(lambda: asyncio.ensure_future(crawl_all()))
    process.start(stop_after_crawl=False)
    _after_forced_stop()


#: Longest a forced stop waits to write the fetch log's last rows (seconds).
FORCED_STOP_FLUSH_SECONDS = 5.0


def _after_forced_stop() -> None:
    """What a crawl stopped at once (a second Ctrl-C) left open: commit the store's open
    batch, which holds the file's write lock, then write the fetch log's buffer (bounded:
    what is not written is logged, and the next crawl recovers it from the WARCs). Before,
    the fetch log's writer thread waited out its 60 s lock timeout at exit. No-op after a
    crawl that closed normally."""
    from crawler.incremental.fetchlog import close_open_logs
    from crawler.shell.pipelines.store import close_left_open

    close_left_open()
    close_open_logs(FORCED_STOP_FLUSH_SECONDS)
