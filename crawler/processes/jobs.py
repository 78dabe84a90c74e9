"""What a crawl run is: its jobs (one site each), their layered Scrapy settings, the report.

Settings are layered as Scrapy does: project settings < a site's ``[site.settings]`` and the
demo defaults (priority ``spider``) < ``-s`` pairs and the runner's own values (priority
``cmdline``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


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
