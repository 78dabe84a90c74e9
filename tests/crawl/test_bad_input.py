"""Bad input: one-line error naming the problem, exit 2, no traceback, nothing archived lost."""

from __future__ import annotations

import pytest

from crawler.cli import main
from tests.crawl.helpers import FAST, Run, assert_one_line_error, crawler, stored_articles


@pytest.fixture
def check(capsys):
    """Run ``crawler crawl ARGS`` in this process (input checks fail before Scrapy starts)."""

    def run(*args: str) -> Run:
        code = main(["crawl", *FAST, *args])
        out = capsys.readouterr()
        return Run(code, out.out, out.err)

    return run


def _crawl(*args: str) -> Run:
    """A real crawl in a subprocess (Twisted's reactor cannot start twice in one process)."""
    return crawler("crawl", *FAST, *args, timeout=60)


@pytest.mark.parametrize(
    ("seed", "words"),
    [
        ("news.example.com", ["not a valid http(s) URL", "https://news.example.com/"]),
        ("ftp://news.example.com/", ["not a valid http(s) URL"]),
        ("http://", ["not a valid http(s) URL"]),
        ("news.example.com/world/", ["e.g. https://news.example.com/world/"]),
        ("file:///etc/passwd", ["only http:// and https:// URLs"]),
        ("http://127.0.0.1:99999/", ["check the host name and port"]),
        ("https://[::1", ["check the host name and port"]),
        ("http://exa mple.com/", ["check the host name and port"]),
    ],
)
def test_malformed_seed(check, tmp_path, seed, words):
    assert_one_line_error(check("--archive-dir", str(tmp_path), seed), *words)
    # the suggested fix is never the same bad URL again
    assert f"e.g. {seed}" not in check("--archive-dir", str(tmp_path), seed).stderr


@pytest.mark.slow
def test_unreachable_host_keeps_what_was_archived(demo_crawl_copy, free_tcp_port):
    archive = demo_crawl_copy  # a finished crawl of the demo site
    before = stored_articles(archive)
    assert before
    run = _crawl("--archive-dir", str(archive), f"http://127.0.0.1:{free_tcp_port}/")
    assert_one_line_error(run, "could not fetch seed", "reachable")
    assert set(stored_articles(archive)) == set(before)


@pytest.mark.slow
def test_seed_that_is_not_html_feed_or_sitemap(demo, tmp_path):
    run = _crawl("--archive-dir", str(tmp_path), demo.url + "static/site.css")
    assert_one_line_error(run, "neither an HTML page, a feed nor a sitemap", "text/css")
    # Only the seed itself was fetched: an unusable seed does not start a crawl.
    assert [p for p in demo.requests if p != "/robots.txt"] == ["/static/site.css"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("this is [[ not toml", ["not valid TOML"]),
        ('title = "x"\n', ["no [[site]] tables"]),
        ('[[site]]\nname = "a"\n', ["seeds is missing"]),
        ('[[site]]\nname = "a"\nseeds = ["nope"]\n', ["'nope' is not an http(s) URL"]),
        ('[[site]]\nname = "a"\nseeds = ["https://a.example/"]\nspeed = 3\n', ["unknown key"]),
        ('[[site]]\nname = "a"\nseeds = ["https://a.example/"]\ninterval = "often"\n',
         ["interval 'often'"]),
        ('[[site]]\nname = "a"\nseeds = ["https://a.example/"]\nschedule = "every day"\n',
         ["not a cron expression"]),
        ('[[site]]\nname = "a"\nseeds = ["https://a.example/"]\n[site.settings]\n'
         "DOWNLOAD_DELAYS = 1\n", ["DOWNLOAD_DELAYS", "did you mean DOWNLOAD_DELAY"]),
        ('[[site]]\nname = "a"\nseeds = ["https://a.example/"]\n'
         '[[site]]\nname = "a"\nseeds = ["https://b.example/"]\n', ["used twice"]),
    ],
)
def test_bad_sites_file(check, tmp_path, content, words):
    sites = tmp_path / "sites.toml"
    sites.write_text(content)
    run = check("--archive-dir", str(tmp_path / "a"), "--sites", str(sites))
    assert_one_line_error(run, str(sites), *words)


def test_missing_sites_file_and_unknown_site(check, tmp_path):
    assert_one_line_error(check("--sites", str(tmp_path / "none.toml")), "does not exist")
    sites = tmp_path / "s.toml"
    sites.write_text('[[site]]\nname = "a"\nseeds = ["https://a.example/"]\n')
    assert_one_line_error(check("--sites", str(sites), "--site", "b"), "no site named 'b'", "a")
    assert_one_line_error(check("--site", "b"), "--sites FILE")


def test_unwritable_archive_dir(check, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    run = check("--archive-dir", str(blocker / "archive"), "http://127.0.0.1:9/")
    assert_one_line_error(run, "not writable", "--archive-dir")


@pytest.mark.parametrize(
    ("pair", "words"),
    [
        ("DOWNLOD_DELAY=1", ["unknown setting", "did you mean DOWNLOAD_DELAY"]),
        ("DOWNLOAD_DELAY=soon", ["expected a number"]),
        ("ROBOTSTXT_OBEY=maybe", ["expected true or false"]),
        ("CONCURRENT_REQUESTS=1.5", ["expected a whole number"]),
        ("JUSTANAME", ["not NAME=VALUE"]),
        ("EXTRACT_WORKERS=many", ["expected auto or a whole number"]),
        ("LOG_LEVEL=LOUD", ["expected one of DEBUG"]),
    ],
)
def test_bad_setting(check, tmp_path, pair, words):
    run = check("--archive-dir", str(tmp_path), "-s", pair, "http://127.0.0.1:9/")
    assert_one_line_error(run, *words)


def test_bad_max_pages(check, tmp_path):
    run = check("--archive-dir", str(tmp_path), "--max-pages", "lots", "http://127.0.0.1:9/")
    assert_one_line_error(run, "--max-pages 'lots'")
