"""`crawler schedule` end to end: real crawls of the demo site on a short interval."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from crawler.cli import main as cli
from crawler.demosite.model import build_site
from crawler.demosite.server import DemoSiteServer
from crawler.recurring.state import RunLog
from tests.incremental.sitecrawl import REPO, write_sites

pytestmark = pytest.mark.slow


def wait_for(condition, limit: float = 90.0) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_scheduler_runs_a_site_twice_incrementally_and_stops_on_ctrl_c(tmp_path):
    archive = tmp_path / "archive"
    articles = {a.path for a in build_site(1).articles}
    with DemoSiteServer() as server:
        sites = write_sites(tmp_path / "sites.toml", server.url, 'interval = "2s"')
        proc = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "schedule", "--sites", str(sites),
             "--archive-dir", str(archive)],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            log = lambda: RunLog(archive) if (archive / "articles.sqlite").exists() else None  # noqa: E731
            two_done = lambda: log() is not None and sum(  # noqa: E731
                1 for r in log().runs("demo") if r.finished_at) >= 2
            assert wait_for(two_done), proc.stdout.read() if proc.poll() is not None else ""
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        fetched = [p for p in server.requests if p in articles]
    assert proc.returncode == 0, err[-2000:]
    assert "scheduler stopped: " in out and ", 0 failed" in out
    runs = sorted(RunLog(archive).runs("demo"), key=lambda r: r.id)
    assert len(runs) >= 2 and all(r.exit_code == 0 for r in runs)
    assert all(b.started_at >= a.finished_at for a, b in zip(runs, runs[1:], strict=False))
    # The later runs fetched no article again: each of the 120 was fetched exactly once.
    assert sorted(fetched) == sorted(articles)


def test_once_runs_what_is_due_then_nothing(tmp_path, capsys):
    archive = tmp_path / "archive"
    with DemoSiteServer() as server:
        sites = write_sites(tmp_path / "sites.toml", server.url, 'schedule = "0 3 1 1 *"')
        first = subprocess.run(
            [sys.executable, "-m", "crawler.cli", "schedule", "--once", "--sites", str(sites),
             "--archive-dir", str(archive)],
            cwd=REPO, capture_output=True, text=True, timeout=120,
        )
        assert first.returncode == 0, first.stderr[-2000:]
        assert "demo: run 1 started" in first.stdout and "1 run(s), 0 failed" in first.stdout
        requests = len(server.requests)
        again = ["schedule", "--once", "--sites", str(sites), "--archive-dir", str(archive)]
        assert cli(again) == 0
        assert len(server.requests) == requests  # not due until 1 January, 03:00
    assert "demo: not due (cron '0 3 1 1 *'), next run" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("body", "message"),
    [('[[site]]\nname = "a"\nseeds = ["http://127.0.0.1:9/"]\n', "no site in"),
     ('[[site]]\nname = "a"\nseeds = ["http://127.0.0.1:9/"]\nschedule = "61 * * * *"\n',
      "not a cron expression")],
)
def test_bad_sites_files_give_one_line_errors(tmp_path, capsys, body, message):
    sites = tmp_path / "sites.toml"
    sites.write_text(body)
    assert cli(["schedule", "--sites", str(sites), "--archive-dir", str(tmp_path / "a")]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_bad_setting_and_unusable_archive_are_one_line_errors(tmp_path, capsys):
    sites = tmp_path / "sites.toml"
    sites.write_text('[[site]]\nname = "a"\nseeds = ["http://127.0.0.1:9/"]\ninterval = "1h"\n')
    assert cli(["schedule", "--sites", str(sites), "-s", "DOWNLOAD_DELAYY=1"]) == 2
    assert "unknown setting: did you mean DOWNLOAD_DELAY?" in capsys.readouterr().err
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "articles.sqlite").write_text("not a database")
    assert cli(["schedule", "--once", "--sites", str(sites), "--archive-dir", str(archive)]) == 2
    err = capsys.readouterr().err
    assert "cannot use" in err and len(err.strip().splitlines()) == 1
