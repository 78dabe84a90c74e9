"""Shared crawls under faults and attack: private sockets, secrets, Ctrl-C, status, Redis loss."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from crawler.exceptions import UserError
from crawler.localredis import private_dir
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
