"""A Redis client that rides out a short outage and says so when Redis is gone for good.

A shared crawl cannot go on without its frontier, and Redis may restart or a network may
blink. Every command (and Lua script) of :class:`ResilientRedis` is retried on a connection
error for up to ``wait`` seconds (``FRONTIER_REDIS_WAIT``); after a reconnect it checks that
the crawl's state is still there (a Redis restarted without persistence has lost it). If
Redis does not come back in time, or comes back empty, the process's Redis is *lost*: every
client fails fast with :class:`RedisLost` from then on, and the listeners registered with
:func:`on_lost` are told once (the Scrapy adapter stops the crawl with a one-line error: it
never reports a crawl as finished that did not finish).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from crawler.frontier.sharedcrawl import redact

logger = logging.getLogger(__name__)

#: Seconds between two tries, at most.
MAX_PAUSE = 2.0


class RedisLost(Exception):
    """Redis did not come back within the wait (or came back without the crawl's state)."""


class _Lost:
    """The process-wide state: Redis is lost (with the message), and who must hear it."""

    def __init__(self) -> None:
        self.message = ""
        self.listeners: list[Callable[[str], None]] = []

    def lose(self, message: str) -> RedisLost:
        if not self.message:
            self.message = message
            logger.error("%s", message)
            for listener in list(self.listeners):
                listener(message)
        return RedisLost(self.message)


LOST = _Lost()


def on_lost(listener: Callable[[str], None]) -> None:
    """Call ``listener(message)`` once, when Redis is lost."""
    LOST.listeners.append(listener)


def reset() -> None:
    """Forget a loss and the listeners (a new crawl in this process)."""
    LOST.message = ""
    LOST.listeners.clear()


class ResilientRedis:
    """A redis-py client whose commands wait out a Redis outage of up to ``wait`` seconds."""

    def __init__(self, client: Any, url: str, wait: float = 30.0) -> None:
        import redis

        self._client = client
        self._url = redact(url)
        self._wait = wait
        #: A key that must exist after a reconnect (the crawl's ``meta``); empty: none.
        self.state_key = ""
        self._transient = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError,
                           redis.exceptions.BusyLoadingError, ConnectionError, TimeoutError)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if not callable(attr) or name in ("pipeline", "register_script"):
            return attr if name != "register_script" else self._register
        return lambda *args, **kwargs: self.call(attr, *args, **kwargs)

    def _register(self, script: str) -> Callable[..., Any]:
        registered = self._client.register_script(script)
        return lambda keys=(), args=(): self.call(registered, keys=keys, args=args)

    def pipeline(self, *args: Any, **kwargs: Any) -> Any:
        """A pipeline whose ``execute`` waits out an outage like any command."""
        pipe = self._client.pipeline(*args, **kwargs)
        execute = pipe.execute
        pipe.execute = lambda *a, **k: self.call(execute, *a, **k)
        return pipe

    def call(self, command: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``command``, retrying on connection errors for up to the wait; RedisLost after."""
        if LOST.message:
            raise RedisLost(LOST.message)
        deadline = 0.0
        pause = 0.1
        while True:
            try:
                result = command(*args, **kwargs)
            except self._transient as exc:
                now = time.monotonic()
                if not deadline:
                    deadline = now + self._wait
                    logger.warning("Redis at %s does not answer (%s): trying again for %g s",
                                   self._url, exc, self._wait)
                if now >= deadline:
                    raise LOST.lose(
                        f"lost the connection to Redis at {self._url} ({exc}) for "
                        f"{self._wait:g} s (FRONTIER_REDIS_WAIT): the crawl stopped; start "
                        "Redis again and run the same command to go on") from None
                time.sleep(min(pause, deadline - now))
                pause = min(pause * 2, MAX_PAUSE)
                continue
            if deadline:
                self._check_state()
            return result

    def _check_state(self) -> None:
        """After a reconnect: RedisLost if the crawl's state did not survive the outage."""
        logger.warning("Redis at %s answers again", self._url)
        if self.state_key and not self._client.exists(self.state_key):
            raise LOST.lose(
                f"Redis at {self._url} came back without the shared crawl's state (restarted "
                "without persistence?): the crawl stopped; give redis-server an append-only "
                "file, and run the same command to crawl again (what was archived is kept)")
