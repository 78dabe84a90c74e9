"""Run crawls in this process: build each site's settings, start Scrapy, collect the results.

This is the only bridge from the CLI to Scrapy. Each job's settings are layered as
:mod:`crawler.processes.jobs` says; Scrapy's log goes to ``ARCHIVE_DIR/logs/``; the terminal
shows only the progress display and the summary.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.discovery.domains import registered_domain
from crawler.incremental.resume import mark_reconciled
from crawler.processes.folder import check_archive_dir, crawl_key, lock_archive
from crawler.processes.jobs import (
    DEMO_SETTINGS,
    CrawlJob,
    CrawlReport,
    JobResult,
    base_settings,
    job_settings,
)
from crawler.processes.reconcile import (
    count_stored,
    resume_archive,
    stored_everything,
    take_in_dead_workers,
)
from crawler.processes.sequence import crawler_stats, run_one_after_another, setup_failure
from crawler.shell.extensions.memory import peak_rss_kb

__all__ = [
    "DEMO_SETTINGS", "CrawlJob", "CrawlReport", "JobResult", "base_settings",
    "check_archive_dir", "job_settings", "join_shared_crawls", "lock_archive", "run_jobs",
    "setup_failure", "take_in_dead_workers",
]


def run_jobs(
    jobs: list[CrawlJob], archive_dir: Path, cli: dict[str, str], max_pages: int = 0,
    redis_url: str = "",
) -> CrawlReport:
    """Crawl the jobs in this process, one Scrapy crawler each, in turn; return the report.

    With ``redis_url`` each job is a worker of a crawl shared in Redis (see
    crawler/frontier/sharedcrawl.py): it joins the crawl of its seeds and takes its crawl id.
    UserError if another crawl is running into the folder (:func:`lock_archive`).
    """
    lock = lock_archive(archive_dir, crawl_key(jobs), shared=bool(redis_url))
    try:
        return _run_jobs(jobs, archive_dir, cli, max_pages, redis_url)
    finally:
        lock.close()


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
    log_file = _log_file(archive_dir, redis_url)
    forced = _forced_settings(archive_dir, crawl_id, log_file, cli, max_pages, redis_url)
    all_settings = [job_settings(job, forced, cli) for job in jobs]
    resumed = resume_archive(archive_dir, redis_url)
    if redis_url:
        crawl_id = join_shared_crawls(all_settings, redis_url, crawl_id)
    process = AsyncCrawlerProcess(base_settings(forced, cli))
    crawlers = [Crawler(NewsSpider, s) for s in all_settings]
    ProgressBoard.active = ProgressBoard()
    setup_errors: dict[int, str] = {}
    try:
        run_one_after_another(process, crawlers, setup_errors)
    finally:
        ProgressBoard.active = None
    results = [_result(job, crawler, setup_errors.get(id(crawler)))
               for job, crawler in zip(jobs, crawlers, strict=True)]
    warc_files = _after_run(archive_dir, crawl_id, results, redis_url, started)
    return CrawlReport(
        crawl_id=crawl_id, archive_dir=archive_dir, jobs=results, warc_files=warc_files,
        store_path=archive_dir / "articles.sqlite", log_file=log_file,
        elapsed=time.monotonic() - started, resumed=resumed, pid=os.getpid(),
        max_rss_kb=peak_rss_kb(),
    )


def _log_file(archive_dir: Path, redis_url: str) -> Path:
    """Where this run's Scrapy log goes (the ``logs`` folder is made here)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (archive_dir / "logs").mkdir(parents=True, exist_ok=True)
    # Workers of a shared crawl may start in the same second: the pid tells their logs apart.
    name = f"crawl-{stamp}-{os.getpid()}.log" if redis_url else f"crawl-{stamp}.log"
    return archive_dir / "logs" / name


def _forced_settings(
    archive_dir: Path, crawl_id: str, log_file: Path, cli: dict[str, str], max_pages: int,
    redis_url: str,
) -> dict[str, Any]:
    """The runner's own settings of every job (priority ``cmdline``)."""
    forced: dict[str, Any] = {
        "ARCHIVE_DIR": str(archive_dir), "CRAWL_ID": crawl_id, "LOG_FILE": str(log_file),
        "LOG_LEVEL": cli.get("LOG_LEVEL", "INFO"),
    }
    if max_pages:
        forced["CRAWL_MAX_PAGES"] = max_pages
    if redis_url:
        forced["FRONTIER_REDIS_URL"] = redis_url
    return forced


def _after_run(
    archive_dir: Path, crawl_id: str, results: list[JobResult], redis_url: str, started: float
) -> list[Path]:
    """Count what the store holds, mark the WARCs reconciled if clean; return this run's WARCs."""
    if not redis_url:  # workers of a shared crawl share its id: each would count them all
        count_stored(archive_dir, crawl_id, results)
    warc_files = _warc_files(archive_dir, time.time() - (time.monotonic() - started))
    if all(stored_everything(result) for result in results):
        # Everything fetched is in the store: the next start need not look at these files.
        mark_reconciled(archive_dir, warc_files)
    if redis_url:
        take_in_dead_workers(archive_dir, redis_url)
    return warc_files


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

def _result(job: CrawlJob, crawler: Any, setup_error: str | None = None) -> JobResult:
    """Collect one crawler's stats and seed problems after the run."""
    spider = getattr(crawler, "spider", None)
    collector = crawler_stats(crawler)
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
