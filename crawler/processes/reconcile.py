"""The archive and its store kept in step around a crawl: recover from the WARCs what crawls
that died left unstored, and count what this crawl's store holds."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from crawler.exceptions import UserError
from crawler.incremental.resume import resume_from_warcs
from crawler.processes.jobs import JobResult

logger = logging.getLogger(__name__)


def resume_archive(archive_dir: Path, redis_url: str = "") -> str:
    """Recover what crawls that died left in the WARCs; UserError if the disk refuses.

    In a shared crawl the captures found go to the shared fetch log too, so that no worker on
    any machine fetches them again (see crawler/incremental/resume.py).
    """
    import sqlite3

    try:
        log = _shared_fetch_log(archive_dir, redis_url)
        return resume_from_warcs(archive_dir, fetch_log=log).summary()
    except sqlite3.DatabaseError as exc:
        from crawler.store.damage import is_damaged, store_problem

        if is_damaged(exc):
            raise UserError(store_problem(archive_dir, exc)) from None
        reason = str(exc)
        raise UserError(f"cannot prepare the archive {archive_dir} ({reason}): free disk space "
                        "or choose another --archive-dir") from None
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise UserError(f"cannot prepare the archive {archive_dir} ({reason}): free disk space "
                        "or choose another --archive-dir") from None


def take_in_dead_workers(archive_dir: Path, redis_url: str) -> None:
    """A shared crawl's end: store what workers of this archive that died had archived.

    Their unfinished tasks were fetched by the others, except those their WARCs already hold
    (crawler.frontier.Frontier.next_task): those pages come into the store from the WARCs.
    """
    try:
        summary = resume_archive(archive_dir, redis_url)
    except UserError as exc:
        logger.warning("%s", exc)
        return
    if summary:
        logger.info("%s", summary)


def count_stored(archive_dir: Path, crawl_id: str, results: list[JobResult]) -> None:
    """Put the article pages the store holds from this crawl in each job's stats
    (``store/articles_held``): the summary's article figure is what the store holds, not what
    extraction found (a full disk loses the store's last batch; the WARCs keep it)."""
    import sqlite3

    path = archive_dir / "articles.sqlite"
    if not path.is_file() or not results:
        return
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            rows = dict(conn.execute(
                "SELECT site, count(*) FROM pages WHERE crawl_id = ? AND is_article = 1 "
                "GROUP BY site", (crawl_id,)).fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        return
    for result in results:
        names = {result.name, *result.name.split(", ")}
        result.stats["store/articles_held"] = sum(rows.values()) if len(results) == 1 else sum(
            n for site, n in rows.items() if site in names)


def stored_everything(result: JobResult) -> bool:
    """True if a job finished and stored every page it archived.

    Failed fetches (timeouts, HTTP errors...) do not matter here: what they archived is not a
    page to store. A page archived and then not analysed or not stored does.
    """
    stats = result.stats
    return stats.get("finish_reason") == "finished" and not any(
        stats.get(key) for key in ("extract/held_at_close", "store/errors", "crawl/fatal_error",
                                   "errors/analysis", "errors/store", "errors/archive"))


def _shared_fetch_log(archive_dir: Path, redis_url: str) -> Any:
    """The fetch log of a crawl shared in Redis (None: the archive's own)."""
    if not redis_url:
        return None
    from crawler.frontier import sharedcrawl
    from crawler.frontier.redisstate import SharedFetchLog
    from crawler.incremental.fetchlog import FetchLog

    log = SharedFetchLog(sharedcrawl.connect(redis_url))
    log.local = FetchLog(archive_dir)  # written through: later crawls without Redis know too
    return log
