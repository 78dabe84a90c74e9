"""Unit tests of the crawl's pure helpers: sites file, settings check, warm-up, progress."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from crawler.config.settingscheck import check_setting, parse_pairs
from crawler.config.sites import load_sites, parse_interval, select_sites
from crawler.discovery import priority_for
from crawler.exceptions import UserError
from crawler.frontier.warmup import Held, SiteWarmup
from crawler.shell.extensions.progress import ProgressBoard, plain_line, snapshot
from tests.conftest import REPO_ROOT


@pytest.mark.parametrize(
    ("text", "seconds"), [("30m", 1800), ("2h", 7200), ("1d", 86400), ("1h30m", 5400), ("45s", 45)]
)
def test_parse_interval(text, seconds):
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "often", "0m", "30", "m30"])
def test_parse_interval_rejects(text):
    with pytest.raises(ValueError):
        parse_interval(text)


def test_sites_file_round_trip_and_selection(tmp_path):
    path = tmp_path / "sites.toml"
    path.write_text(
        '[[site]]\nname = "a"\nseeds = ["https://a.example/"]\nmax_pages = 5\ndepth = 2\n'
        'interval = "2h"\n[site.settings]\nDOWNLOAD_DELAY = 3\n'
        '[[site]]\nname = "b"\nseeds = "https://b.example/feed"\nschedule = "0 * * * *"\n'
    )
    a, b = load_sites(path)
    assert (a.name, a.seeds, a.max_pages, a.depth, a.interval_seconds) == (
        "a", ("https://a.example/",), 5, 2, 7200,
    )
    assert a.settings == {"DOWNLOAD_DELAY": 3}
    assert b.seeds == ("https://b.example/feed",) and b.schedule == "0 * * * *"
    assert select_sites([a, b], ["b"]) == [b]
    assert select_sites([a, b], None) == [a, b]
    with pytest.raises(UserError, match="no site named 'c'"):
        select_sites([a, b], ["c"])


def test_settings_check():
    assert parse_pairs(["DOWNLOAD_DELAY=2", "LOG_LEVEL=DEBUG", "CRAWL_USE_FEEDS=false"]) == {
        "DOWNLOAD_DELAY": "2", "LOG_LEVEL": "DEBUG", "CRAWL_USE_FEEDS": "false",
    }
    check_setting("DEPTH_LIMIT", 3, "site")  # non-strings from TOML are taken as they are
    with pytest.raises(UserError, match="did you mean CONCURRENT_REQUESTS"):
        check_setting("CONCURENT_REQUESTS", "3", "-s")


@pytest.mark.parametrize(("value", "problem"), [
    ("0", "above 0"), ("-1", "above 0"), ("3600", "at most 600"), ("soon", "number of seconds"),
])
def test_dns_timeout_is_checked(value, problem):
    with pytest.raises(UserError, match=f"DNS_TIMEOUT='{value}': expected .*{problem}"):
        parse_pairs([f"DNS_TIMEOUT={value}"])


def test_dns_timeout_default_is_short():
    from crawler.processes.jobs import CrawlJob, job_settings

    settings = job_settings(CrawlJob("x", ["http://127.0.0.1:9/"]), {}, {})
    # Scrapy's own 60 s would hold a host's slot a minute per dead name server.
    assert settings.getfloat("DNS_TIMEOUT") == 10.0
    assert parse_pairs(["DNS_TIMEOUT=2.5"]) == {"DNS_TIMEOUT": "2.5"}


def test_newest_first_priority():
    now = datetime(2024, 4, 23, tzinfo=UTC)
    fresh = priority_for("2024-04-22T10:00:00Z", now)
    old = priority_for("2023-04-22T10:00:00Z", now)
    assert fresh > old > priority_for(None, now) == 0
    # Dates years apart stay ordered (the demo site's 2024 articles, crawled years later).
    later = datetime(2029, 1, 1, tzinfo=UTC)
    assert priority_for("2024-04-22T10:00:00Z", later) > priority_for("2024-04-01T10:00:00Z", later)
    assert priority_for("2030-01-01T00:00:00Z", now) == 4000  # future dates count as today


def test_warmup_holds_articles_until_the_site_is_warm(tmp_path):
    warm = SiteWarmup(warmup_pages=3, max_held=10, profile_dir=str(tmp_path))
    url = "https://news.example/a"
    assert warm.profile(url) is None and not warm.is_warm(url)
    warm.hold(url, Held(item="x", body=b"", content_type=None))
    for n in range(2):
        warm.observe(f"https://news.example/{n}", ("b:div.side\tabc", f"b:p\t{n}"))
        assert warm.ready(url) == []
    warm.observe("https://news.example/2", ("b:div.side\tabc",))
    assert [h.item for h in warm.ready(url)] == ["x"] and warm.held_count == 0
    profile, ref = warm.profile(url), warm.profile_ref(url)
    assert profile is not None and profile.pages_seen == 3
    assert ref is not None and (tmp_path / ref.path.rsplit("/", 1)[1]).is_file()


def test_warmup_releases_a_full_buffer_and_everything_at_the_end():
    warm = SiteWarmup(warmup_pages=100, max_held=2)
    url = "https://news.example/a"
    warm.hold(url, Held("1", b"", None))
    assert warm.ready(url) == []
    warm.hold(url, Held("2", b"", None))
    assert [h.item for h in warm.ready(url)] == ["1", "2"]
    warm.hold("https://other.example/", Held("3", b"", None))
    assert [h.item for h in warm.take_all()] == ["3"]


def test_progress_plain_lines_are_bounded_and_readable():
    stats = {"response_received_count": 50, "pages/article": 30, "pages/list/list-page": 15,
             "warc/response_bytes": 2_500_000, "downloader/response_status_count/404": 2,
             "errors/http-404": 2, "errors/timeout": 1, "retry/count": 4, "log_count/ERROR": 1}
    snap = snapshot(stats, elapsed=10.0)
    # Errors are the failed requests by kind: not retries, not log lines, not robots.txt 404s.
    assert (snap.pages, snap.articles, snap.lists, snap.errors) == (50, 30, 15, 3)
    assert snap.archived_bytes == 2_500_000
    assert snapshot({"downloader/response_bytes": 9}, 1.0).archived_bytes == 0
    out = io.StringIO()
    ProgressBoard(live=False, stream=out).update("daily", snap)
    assert out.getvalue() == plain_line("daily", snap) + "\n"
    assert "50 pages, 30 articles" in out.getvalue() and "5.0 pages/s" in out.getvalue()


def test_scrapy_list_shows_the_news_spider():
    out = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=REPO_ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["news"], out.stderr


def test_summary_lists_only_this_runs_warc_files(tmp_path):
    """Another crawl's fresh WARC in the same folder (a scheduled run just before) is not ours."""
    import os
    import time

    from crawler.processes.runner import _warc_files

    (tmp_path / "warc").mkdir()
    other = tmp_path / "warc" / "crawl-20261125160606742-00000-vm-1.warc.gz"
    mine = tmp_path / "warc" / f"crawl-20261125160608742-00000-vm-{os.getpid()}.warc.gz"
    for path in (other, mine):
        path.write_bytes(b"")
    assert _warc_files(tmp_path, time.time()) == [mine]
