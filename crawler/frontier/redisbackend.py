"""RedisBackend: a frontier shared by worker processes on any number of machines.

Every step is one Lua script (crawler/frontier/redisscripts.py), so workers never see each
other's half-done changes. A worker takes a task with a lease; leases of a worker whose
heartbeat stops (it was killed) go back to the queue after ``lease_timeout`` seconds.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from crawler.frontier import redisscripts as lua
from crawler.frontier.backend import Action, Admitted, Counts
from crawler.frontier.resilient import RedisLost
from crawler.frontier.task import FREE_ROLES, BadEntry, CrawlTask, entry_key

_ACTION_CODES = {Action.QUEUE: "q", Action.PARK: "p", Action.SKIP: "s"}
_F = TypeVar("_F", bound=Callable[..., Any])


def _or(default: Any) -> Callable[[_F], _F]:
    """Once Redis is lost (crawler/frontier/resilient.py) the method answers ``default``:
    the crawl is being stopped, and nothing must raise on the way out."""
    def wrap(method: _F) -> _F:
        @functools.wraps(method)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return method(*args, **kwargs)
            except RedisLost:
                return default() if callable(default) else default
        return guarded  # type: ignore[return-value]
    return wrap
#: How long a request may hold a host's politeness slot before it counts as gone (ms).
SLOT_MS = 10 * 60 * 1000
#: Seconds a finished crawl's keys are kept.
FINISHED_TTL = 7 * 86400
#: Hosts the pop script looks at for one with a free slot, best first.
SCAN_HOSTS = 64


class Script(Protocol):
    """A registered Lua script (redis-py's Script object)."""

    def __call__(self, keys: Sequence[str] = ..., args: Sequence[Any] = ...) -> Any:
        """Run the script."""


class RedisClient(Protocol):
    """The part of redis-py's client the frontier uses."""

    def register_script(self, script: str) -> Script:
        """Prepare a Lua script."""

    def sadd(self, name: str, *values: str) -> int:
        """Add to a set."""

    def zrem(self, name: str, *values: str) -> int:
        """Remove from a sorted set."""

    def zcard(self, name: str) -> int:
        """Size of a sorted set."""

    def hset(self, name: str, key: str, value: Any) -> int:
        """Set a hash field."""

    def hmset(self, name: str, mapping: Mapping[str, Any]) -> bool:
        """Set hash fields."""

    def expire(self, name: str, seconds: int) -> bool:
        """Set a key's time to live."""

    def hsetnx(self, name: str, key: str, value: Any) -> int:
        """Set a hash field unless it is set."""

    def hdel(self, name: str, *keys: str) -> int:
        """Delete hash fields."""

    def hincrby(self, name: str, key: str, amount: int = 1) -> int:
        """Add to a hash field."""

    def smembers(self, name: str) -> set[bytes]:
        """A set's members."""


@dataclass(frozen=True)
class Politeness:
    """Per-host limits shared by all workers: requests in flight and the delay between them."""

    per_host: int = 4
    delay_ms: int = 0


class RedisBackend:
    """Seen set, per-host queues, leases and budget of one crawl, in Redis."""

    shared = True

    def __init__(  # noqa: PLR0913 - plain values, read from settings by the adapter
        self, client: RedisClient, prefix: str, worker: str, budget_limit: int = 0,
        politeness: Politeness | None = None, lease_timeout: float = 30.0,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.worker = worker
        self.budget_limit = budget_limit
        self.politeness = politeness or Politeness()
        self.lease_timeout_ms = int(lease_timeout * 1000)
        self._scripts = {name: client.register_script(getattr(lua, name)) for name in (
            "UNSEEN", "ADMIT", "POP", "ACK", "SPEND", "RELEASE", "HEARTBEAT", "LEAVE", "COUNTS",
            "FINISH", "REQUEUE")}
        # For `crawler status`: the budget the crawl's first worker was given.
        client.hsetnx(prefix + "meta", "max_pages", budget_limit)
        self._gave_back = False
        self._queued_at = 0.0
        self._queued = False
        #: Milliseconds until a host with queued tasks may be asked (-1: unknown).
        self.wait_ms = -1
        #: Pop on once the page budget is spent: page requisites are still due then (the
        #: frontier drops the pages it pops; crawler/frontier/requisites.py).
        self.pop_after_budget = False

    def _run(self, name: str, *args: Any) -> Any:
        return self._scripts[name](keys=[], args=[self.prefix, *args])

    @_or(lambda: ([], 0))
    def unseen(self, tasks: Sequence[CrawlTask]) -> tuple[list[CrawlTask], int]:
        """The tasks whose URL is new, or skipped before and now dated; pages spent."""
        args: list[Any] = []
        for task in tasks:
            args += [task.key, "1" if task.discovered_date else "0"]
        *flags, spent = self._run("UNSEEN", *args)
        return [t for t, fresh in zip(tasks, flags, strict=True) if fresh], int(spent)

    @_or(lambda: Admitted(0, 0, 0, 0, 0, 0))
    def admit(self, batch: Sequence[tuple[CrawlTask, Action]], cap: int) -> Admitted:
        """Queue, park or skip each task, atomically."""
        args: list[Any] = [cap]
        for task, action in batch:
            args += [_ACTION_CODES[action], task.to_json(), "1" if task.discovered_date else "0",
                     "0" if task.role in FREE_ROLES else "1"]
        return Admitted(*(int(n) for n in self._run("ADMIT", *args)))

    @_or(False)
    def claim(self, url: str) -> bool:
        """Mark a redirect target seen; False if it was."""
        return bool(self.client.sadd(self.prefix + "seen", CrawlTask(url).key))

    @_or(None)
    def pop(self) -> CrawlTask | None:
        """The best task of a host with a free politeness slot, leased to this worker.

        BadEntry if the entry taken was not a task of this crawl: it is dropped, counted, and
        its lease and slot are freed (the caller asks again).
        """
        p = self.politeness
        limit = 0 if self.pop_after_budget else self.budget_limit
        reply = self._run("POP", self.worker, p.per_host, p.delay_ms, SLOT_MS, limit,
                          SCAN_HOSTS)
        code = int(reply[0])
        if code == 2:
            raise BadEntry("not a JSON task with a key and a host")
        if code == 1:
            self.wait_ms = -1
            try:
                return CrawlTask.from_json(reply[1])
            except BadEntry:
                self._forget(reply[1])
                raise
        self.wait_ms = int(reply[1]) if len(reply) > 1 else -1
        return None

    def _forget(self, raw: bytes | str) -> None:
        """Free the lease and slot a bad entry took under its own key and host; count it."""
        key = entry_key(raw)
        if key is not None:
            self.client.hdel(self.prefix + "leases:" + self.worker, key)
            host = _entry_host(raw)
            if host:
                self.client.zrem(self.prefix + "slots:" + host, key)
        self.client.hincrby(self.prefix + "meta", "bad_entries", 1)

    @_or(None)
    def drop(self, task: CrawlTask) -> None:
        """Forget a taken task that is not to be fetched (out of scope): lease and slot."""
        self.client.hdel(self.prefix + "leases:" + self.worker, task.key)
        self.free_slot(task)
        self.client.hincrby(self.prefix + "meta", "bad_entries", 1)

    @_or(frozenset)
    def scope_hosts(self) -> frozenset[str]:
        """Hosts the crawl's seeds redirected to (shared by every worker)."""
        return frozenset(_text(h) for h in self.client.smembers(self.prefix + "scope"))

    @_or(None)
    def add_scope_host(self, host: str) -> None:
        """A seed redirected to ``host``: in scope for every worker."""
        self.client.sadd(self.prefix + "scope", host)

    @_or(None)
    def free_slot(self, task: CrawlTask) -> None:
        """Free the host's slot as the download ends (the lease lasts until the task is done)."""
        self.client.zrem(self.prefix + "slots:" + task.domain, task.key)

    @_or(None)
    def ack(self, task: CrawlTask) -> None:
        """End the lease and free the host slot; the last source releases parked tasks."""
        self._run("ACK", self.worker, task.key, task.domain, "1" if task.source else "0",
                  self.budget_limit)

    @_or((False, 0))
    def spend(self, task: CrawlTask) -> tuple[bool, int]:
        """One page of the shared budget, once per URL (a requeued task does not pay twice)."""
        allowed, spent = self._run("SPEND", task.key, self.budget_limit)
        return bool(int(allowed)), int(spent)

    @_or(0)
    def release_parked(self, drop: bool = False) -> int:
        """Queue (or forget) the parked tasks."""
        return int(self._run("RELEASE", "1" if drop else "0"))

    @_or(lambda: Counts(0, 0, 0, 0, 0, 0, 0, 0))
    def counts(self) -> Counts:
        """The shared crawl's counts."""
        return Counts(*(int(n) for n in self._run("COUNTS")))

    @_or(False)
    def has_queued(self) -> bool:
        """True if a host has queued tasks (asked at most every 0.1 s: Scrapy asks often)."""
        now = time.monotonic()
        if now - self._queued_at > 0.1:
            self._queued = self.client.zcard(self.prefix + "domains") > 0
            self._queued_at = now
        return self._queued

    @_or(0)
    def heartbeat(self, stats: Mapping[str, int]) -> int:
        """Renew this worker's leases, publish its stats, requeue dead workers' tasks."""
        if stats:
            self.client.hmset(self.prefix + "wstats:" + self.worker, dict(stats))
        return int(self._run("HEARTBEAT", self.worker, self.lease_timeout_ms))

    @_or(0)
    def requeue_own(self) -> int:
        """Put this worker's leases back in the queue and stay in the crawl (count)."""
        return int(self._run("REQUEUE", self.worker))

    @_or(0)
    def give_back(self) -> int:
        """Put this worker's unfinished tasks back in the queue."""
        self._gave_back = True
        return int(self._run("LEAVE", self.worker, "stopped"))

    @_or(None)
    def finish(self) -> None:
        """Mark the crawl finished; its keys expire after a week (``crawler status`` shows it)."""
        self._run("FINISH", FINISHED_TTL)

    @_or(None)
    def close(self) -> None:
        """Leave the crawl."""
        if not self._gave_back:
            self._run("LEAVE", self.worker, "done")


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _entry_host(raw: bytes | str) -> str | None:
    """The host (``d``) a queue entry is filed under, if it has one."""
    import json

    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    host = data.get("d") if isinstance(data, dict) else None
    return host if isinstance(host, str) else None
