"""Shared fixtures: free ports on 127.0.0.1, a real redis-server, one demo crawl per test run.

Fixtures for everyone (see also tests/crawl/conftest.py and tests/replay/conftest.py):

- ``port``: a free TCP port on 127.0.0.1;
- ``redis_url``: a real redis-server for one test;
- ``demo_crawl``: one full ``crawler crawl`` of the demo site per test run (a :class:`DemoCrawl`);
  read it, never change it; ``demo_crawl_copy`` is a private copy a test may change;
- ``bundled_demo_port``: hold it while running ``crawler crawl`` with no seed (the bundled demo
  site on its fixed port), so no other test (or xdist worker) takes that port meanwhile;
- ``chromium``: one headless Chromium per test process, driven over DevTools
  (:class:`tests.replay.browser.Chromium`: goto, click, type, js, text, screenshot); skips
  where Chromium cannot run.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.once import copy_folder, run_once, shared_root

REPO_ROOT = Path(__file__).resolve().parent.parent
# ../shared/data beside the checkout; CRAWLER_SHARED_DATA names it elsewhere (a git worktree).
SHARED_DATA = Path(os.environ.get("CRAWLER_SHARED_DATA") or REPO_ROOT.parent / "shared" / "data")

#: Our own local servers need no politeness delays; keep the tests quick.
FAST = [
    "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "RETRY_TIMES=0",
]


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


@dataclass(frozen=True)
class DemoCrawl:
    """A finished ``crawler crawl`` of the demo site (edition 1, all of it, no delays).

    ``archive`` is shared by every test of the run: read it, never write to it (use
    :meth:`copy` or the ``demo_crawl_copy`` fixture). Nothing listens at ``url`` any more.
    """

    archive: Path
    url: str  # the site's base URL during the crawl, with a trailing slash
    stdout: str
    stderr: str
    requests: tuple[str, ...]  # the paths the site served, in order

    def copy(self, target: Path) -> Path:
        """A private copy of the archive folder at ``target`` (returned)."""
        return copy_folder(self.archive, target)


def _crawl_demo(folder: Path) -> None:
    from crawler.demosite import DemoSiteServer

    with DemoSiteServer(port=0) as site:
        done = subprocess.run(
            [sys.executable, "-m", "crawler.cli", "crawl", site.url,
             "--archive-dir", str(folder / "archive"), *FAST],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
        )
        requests = list(site.requests)
    assert done.returncode == 0, done.stderr[-3000:]
    (folder / "run.json").write_text(json.dumps({
        "url": site.url, "stdout": done.stdout, "stderr": done.stderr, "requests": requests}))


@pytest.fixture(scope="session")
def demo_crawl(tmp_path_factory: pytest.TempPathFactory) -> DemoCrawl:
    """One full crawl of the demo site per test run (shared by xdist workers); read only."""
    folder = run_once(tmp_path_factory, "demo-crawl", _crawl_demo)
    run = json.loads((folder / "run.json").read_text())
    return DemoCrawl(folder / "archive", run["url"], run["stdout"], run["stderr"],
                     tuple(run["requests"]))


@pytest.fixture
def demo_crawl_copy(demo_crawl: DemoCrawl, tmp_path: Path) -> Path:
    """A private copy of ``demo_crawl``'s archive folder, for a test that changes it."""
    return demo_crawl.copy(tmp_path / "demo-archive")


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Headless Chromium, started once per test process (each xdist worker) and shared."""
    from tests.replay.browser import Chromium, why_chromium_cannot_run

    reason = why_chromium_cannot_run()
    if reason:
        pytest.skip(reason)
    with Chromium() as browser:
        yield browser


@contextlib.contextmanager
def holding_bundled_demo_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Hold the run's lock on the bundled demo site's fixed port (see ``bundled_demo_port``)."""
    with open(shared_root(tmp_path_factory) / "bundled-demo-port.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture
def bundled_demo_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """For a test that runs ``crawler crawl`` with no seed: it has the demo's port to itself."""
    with holding_bundled_demo_port(tmp_path_factory):
        yield



#: Cache key of each test module's last duration (seconds), to run the longest modules first.
MODULE_DURATIONS = "newsarchiver/module-durations"
_measured: dict[str, float] = {}


def _module(nodeid: str) -> str:
    return nodeid.split("::")[0]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the longest test modules first, each module still in one piece.

    With ``-n N --dist loadscope`` (``make test``) each module goes to one worker in this order:
    the long crawls start at once and the many quick modules fill the gaps, so the workers
    finish together instead of waiting on a long crawl that started last. A module's length is
    its duration in the last run (pytest's cache), else a guess from its ``slow`` marks.
    """
    cache = getattr(config, "cache", None)
    known: dict[str, float] = cache.get(MODULE_DURATIONS, {}) if cache is not None else {}
    slow = {_module(item.nodeid) for item in items if item.get_closest_marker("slow")}

    def length(item: pytest.Item) -> float:
        module = _module(item.nodeid)
        return known.get(module, 30.0 if module in slow else 1.0)

    items.sort(key=lambda item: -length(item))  # stable: a module's tests keep their order


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add up each module's duration (setup, call and teardown of its tests)."""
    module = _module(report.nodeid)
    _measured[module] = _measured.get(module, 0.0) + report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Remember the modules' durations for the next run's order (not from xdist workers)."""
    cache = getattr(session.config, "cache", None)
    if cache is None or hasattr(session.config, "workerinput") or not _measured:
        return
    known = cache.get(MODULE_DURATIONS, {})
    known.update({module: round(seconds, 2) for module, seconds in _measured.items()})
    cache.set(MODULE_DURATIONS, known)
