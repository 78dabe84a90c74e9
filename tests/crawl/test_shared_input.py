"""Bad input to a shared crawl: one line naming the fix, exit status 2, nothing fetched."""

from __future__ import annotations

import pytest

from tests.crawl.helpers import assert_one_line_error, crawler


@pytest.mark.parametrize(("args", "words"), [
    (["--workers", "0"], ["--workers '0'", "e.g. --workers 2"]),
    (["--workers", "all"], ["--workers 'all'"]),
    (["--redis", "http://127.0.0.1:6379/0"], ["not a Redis URL", "redis://"]),
])
def test_bad_shared_crawl_options(tmp_path, args, words):
    run = crawler("crawl", "http://127.0.0.1:9/", "--archive-dir", str(tmp_path), *args)
    assert_one_line_error(run, *words)


def test_unreachable_redis_is_one_line(tmp_path, free_tcp_port):
    url = f"redis://127.0.0.1:{free_tcp_port}/0"
    run = crawler("crawl", "http://127.0.0.1:9/", "--archive-dir", str(tmp_path), "--redis", url)
    assert_one_line_error(run, f"cannot reach Redis at {url}", "fix --redis")
    status = crawler("status", "--redis", url)
    assert status.returncode == 2 and "cannot reach Redis" in status.stderr


def test_status_of_an_empty_redis(redis_url):
    run = crawler("status", "--redis", redis_url)
    assert run.returncode == 1
    assert f"no shared crawl in {redis_url}" in run.stderr.strip().splitlines()[-1]
