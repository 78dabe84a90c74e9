"""Shared crawls under faults and attack: private sockets, secrets, Ctrl-C, status, Redis loss."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from crawler.exceptions import UserError
from crawler.processes.localredis import private_dir
from tests.bigsite import BigSiteServer
from tests.conftest import REPO_ROOT, free_port
from tests.crawl.helpers import crawler
from tests.crawl.test_shared import SHARED, wait_for_hits


def test_private_socket_folder_is_the_users_alone(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    folder = private_dir()
    assert folder.parent == tmp_path and folder.stat().st_mode & 0o777 == 0o700
    folder.chmod(0o777)  # as if another user had made it for us, open to all
    with pytest.raises(UserError, match="not this user's alone"):
        private_dir()


def test_redis_password_is_never_repeated():
    url = f"redis://:s3cret-pass@127.0.0.1:{free_port()}/0"
    run = crawler("crawl", "http://127.0.0.1:9/", "--redis", url)
    assert run.returncode == 2 and "s3cret" not in run.stderr + run.stdout, run.stderr
    assert "redis://:***@127.0.0.1" in run.stderr
    run = crawler("crawl", "http://127.0.0.1:9/", "-s", "FRONTIER_REDIS_URL=localhost:s3cret@x")
    assert run.returncode == 2 and "s3cret" not in run.stderr, run.stderr


@pytest.mark.slow
def test_status_shows_the_budget_or_none(tmp_path, redis_url):
    with BigSiteServer(30) as site:
        for extra, words in (([], "no page budget"), (["--max-pages", "5"], "5 of 5 pages")):
            run = crawler("crawl", site.url, "--redis", redis_url, "--archive-dir",
                          str(tmp_path / str(len(extra))), *SHARED, *extra, "-s",
                          f"FRONTIER_CRAWL=budget{len(extra)}")
            assert run.returncode == 0, run.stderr
            status = crawler("status", "--redis", redis_url)
            name = f"budget{len(extra)}"
            line = next(x for x in status.stdout.splitlines() if x.startswith(name))
            after = status.stdout.split(line, 1)[1].splitlines()[1]
            assert words in after and "-" not in after.split(",")[0], status.stdout


@pytest.mark.slow
def test_ctrl_c_of_workers_prints_no_redis_error(tmp_path):
    with BigSiteServer(3000) as site:
        command = [sys.executable, "-m", "crawler.cli", "crawl", site.url, "--workers", "2",
                   "--archive-dir", str(tmp_path / "a"), *SHARED]
        proc = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        wait_for_hits(site, 300, [proc])
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C on a terminal does
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, (out, err)
    assert "Redis" not in err and "Traceback" not in err, err
    assert "[shutdown]" in out


def _redis(folder, port: int) -> subprocess.Popen:
    """A redis-server with an append-only file (its data survives a restart)."""
    import shutil
    import socket

    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("needs redis-server")
    folder.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "yes", "--appendfsync", "always", "--dir",
                             str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("redis-server did not start")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.slow
@pytest.mark.parametrize("back_after", [1.5, None])
def test_redis_going_away_mid_crawl(tmp_path, back_after):
    """Back within FRONTIER_REDIS_WAIT: the crawl goes on and finishes every page. Gone for
    good: one line naming Redis, exit 1, and the summary does not say "finished"."""
    port = free_port()
    server = _redis(tmp_path / "redis", port)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        with BigSiteServer(300, delay=0.02) as site:
            proc = subprocess.Popen(
                [sys.executable, "-m", "crawler.cli", "crawl", site.url, "--redis", url,
                 "--archive-dir", str(tmp_path / "a"), *SHARED, "-s", "FRONTIER_REDIS_WAIT=6",
                 "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2"],
                cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            wait_for_hits(site, 40, [proc])
            _stop(server)
            if back_after is not None:
                time.sleep(back_after)
                server = _redis(tmp_path / "redis", port)
            try:
                out, err = proc.communicate(timeout=180)
            finally:
                if proc.poll() is None:  # it hung: do not leave it behind
                    proc.kill()
                    proc.communicate()
            hits = site.page_hits()
            paths = set(site.site.paths())
    finally:
        if server.poll() is None:
            _stop(server)
    assert "Traceback" not in out + err
    if back_after is not None:
        assert proc.returncode == 0, (out, err)
        assert set(hits) == paths and "[finished]" in out
    else:
        assert proc.returncode == 1, (out, err)
        last = err.strip().splitlines()[-1]
        assert last.startswith("crawler crawl: error: lost the connection to Redis at "
                               f"redis://127.0.0.1:{port}/0"), err
        assert "[finished]" not in out and "[redis_lost]" in out, out
