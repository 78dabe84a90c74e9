"""What ``crawler status --redis URL`` shows: each shared crawl's progress and its workers'."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crawler.frontier import redisscripts as lua
from crawler.frontier.backend import Counts
from crawler.frontier.sharedcrawl import NAMESPACE

#: Worker stats shown by ``crawler status`` (published with each heartbeat).
WORKER_FIELDS = {"pages": "response_received_count", "articles": "pages/article",
                 "bytes": "downloader/response_bytes", "errors": "log_count/ERROR",
                 "requeued": "frontier/requeued"}


@dataclass
class WorkerStatus:
    """One worker of a shared crawl."""

    name: str
    state: str
    seen_at_ms: int
    leased: int
    figures: dict[str, int] = field(default_factory=dict)


@dataclass
class CrawlStatus:
    """One shared crawl (the latest generation of its name)."""

    name: str
    generation: int
    crawl_id: str
    status: str
    started: str
    counts: Counts
    workers: list[WorkerStatus]


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value or "")


def crawl_names(client: Any) -> list[str]:
    """Names of the crawls this Redis database holds."""
    names = {_text(k)[len(NAMESPACE):-len(":gen")] for k in client.scan_iter(NAMESPACE + "*:gen")}
    return sorted(names)


def crawl_status(client: Any, name: str) -> CrawlStatus | None:
    """The status of the latest generation of crawl ``name`` (None if it is gone)."""
    generation = int(client.get(f"{NAMESPACE}{name}:gen") or 0)
    prefix = f"{NAMESPACE}{name}:{generation}:"
    meta = {_text(k): _text(v) for k, v in client.hgetall(prefix + "meta").items()}
    if not meta:
        return None
    counts = Counts(*(int(n) for n in client.register_script(lua.COUNTS)(keys=[], args=[prefix])))
    workers = [_worker(client, prefix, _text(w)) for w in client.smembers(prefix + "allworkers")]
    workers.sort(key=lambda w: w.name)
    return CrawlStatus(name, generation, meta.get("crawl_id", ""), meta.get("status", "?"),
                       meta.get("started", ""), counts, workers)


def _worker(client: Any, prefix: str, name: str) -> WorkerStatus:
    stats = {_text(k): _text(v) for k, v in client.hgetall(prefix + "wstats:" + name).items()}
    figures = {label: int(stats.get(key) or 0) for label, key in WORKER_FIELDS.items()}
    # A page's stylesheet or image is not a page: requisites are shown apart.
    figures["pages"] -= int(stats.get("requisites/responses") or 0)
    figures["requisites"] = int(stats.get("requisites/fetched") or 0)
    return WorkerStatus(name, stats.get("state", "?"), int(stats.get("seen_at") or 0),
                        int(client.hlen(prefix + "leases:" + name)), figures)


def all_statuses(client: Any) -> list[CrawlStatus]:
    """The status of every crawl in the database."""
    found = (crawl_status(client, name) for name in crawl_names(client))
    return [status for status in found if status is not None]
