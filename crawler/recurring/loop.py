"""The foreground scheduler (APScheduler) and the ``--once`` pass over what is due."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobSubmissionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger

from crawler.exceptions import UserError
from crawler.recurring.runner import CrawlRunner, Emit, StopSignals, now_utc
from crawler.recurring.state import RunLog
from crawler.recurring.timing import Schedule, as_utc


@dataclass(frozen=True)
class SiteJob:
    """One site of the sites file and its schedule."""

    name: str
    schedule: Schedule


class ScheduleTrigger(BaseTrigger):  # type: ignore[misc]  # APScheduler 3 has no type information
    """An APScheduler trigger backed by :class:`Schedule` (croniter for cron expressions).

    APScheduler's own ``CronTrigger.from_crontab`` reads weekday 0 as Monday; croniter reads
    it as Sunday, like cron, and ``--once`` uses the same code, so both modes agree.
    """

    __slots__ = ("schedule",)

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        """The run time after the previous one (or after now, for the first)."""
        return self.schedule.next_after(previous_fire_time or now)

    def __str__(self) -> str:
        return self.schedule.describe()


def jobs_from_sites(
    sites: Iterable[Any], only: str | None = None
) -> tuple[list[SiteJob], list[str]]:
    """Scheduled jobs of a sites file's sites, and the names of those without a schedule."""
    jobs, unscheduled = [], []
    for site in sites:
        if only and site.name != only:
            continue
        if not (site.schedule or site.interval):
            unscheduled.append(site.name)
            continue
        try:
            schedule = Schedule.parse(cron=site.schedule, interval=site.interval)
        except ValueError as exc:
            raise UserError(f"site {site.name!r}: {exc}") from None
        jobs.append(SiteJob(site.name, schedule))
    return jobs, unscheduled


def fmt(moment: datetime) -> str:
    """Local time for progress lines (the user's clock, like cron)."""
    return as_utc(moment).astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def summary(runner: CrawlRunner) -> str:
    """One line: how many runs, how many failed."""
    failed = sum(1 for _site, code in runner.results if code != 0)
    return f"{len(runner.results)} run(s), {failed} failed"


def run_once(jobs: list[SiteJob], runner: CrawlRunner, log: RunLog, emit: Emit) -> int:
    """Run every site that is due now, one after another; exit code 1 if a run failed."""
    now = now_utc()
    due = [job for job in jobs if job.schedule.is_due(log.last_start(job.name), now)]
    for job in jobs:
        if job not in due:
            nxt = job.schedule.next_run(log.last_start(job.name), now)
            emit(f"{job.name}: not due ({job.schedule.describe()}), next run {fmt(nxt)}")
    def stop() -> None:
        runner.stop()
        try:  # a signal handler: the main thread may be printing right now
            emit("stopping after the current run; Ctrl-C again interrupts it")
        except RuntimeError:
            pass

    with StopSignals(stop, _forwarding(runner, emit)):
        for job in due:
            runner.run(job.name)
    emit(f"schedule --once: {summary(runner)}")
    return 1 if any(code != 0 for _site, code in runner.results) else 0


def _forwarding(runner: CrawlRunner, emit: Emit) -> Callable[[], None]:
    def force() -> None:
        runner.interrupt()
        try:  # a signal handler: the main thread may be printing right now
            emit("interrupting the running crawl(s); they close their files cleanly")
        except RuntimeError:
            pass

    return force


def _scheduler(workers: int) -> BackgroundScheduler:
    # At most one run per site (runs of a site never overlap), ``workers`` sites at a time.
    return BackgroundScheduler(
        timezone=UTC,
        executors={"default": ThreadPoolExecutor(max(1, workers))},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )


def run_forever(
    jobs: list[SiteJob], runner: CrawlRunner, log: RunLog, emit: Emit, parallel: int = 4
) -> int:
    """Run each site on its schedule until SIGINT/SIGTERM, then finish the current runs.

    At most ``parallel`` crawls run at once; a site due while all are busy waits its turn.
    """
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # we print our own lines
    scheduler = _scheduler(min(len(jobs), parallel))
    now = now_utc()

    def run_job(name: str) -> None:
        runner.run(name)
        job = scheduler.get_job(name)
        if job is not None and not runner.stopping and job.next_run_time:
            emit(f"{name}: next run {fmt(job.next_run_time)}")

    for job in jobs:
        first = job.schedule.next_run(log.last_start(job.name), now)
        scheduler.add_job(run_job, ScheduleTrigger(job.schedule), args=[job.name], id=job.name,
                          name=job.name, next_run_time=first)
        emit(f"{job.name}: {job.schedule.describe()}, next run {fmt(first)}")

    def skipped(event: JobSubmissionEvent) -> None:
        emit(f"{event.job_id}: previous run still going; the run due now is skipped")

    scheduler.add_listener(skipped, EVENT_JOB_MAX_INSTANCES)
    stop = threading.Event()

    def on_stop() -> None:
        runner.stop()
        stop.set()

    with StopSignals(on_stop, _forwarding(runner, emit)):
        scheduler.start()
        emit("scheduler running; Ctrl-C stops after the current run(s)")
        while not stop.wait(0.5):
            pass
        scheduler.shutdown(wait=False)
        if runner.active:
            emit(f"stopping after {runner.active} run(s) in progress; Ctrl-C again interrupts")
        runner.wait_idle()
    emit(f"scheduler stopped: {summary(runner)}")
    return 0
