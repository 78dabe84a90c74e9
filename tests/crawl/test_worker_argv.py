"""``crawler crawl --workers N``: what each worker process is started with."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.processes.workers import worker_argv
from crawler.shell.spiders.pool import default_workers


def _extract_workers(argv: list[str]) -> list[str]:
    """Every EXTRACT_WORKERS value the worker's command line sets, in order."""
    values = [a.removeprefix("--set=") for a in argv]
    return [v.split("=", 1)[1] for v in values if v.startswith("EXTRACT_WORKERS=")]


@pytest.mark.parametrize("given", [["--set=EXTRACT_WORKERS=0"], ["-s", "EXTRACT_WORKERS=0"]])
def test_the_users_analysis_pool_size_is_kept(given: list[str]) -> None:
    # The crawl command passes each -s NAME=VALUE on as one --set=NAME=VALUE argument.
    argv = worker_argv([*given, "http://127.0.0.1:1/"], 2, "redis://127.0.0.1:1/0",
                       Path("report.json"))
    assert _extract_workers(argv) == ["0"]
    assert argv[argv.index("--redis") + 1] == "redis://127.0.0.1:1/0"


def test_without_a_setting_each_worker_gets_its_share_of_the_cores() -> None:
    argv = worker_argv(["http://127.0.0.1:1/"], 2, "redis://127.0.0.1:1/0", Path("r.json"))
    assert _extract_workers(argv) == [str(max(1, default_workers() // 2))]
    assert argv[argv.index("--report-json") + 1] == "r.json"
