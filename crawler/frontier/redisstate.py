"""Archive state shared by the workers of a crawl in Redis: the fetch log and the dedup index.

Both live under ``na:`` keys that outlast one crawl (incremental crawls and WARC revisit
records need them next time); both also write through to the archive folder's own files, so
a later crawl without Redis still knows what was fetched.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

from crawler.archive.dedup import Capture, DedupIndex
from crawler.archive.dedupqueue import QueuedDedupIndex
from crawler.common.timestamps import parse_timestamp
from crawler.frontier.resilient import RedisLost
from crawler.frontier.task import url_key
from crawler.incremental.fetchlog import Fetch, FetchLog

FETCHLOG_KEY = "na:fetchlog"
DEDUP_PREFIX = "na:dedup:"
#: A URL's dedup entries are kept this long after their last use (seconds).
DEDUP_TTL = 400 * 86400
_LAST = "_last"
#: Seconds a fetch waits in the buffer at most: a worker killed loses only this much of the
#: log, so the others fetch again only what it fetched in its last moments.
FLUSH_AGE = 0.5


def _fetch_json(fetch: Fetch) -> str:
    def iso(moment: datetime | None) -> str | None:
        return moment.isoformat(timespec="seconds") if moment else None

    return json.dumps({"f": iso(fetch.first_fetched or fetch.fetched_at),
                       "l": iso(fetch.fetched_at), "s": fetch.status, "site": fetch.site,
                       "e": fetch.etag, "m": fetch.last_modified, "lm": iso(fetch.lastmod)})


def _fetch_from(url: str, text: bytes | str) -> Fetch:
    data = json.loads(text)
    last = parse_timestamp(data.get("l"))
    assert last is not None
    return Fetch(url=url, fetched_at=last, status=int(data.get("s") or 0), site=data.get("site"),
                 etag=data.get("e"), last_modified=data.get("m"),
                 lastmod=parse_timestamp(data.get("lm")),
                 first_fetched=parse_timestamp(data.get("f")))


def _merge(old: Fetch | None, new: Fetch) -> Fetch:
    """The newer fetch, keeping the first fetch time and validators a 304 does not repeat."""
    if old is None:
        return new
    newer, older = (new, old) if new.fetched_at >= old.fetched_at else (old, new)
    firsts = [f for f in (old.first_fetched, old.fetched_at, new.first_fetched) if f]
    return Fetch(url=new.url, fetched_at=newer.fetched_at, status=newer.status,
                 site=newer.site or older.site, etag=newer.etag or older.etag,
                 last_modified=newer.last_modified or older.last_modified,
                 lastmod=newer.lastmod or older.lastmod, first_fetched=min(firsts))


class SharedFetchLog:
    """The fetch log in Redis (one hash field per URL), written through to the local one."""

    def __init__(self, client: Any, flush_every: int = 50) -> None:
        self.client = client
        self.flush_every = flush_every
        self.local: FetchLog | None = None
        self._pending: dict[str, Fetch] = {}
        self._oldest = 0.0  # monotonic time of the first buffered fetch

    def get(self, url: str) -> Fetch | None:
        """What any worker recorded about ``url`` (or this archive's own log), merged."""
        found = self._pending.get(url)
        try:
            raw = self.client.hget(FETCHLOG_KEY, url)
        except RedisLost:  # the crawl is stopping: this archive's own log still knows
            raw = None
        remote = _fetch_from(url, raw) if raw else None
        local = self.local.get(url) if self.local is not None else None
        for other in (remote, local):
            if other is not None:
                found = _merge(found, other)
        return found

    def record(self, fetch: Fetch) -> None:
        """Buffer one fetch (flushed in batches, or when it waited long) and write it to the
        local log."""
        if not self._pending:
            self._oldest = time.monotonic()
        self._pending[fetch.url] = _merge(self._pending.get(fetch.url), fetch)
        if self.local is not None:
            self.local.record(fetch)
        if (len(self._pending) >= self.flush_every
                or time.monotonic() - self._oldest >= FLUSH_AGE):
            self.flush()

    def flush(self) -> None:
        """Merge the buffered fetches into Redis."""
        if not self._pending:
            return
        urls = list(self._pending)
        try:
            stored = self.client.hmget(FETCHLOG_KEY, urls)
            merged = {url: _fetch_json(_merge(_fetch_from(url, raw) if raw else None,
                                              self._pending[url]))
                      for url, raw in zip(urls, stored, strict=True)}
            self.client.hmset(FETCHLOG_KEY, merged)
        except RedisLost:
            pass  # in the local log already; the next crawl's reconciliation shares them
        self._pending.clear()

    def prune(self, older_than: datetime) -> int:
        """Forget old rows of the local log (Redis keeps its rows; see docs/crawl.md)."""
        return self.local.prune(older_than) if self.local is not None else 0

    def close(self) -> None:
        """Flush to Redis, close the local log."""
        try:
            self.flush()
        finally:
            if self.local is not None:
                self.local.close()


class RedisDedupIndex:
    """Payload digests of full captures shared by all workers: one Redis hash per URL."""

    def __init__(self, client: Any, local: DedupIndex | QueuedDedupIndex | None = None) -> None:
        self.client = client
        self.local = local

    def lookup(self, url: str, digest: str) -> Capture | None:
        """The earlier full capture of ``url`` with this payload digest, by any worker."""
        try:
            raw = self.client.hget(DEDUP_PREFIX + url_key(url), digest)
        except RedisLost:
            raw = None
        if raw is None:
            return self.local.lookup(url, digest) if self.local is not None else None
        return Capture(**json.loads(raw))

    def lookup_digest(self, digest: str) -> Capture | None:
        """The first full capture of any URL with this payload digest, by any worker."""
        raw = self.client.get(DEDUP_PREFIX + "digest:" + digest)
        if raw is None:
            return self.local.lookup_digest(digest) if self.local is not None else None
        return Capture(**json.loads(raw))

    def last_capture(self, url: str) -> Capture | None:
        """The most recent full capture of ``url`` (for a 304 answer)."""
        key = DEDUP_PREFIX + url_key(url)
        try:
            digest = self.client.hget(key, _LAST)
            raw = self.client.hget(key, digest) if digest else None
        except RedisLost:
            raw = None
        if raw is None:
            return self.local.last_capture(url) if self.local is not None else None
        return Capture(**json.loads(raw))

    def add(self, capture: Capture) -> None:
        """Remember a full capture (the first one of a digest wins)."""
        key = DEDUP_PREFIX + url_key(capture.url)
        pipe = self.client.pipeline(transaction=True)
        pipe.hsetnx(key, capture.digest, json.dumps(capture.__dict__))
        pipe.hset(key, _LAST, capture.digest)
        pipe.expire(key, DEDUP_TTL)
        pipe.set(DEDUP_PREFIX + "digest:" + capture.digest, json.dumps(capture.__dict__),
                 nx=True, ex=DEDUP_TTL)
        try:
            pipe.execute()
        except RedisLost:
            pass  # the local index has it
        if self.local is not None:
            self.local.add(capture)

    def commit(self) -> None:
        """Commit the local index (Redis writes are immediate)."""
        if self.local is not None:
            self.local.commit()

    def close(self) -> None:
        """Close the local index."""
        if self.local is not None:
            self.local.close()
