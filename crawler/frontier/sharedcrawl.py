"""Joining a crawl shared in Redis: connecting, the crawl's name, the worker's identity.

``crawler crawl SEED... --redis redis://HOST:PORT/DB`` makes the process a worker of the
crawl named after its site and seeds (or ``FRONTIER_CRAWL``): every worker started with the
same seeds, on any machine, joins the same crawl. Once the crawl has finished, the same
command starts a new one (a new generation of the name).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from crawler.archive.naming import safe_hostname
from crawler.exceptions import UserError
from crawler.frontier import redisscripts as lua

#: Every key of this project in Redis starts with this.
NAMESPACE = "na:"
_SLUG = re.compile(r"[^a-z0-9.]+")


@dataclass(frozen=True)
class SharedCrawl:
    """A joined crawl: its key prefix, crawl id, and whether this worker started it."""

    name: str
    generation: int
    crawl_id: str
    started: bool

    @property
    def prefix(self) -> str:
        """The prefix of the crawl's keys."""
        return f"{NAMESPACE}{self.name}:{self.generation}:"

    @property
    def ref(self) -> str:
        """``name#generation``: what later workers of this run join (FRONTIER_CRAWL)."""
        return f"{self.name}#{self.generation}"


def redact(url: str) -> str:
    """``url`` with its password (``redis://:secret@host``, ``?password=``) shown as ``***``."""
    url = re.sub(r"(?<=:)[^:@/]*(?=@)", "***", url)
    return re.sub(r"(?i)(password=)[^&]*", r"\1***", url)


def connect(url: str) -> Any:
    """A redis-py client for ``url``; UserError naming the fix if Redis cannot be reached.

    Messages never repeat the URL's password.
    """
    import redis

    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise UserError(f"--redis {redact(url)!r} is not a Redis URL: write e.g. "
                        "redis://127.0.0.1:6379/0")
    try:
        options = {} if url.startswith("unix:") else {"socket_connect_timeout": 5}
        # A Lua step takes milliseconds; a silent server (stopped, or a lost network) is
        # noticed after 15 s and waited out as an outage (crawler/frontier/resilient.py).
        client = redis.StrictRedis.from_url(url, socket_timeout=15, **options)
        client.ping()
    except (redis.exceptions.RedisError, ValueError, OSError) as exc:
        reason = str(exc).replace(_password(url), "***") if _password(url) else str(exc)
        raise UserError(f"cannot reach Redis at {redact(url)} ({reason}): start redis-server "
                        "there or fix --redis") from None
    return client


def _password(url: str) -> str:
    try:
        return urlsplit(url).password or ""
    except ValueError:
        return ""


def crawl_name(site: str, seeds: list[str]) -> str:
    """A readable, stable name for the crawl of these seeds (workers derive the same one)."""
    label = _SLUG.sub("-", (site or (seeds[0].split("/")[2] if seeds else "crawl")).lower())
    digest = hashlib.blake2b("\n".join(sorted(seeds)).encode(), digest_size=4).hexdigest()
    return f"{label.strip('-')[:40] or 'crawl'}-{digest}"


def join(client: Any, ref: str, candidate_id: str) -> SharedCrawl:
    """Join the running crawl ``ref`` (``name`` or ``name#generation``), starting it if needed."""
    name, _, generation = ref.partition("#")
    script = client.register_script(lua.JOIN)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    gen, crawl_id, started = script(keys=[], args=[
        f"{NAMESPACE}{name}:", candidate_id, now, int(generation or 0)])
    crawl_id = crawl_id.decode() if isinstance(crawl_id, bytes) else str(crawl_id)
    return SharedCrawl(name, int(gen), crawl_id, bool(int(started)))


def worker_id() -> str:
    """This worker's name in the crawl: host, process id and a random tag."""
    return f"{safe_hostname()}-{os.getpid()}-{secrets.token_hex(2)}"


def connect_resilient(url: str, wait: float) -> Any:
    """:func:`connect`, then a client that waits out an outage of up to ``wait`` seconds."""
    from crawler.frontier.resilient import ResilientRedis

    return ResilientRedis(connect(url), url, wait)
