"""Shared fixtures: free ports on 127.0.0.1, a real redis-server, the shared benchmark data."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# ../shared/data beside the checkout; CRAWLER_SHARED_DATA names it elsewhere (a git worktree).
SHARED_DATA = Path(os.environ.get("CRAWLER_SHARED_DATA") or REPO_ROOT.parent / "shared" / "data")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def port() -> int:
    """A free port on 127.0.0.1."""
    return free_port()


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """The URL of a real redis-server started for one test on 127.0.0.1 (stopped after it)."""
    from tests.redisserver import RedisServer

    with RedisServer(tmp_path / "redis") as server:
        yield server.url
