"""Crawl news sites (or, with no seed, the bundled demo site) into WARCs and the text store."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.exceptions import PartialFailure, UserError

if TYPE_CHECKING:
    from crawler.processes.runner import CrawlJob, CrawlReport, JobResult


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare seeds, ``--archive-dir``, ``--max-pages``, ``--sites``, ``--site`` and ``-s``."""
    parser.add_argument("seeds", nargs="*", metavar="SEED",
                        help="home/section page, RSS/Atom feed or XML sitemap URL; none: crawl "
                             "the bundled demo site")
    parser.add_argument("--archive-dir", metavar="DIR",
                        help="output folder for WARCs, indexes and the text store "
                             "(default: archives)")
    parser.add_argument("--max-pages", metavar="N", help="fetch at most N pages per site")
    parser.add_argument("--sites", metavar="FILE", help="TOML file of sites (see docs/crawl.md)")
    parser.add_argument("--site", action="append", metavar="NAME",
                        help="crawl only this site of --sites (repeatable)")
    parser.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", default=[],
                        help="Scrapy or project setting, as `scrapy crawl -s` (repeatable)")
    parser.add_argument("--redis", metavar="URL",
                        help="be a worker of a crawl shared in Redis (redis://HOST:PORT/DB): "
                             "every worker started with the same seeds, on any machine, joins it")
    parser.add_argument("--workers", metavar="N",
                        help="run N worker processes of one shared crawl on this machine "
                             "(uses --redis, or a private redis-server in the archive folder)")
    parser.add_argument("--report-json", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--full", action="store_true",
                        help="fetch every article again, even those archived and not due "
                             "(crawls into an archive are otherwise incremental)")


def run(args: argparse.Namespace) -> int:
    """Check the input, run the crawl, print the summary; UserError for bad input."""
    from crawler.config import settingscheck
    from crawler.processes import runner

    cli = settingscheck.parse_pairs(args.set)
    if getattr(args, "full", False):
        cli["INCREMENTAL_FULL"] = "true"
    archive_dir = Path(args.archive_dir or cli.pop("ARCHIVE_DIR", "") or "archives")
    max_pages = _max_pages(args.max_pages)
    workers = _workers(args.workers)
    jobs = _jobs(args, _url_limit(cli))
    redis_url = args.redis or ""
    if redis_url:
        from crawler.frontier import sharedcrawl

        sharedcrawl.connect(redis_url)  # a one-line error now, not a traceback later
    runner.check_archive_dir(archive_dir)
    if workers:
        report = _run_workers(args, workers, archive_dir, redis_url)
    elif jobs:
        report = runner.run_jobs(jobs, archive_dir, cli, max_pages, redis_url)
    else:
        report = _crawl_demo(archive_dir, cli, max_pages, redis_url)
    if args.report_json:
        from crawler.processes.workers import write_report

        write_report(report, Path(args.report_json))
    return _outcome(report)


def _outcome(report: CrawlReport) -> int:
    """Print the summary (unless no seed was usable) and turn what happened into an exit code.

    0: everything fetched; 1 (one line): an archive failure stopped the crawl, some seeds were
    unusable or some requests failed, the rest is kept; 2: no seed was usable (nothing was
    archived); 130: interrupted.
    """
    from crawler.shell.extensions.progress import error_counts

    setup = [job.setup_error for job in report.jobs if job.setup_error]
    if setup:
        raise UserError(setup[0])  # nothing was fetched: no summary, one line, exit 2
    problems = [p for job in report.jobs for p in job.seed_problems]
    accepted = sum(job.stats.get("seeds/accepted", 0) for job in report.jobs)
    archived = sum(_records(job) for job in report.jobs)
    fatal = [job.stats["crawl/fatal_error"] for job in report.jobs
             if job.stats.get("crawl/fatal_error")]
    if accepted or archived or fatal or not problems:
        _print_summary(report)
    if any(_finish(job) in ("shutdown", "forced stop") for job in report.jobs):
        raise KeyboardInterrupt  # Ctrl-C (once, or twice to force): exit status 130
    if fatal:
        raise PartialFailure(f"{fatal[0]}; what was archived before is kept, and the next "
                             "crawl resumes from it")
    if problems:
        more = f" (and {len(problems) - 1} more seed problems)" if len(problems) > 1 else ""
        if accepted or archived:
            raise PartialFailure(problems[0] + more)
        raise UserError(problems[0] + more)
    if not any(job.started for job in report.jobs):
        raise UserError(f"the crawl could not start: see the log {report.log_file}")
    errors: dict[str, int] = {}
    for job in report.jobs:
        for kind, count in error_counts(job.stats).items():
            errors[kind] = errors.get(kind, 0) + count
    if errors:
        raise PartialFailure(
            f"{sum(errors.values())} errors ({_kinds(errors)}); everything else was archived: "
            f"see the log {report.log_file}"
        )
    return 0


def _workers(value: str | None) -> int:
    """``--workers`` as a whole number from 1 to 64 (0 when absent)."""
    if value is None:
        return 0
    if not value.isdigit() or not 1 <= int(value) <= 64:
        raise UserError(f"--workers {value!r} is not a number of processes: e.g. --workers 2")
    return int(value)


def _run_workers(
    args: argparse.Namespace, count: int, archive_dir: Path, redis_url: str
) -> CrawlReport:
    """Run ``count`` worker processes of this crawl (the demo site is served here for them)."""
    from crawler.processes import workers

    child = ["--archive-dir", str(archive_dir)]
    for flag, value in (("--max-pages", args.max_pages), ("--sites", args.sites)):
        if value:
            child += [flag, value]
    child += [f"--site={name}" for name in args.site or []]
    child += [f"--set={pair}" for pair in args.set] + (["--full"] if args.full else [])
    if args.seeds or args.sites:
        return workers.run_workers([*child, *args.seeds], count, archive_dir, redis_url)
    from crawler.demosite import DemoSiteServer
    from crawler.processes.runner import DEMO_SETTINGS

    with DemoSiteServer.for_archive(archive_dir) as server:
        print(f"Crawling the bundled demo site at {server.url} with {count} workers", flush=True)
        demo = [f"--set={k}={v}" for k, v in DEMO_SETTINGS.items() if f"{k}=" not in str(args.set)]
        return workers.run_workers([*child, *demo, server.url], count, archive_dir, redis_url)


def _records(job: JobResult) -> int:
    """Response and revisit records a job wrote to its WARCs."""
    return int(job.stats.get("warc/records/response", 0)) + int(
        job.stats.get("warc/records/revisit", 0))


def _kinds(errors: dict[str, int]) -> str:
    """``timeout 2, HTTP 404 1``."""
    return ", ".join(f"{kind} {count}" for kind, count in errors.items())


def _max_pages(value: str | None) -> int:
    """``--max-pages`` as a positive int (0 when absent)."""
    if value is None:
        return 0
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 1:
        raise UserError(
            f"--max-pages {value!r} is not a positive whole number: e.g. --max-pages 100"
        )
    return number


def _url_limit(cli: dict[str, str]) -> int:
    """The longest URL the crawl fetches (``URLLENGTH_LIMIT``, Scrapy's 2,083; 0: no limit)."""
    value = cli.get("URLLENGTH_LIMIT", "2083").strip()
    return int(value) if value.isdigit() else 2083


def _check_length(seed: str, limit: int, where: str = "seed") -> None:
    """UserError for a seed the crawl would drop as too long (it used to end "finished")."""
    if limit and len(seed) > limit:
        raise UserError(f"{where} {seed[:60]!r}... is {len(seed):,} characters long, more than "
                        f"URLLENGTH_LIMIT ({limit:,}): give a shorter URL, or raise the limit "
                        "with -s URLLENGTH_LIMIT=N")


def _jobs(args: argparse.Namespace, url_limit: int = 2083) -> list[CrawlJob]:
    """One job per site of ``--sites`` (or those picked by ``--site``) plus one for the seeds."""
    from crawler import discovery
    from crawler.config import settingscheck, sites
    from crawler.processes.runner import CrawlJob

    if args.site and not args.sites:
        raise UserError("--site picks sites from a sites file: add --sites FILE")
    jobs: list[CrawlJob] = []
    if args.sites:
        for spec in sites.select_sites(sites.load_sites(args.sites), args.site):
            for name, value in spec.settings.items():
                settingscheck.check_setting(
                    name, value, f"sites file {args.sites}, site {spec.name!r}: setting"
                )
            for seed in spec.seeds:
                _check_length(seed, url_limit, f"sites file {args.sites}, site {spec.name!r}: seed")
            jobs.append(CrawlJob(spec.name, list(spec.seeds), list(spec.allowed_domains),
                                 spec.max_pages, spec.depth, dict(spec.settings)))
    seeds = []
    for seed in args.seeds:
        url = discovery.normalize_url(seed) if "://" in seed else None
        if url is None:
            raise UserError(f"seed {seed!r} is not a valid http(s) URL: {_seed_hint(seed)}")
        _check_length(url, url_limit)
        seeds.append(url)
    if seeds:
        jobs.append(CrawlJob("", seeds))
    return jobs


def _seed_hint(seed: str) -> str:
    """How to fix a seed that is not a crawlable URL (never the same bad URL as the example)."""
    scheme, sep, _ = seed.partition("://")
    if sep and scheme.lower() not in ("http", "https"):
        return "only http:// and https:// URLs can be crawled"
    if not sep and re.fullmatch(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d{1,5})?(/\S*)?", seed):
        return f"write it in full, e.g. https://{seed}" + ("" if "/" in seed else "/")
    return "check the host name and port, e.g. https://news.example.com/"


def _crawl_demo(
    archive_dir: Path, cli: dict[str, str], max_pages: int, redis_url: str = ""
) -> CrawlReport:
    """Serve the demo site on its archive's port (crawler.demosite), crawl it, stop it."""
    from crawler.demosite import DemoSiteServer
    from crawler.processes.runner import DEMO_SETTINGS, CrawlJob, run_jobs

    with DemoSiteServer.for_archive(archive_dir) as server:
        print(f"Crawling the bundled demo site at {server.url} "
              "(give seed URLs to crawl real sites)", flush=True)
        job = CrawlJob("demo", [server.url], settings=dict(DEMO_SETTINGS))
        return run_jobs([job], archive_dir, cli, max_pages, redis_url)


def _finish(job: JobResult) -> str:
    """Why a job's crawl ended; a second Ctrl-C stops the reactor before Scrapy records it."""
    return job.stats.get("finish_reason") or ("forced stop" if job.started else "not started")


#: Notes of a site's summary line: stat, then the words for one and for several. Each is not
#: an error: broken links and loops are archived, refused redirects and bad entries counted.
_NOTES = (
    ("pages/not_found", "broken link (HTTP 404/410)", "broken links (HTTP 404/410)"),
    ("pages/redirect_loop", "redirect loop given up", "redirect loops given up"),
    ("scope/refused_redirects", "redirect refused (out of scope)",
     "redirects refused (out of scope)"),
    ("frontier/bad_entries", "bad queue entry dropped", "bad queue entries dropped"),
)


def _notes(stats: dict[str, Any]) -> str:
    """", 3 broken links (HTTP 404/410), 1 redirect loop given up" and the like, or ""."""
    counts = ((int(stats.get(key, 0)), one, many) for key, one, many in _NOTES)
    return "".join(f", {n} {one if n == 1 else many}" for n, one, many in counts if n)


def _articles(stats: dict[str, Any], found: int) -> tuple[int, str]:
    """The articles the store holds from this crawl, and a note on those it lost (a stop)."""
    held = stats.get("store/articles_held")
    if held is None or not stats.get("crawl/fatal_error"):
        return found, ""
    lost = found - int(held)
    return int(held), (f" (and {lost} in the WARCs only: the next crawl stores them)"
                       if lost > 0 else "")


def _print_summary(report: CrawlReport) -> None:
    """Counts per site, then where the WARCs, the text store and the log are."""
    from crawler.incremental.report import summary as incremental_summary
    from crawler.shell.extensions.progress import (
        error_counts,
        human_bytes,
        requisite_line,
        snapshot,
    )

    print(f"\nCrawl finished in {report.elapsed:.1f} s (crawl id {report.crawl_id})")
    if report.resumed:
        print(f"  {report.resumed}")
    for job in report.jobs:
        snap = snapshot(job.stats, report.elapsed, done=True)
        reasons = sorted(
            (k.split("/", 2)[2], v) for k, v in job.stats.items() if k.startswith("pages/list/")
        )
        detail = ", ".join(f"{k} {v}" for k, v in reasons)
        finish = _finish(job)
        articles, note = _articles(job.stats, snap.articles)
        print(f"  {job.name}: {snap.pages} pages fetched, {articles} articles{note}, "
              f"{snap.lists} "
              f"other pages{f' ({detail})' if detail else ''}, "
              f"{human_bytes(snap.archived_bytes)} archived, {snap.errors} errors"
              f"{f' ({_kinds(error_counts(job.stats))})' if snap.errors else ''}"
              f"{_notes(job.stats)} [{finish}]")
        incremental = incremental_summary(job.stats)
        if incremental:
            print(f"    {incremental}")
        requisites = requisite_line(job.stats)
        if requisites:
            print(f"    {requisites}")
    files = report.warc_files
    print(f"WARC files:  {files[0] if files else report.archive_dir / 'warc'}"
          + (f" (+{len(files) - 1} more in {files[0].parent})" if len(files) > 1 else ""))
    print(f"Text store:  {report.store_path}")
    print(f"Log:         {report.log_file}")
