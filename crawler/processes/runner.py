"""Run crawls in this process: build each site's settings, start Scrapy, collect the results.

This is the only bridge from the CLI to Scrapy. Settings are layered as Scrapy does:
project settings < a site's ``[site.settings]`` and the demo defaults (priority ``spider``) <
``-s`` pairs and the runner's own values (priority ``cmdline``). Scrapy's log goes to
``ARCHIVE_DIR/logs/``; the terminal shows only the progress display and the summary.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from crawler.discovery.domains import registered_domain
from crawler.exceptions import UserError
from crawler.incremental.resume import mark_reconciled, resume_from_warcs
from crawler.shell.extensions.memory import peak_rss_kb

logger = logging.getLogger(__name__)


@dataclass
class CrawlJob:
    """One site to crawl: its seeds, scope, limits and its own settings."""

    name: str
    seeds: list[str]
    allowed_domains: list[str] = field(default_factory=list)
    max_pages: int = 0
    depth: int | None = None
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class JobResult:
    """What one site's crawl did."""

    name: str
    stats: dict[str, Any]
    seed_problems: list[str]
    started: bool = True
    #: Why the crawl could not be set up (a component or the store failed), if it could not.
    setup_error: str | None = None


@dataclass
class CrawlReport:
    """What the whole run did, for the summary."""

    crawl_id: str
    archive_dir: Path
    jobs: list[JobResult]
    warc_files: list[Path]
    store_path: Path
    log_file: Path
    elapsed: float
    pid: int = 0
    #: Peak resident memory (kB) of this process (its analysis workers not included).
    max_rss_kb: int = 0
    #: One entry per worker process when the run was ``--workers N``.
    workers: list[dict[str, Any]] = field(default_factory=list)
    #: What was recovered from the WARCs of a crawl that died ('' if nothing).
    resumed: str = ""


#: The demo site is our own local server: no delays needed to be polite to it.
DEMO_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
}


def check_archive_dir(path: Path) -> Path:
    """Create the archive folder if needed and prove it is writable; UserError if not."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-test-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UserError(
            f"archive folder {path} is not writable ({reason}): choose another --archive-dir"
        ) from None
    return path


def base_settings(forced: dict[str, Any], cli: dict[str, str]) -> Any:
    """Settings shared by every job of a run (the process's own settings).

    Scrapy merges these into each crawler's settings where the crawler has nothing at equal or
    higher priority, so they must hold nothing job-specific.
    """
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict(cli, priority="cmdline")
    settings.setdict(forced, priority="cmdline")
    return settings


def job_settings(job: CrawlJob, forced: dict[str, Any], cli: dict[str, str]) -> Any:
    """The Scrapy Settings of one job, layered as the module docstring says."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict(job.settings, priority="spider")
    if job.max_pages:
        settings.set("CRAWL_MAX_PAGES", job.max_pages, priority="spider")
    if job.depth is not None:
        settings.set("DEPTH_LIMIT", job.depth, priority="spider")
    settings.setdict(cli, priority="cmdline")
    settings.setdict(forced, priority="cmdline")
    settings.set("CRAWL_SEEDS", list(job.seeds), priority="cmdline")
    settings.set("CRAWL_SITE_NAME", job.name, priority="cmdline")
    if job.allowed_domains:
        settings.set("CRAWL_ALLOWED_DOMAINS", list(job.allowed_domains), priority="cmdline")
    return settings


def run_jobs(
    jobs: list[CrawlJob], archive_dir: Path, cli: dict[str, str], max_pages: int = 0,
    redis_url: str = "",
) -> CrawlReport:
    """Crawl the jobs in this process, one Scrapy crawler each, in turn; return the report.

    With ``redis_url`` each job is a worker of a crawl shared in Redis (see
    crawler/frontier/sharedcrawl.py): it joins the crawl of its seeds and takes its crawl id.
    UserError if another crawl is running into the folder (:func:`lock_archive`).
    """
    lock = lock_archive(archive_dir, _crawl_key(jobs), shared=bool(redis_url))
    try:
        return _run_jobs(jobs, archive_dir, cli, max_pages, redis_url)
    finally:
        lock.close()


def _crawl_key(jobs: list[CrawlJob]) -> str:
    """What makes two crawls the same crawl: their sites' names and seeds."""
    import hashlib

    text = "\n".join(sorted(f"{job.name}\t{' '.join(sorted(job.seeds))}" for job in jobs))
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def lock_archive(path: Path, key: str, shared: bool = False) -> IO[str]:
    """Lock the crawl ``key`` (its sites and seeds) in the archive folder; UserError if it runs.

    The same crawl twice into one folder at once would fetch everything twice; it is refused.
    The workers of a shared crawl share the lock (``shared``), never with a crawl of its own;
    crawls of other sites (``crawler schedule`` runs several at once) go on side by side. The
    lock (``flock`` on ``.locks/crawl-KEY.lock``) ends with the process, however it ends.
    """
    import fcntl

    (path / ".locks").mkdir(exist_ok=True)
    handle = open(path / ".locks" / f"crawl-{key}.lock", "a+")  # noqa: SIM115 - held
    try:
        fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip()
        handle.close()
        who = f"process {holder}" if holder.isdigit() else "workers of a shared crawl"
        raise UserError(f"archive folder {path} is in use by the same crawl ({who}): wait for "
                        "it to end, or choose another --archive-dir") from None
    if not shared:
        handle.truncate(0)
        handle.write(str(os.getpid()))
        handle.flush()
    return handle


def _run_jobs(
    jobs: list[CrawlJob], archive_dir: Path, cli: dict[str, str], max_pages: int,
    redis_url: str,
) -> CrawlReport:
    """The work of :func:`run_jobs`, with the folder locked."""
    from scrapy.crawler import AsyncCrawlerProcess, Crawler

    from crawler.shell.extensions.progress import ProgressBoard
    from crawler.shell.spiders.news import NewsSpider

    # A full disk makes every log line fail: no "--- Logging error ---" traceback per line
    # on the terminal (the crawl stops and says why in one line).
    logging.raiseExceptions = False
    started, crawl_id = time.monotonic(), str(uuid.uuid4())
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (archive_dir / "logs").mkdir(parents=True, exist_ok=True)
    # Workers of a shared crawl may start in the same second: the pid tells their logs apart.
    log_file = archive_dir / "logs" / (f"crawl-{stamp}-{os.getpid()}.log" if redis_url
                                       else f"crawl-{stamp}.log")
    forced: dict[str, Any] = {
        "ARCHIVE_DIR": str(archive_dir), "CRAWL_ID": crawl_id, "LOG_FILE": str(log_file),
        "LOG_LEVEL": cli.get("LOG_LEVEL", "INFO"),
    }
    if max_pages:
        forced["CRAWL_MAX_PAGES"] = max_pages
    if redis_url:
        forced["FRONTIER_REDIS_URL"] = redis_url
    all_settings = [job_settings(job, forced, cli) for job in jobs]
    resumed = _resume(archive_dir, redis_url)
    if redis_url:
        crawl_id = join_shared_crawls(all_settings, redis_url, crawl_id)
    process = AsyncCrawlerProcess(base_settings(forced, cli))
    crawlers = [Crawler(NewsSpider, s) for s in all_settings]
    ProgressBoard.active = ProgressBoard()
    setup_errors: dict[int, str] = {}
    try:
        _run_one_after_another(process, crawlers, setup_errors)
    finally:
        ProgressBoard.active = None
    results = [_result(job, crawler, setup_errors.get(id(crawler)))
               for job, crawler in zip(jobs, crawlers, strict=True)]
    if not redis_url:  # workers of a shared crawl share its id: each would count them all
        _count_stored(archive_dir, crawl_id, results)
    warc_files = _warc_files(archive_dir, time.time() - (time.monotonic() - started))
    if all(_clean(result) for result in results):
        # Everything fetched is in the store: the next start need not look at these files.
        mark_reconciled(archive_dir, warc_files)
    if redis_url:
        take_in_dead_workers(archive_dir, redis_url)
    return CrawlReport(
        crawl_id=crawl_id, archive_dir=archive_dir, jobs=results, warc_files=warc_files,
        store_path=archive_dir / "articles.sqlite", log_file=log_file,
        elapsed=time.monotonic() - started, resumed=resumed, pid=os.getpid(),
        max_rss_kb=peak_rss_kb(),
    )


def join_shared_crawls(all_settings: list[Any], redis_url: str, candidate: str) -> str:
    """Join (or start) each job's shared crawl; return the first one's crawl id."""
    from crawler.frontier import sharedcrawl

    client = sharedcrawl.connect(redis_url)
    ids: list[str] = []
    for settings in all_settings:
        ref = settings.get("FRONTIER_CRAWL") or sharedcrawl.crawl_name(
            settings.get("CRAWL_SITE_NAME") or "", settings.getlist("CRAWL_SEEDS"))
        crawl = sharedcrawl.join(client, ref, candidate if not ids else str(uuid.uuid4()))
        settings.set("FRONTIER_CRAWL", crawl.ref, priority="cmdline")
        settings.set("CRAWL_ID", crawl.crawl_id, priority="cmdline")
        ids.append(crawl.crawl_id)
    return ids[0] if ids else candidate


def _resume(archive_dir: Path, redis_url: str = "") -> str:
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
        summary = _resume(archive_dir, redis_url)
    except UserError as exc:
        logger.warning("%s", exc)
        return
    if summary:
        logger.info("%s", summary)


def _count_stored(archive_dir: Path, crawl_id: str, results: list[JobResult]) -> None:
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


def _clean(result: JobResult) -> bool:
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


def _stats(crawler: Any) -> Any:
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


def _run_one_after_another(process: Any, crawlers: list[Any],
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
                    stats = _stats(crawler)
                    never_ran = stats is None or stats.get_value("start_time") is None
                    if never_ran and setup_errors is not None:
                        setup_errors[id(crawler)] = setup_failure(exc)
                        break
                stats = _stats(crawler)
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


def _result(job: CrawlJob, crawler: Any, setup_error: str | None = None) -> JobResult:
    """Collect one crawler's stats and seed problems after the run."""
    spider = getattr(crawler, "spider", None)
    collector = _stats(crawler)
    stats = collector.get_stats() if collector else {}
    problems = list(getattr(spider, "seed_problems", []) or [])
    name = job.name or ", ".join(dict.fromkeys(registered_domain(s) for s in job.seeds))
    return JobResult(name, dict(stats), problems, started=spider is not None,
                     setup_error=setup_error)


def _warc_files(archive_dir: Path, since: float) -> list[Path]:
    """WARC files written by this run (this process: its pid ends their names)."""
    folder = archive_dir / "warc"
    if not folder.is_dir():
        return []
    mine = tuple(f"-{os.getpid()}{ext}" for ext in (".warc.gz", ".warc", ".warc.gz.open",
                                                   ".warc.open"))
    return sorted(
        p for p in folder.iterdir() if p.name.endswith(mine) and p.stat().st_mtime >= since - 1
    )
