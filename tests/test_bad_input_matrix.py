"""Bad input to every subcommand: one line on stderr, the right exit status, the archive unchanged.

One archive of the demo site (a copy of the test run's demo crawl); every case runs against it (or
against a folder that does not exist, which must still not exist afterwards), and the
archive's WARC files, indexes and store rows are compared before and after.
"""

from __future__ import annotations

import shlex
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.cli import main
from crawler.demosite import DemoSiteServer
from tests.crawl.helpers import FAST, crawler

TABLES = ("pages", "articles", "texts", "incremental_fetch", "warc_reconciled")


@pytest.fixture(scope="module")
def site() -> Iterator[DemoSiteServer]:
    """The demo site, for the whole module."""
    with DemoSiteServer(port=0) as server:
        yield server


@pytest.fixture(scope="module")
def archive(demo_crawl, tmp_path_factory) -> Path:
    """An archive of the demo site (a copy of the run's demo crawl), with articles to ask about."""
    return demo_crawl.copy(tmp_path_factory.mktemp("matrix") / "archive")


def state(folder: Path) -> tuple:
    """What must not change: WARC and index files (name, size) and the store's row counts."""
    if not folder.exists():
        return ("missing",)
    files = tuple(sorted(
        (str(p.relative_to(folder)), p.stat().st_size)
        for sub in ("warc", "indexes") if (folder / sub).is_dir()
        for p in (folder / sub).iterdir() if not p.name.endswith(("-wal", "-shm"))
    ))
    conn = sqlite3.connect(folder / "articles.sqlite")
    try:
        rows = tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES)
    finally:
        conn.close()
    return files, rows


def _article_url(folder: Path) -> str:
    conn = sqlite3.connect(folder / "articles.sqlite")
    try:
        return conn.execute("SELECT url FROM articles LIMIT 1").fetchone()[0]
    finally:
        conn.close()


def _taken_port() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


# (command line with {A}: archive, {N}: a folder that does not exist, {F}: a file,
#  {U}: an archived article URL, {T}: a text file named .warc.gz, {E}: an empty .warc,
#  {D}: an empty folder, {P}: a port in use), exit status, words of the error line
CASES = [
    ("crawl news.example.com --archive-dir {A}", 2, "not a valid http(s) URL"),
    ("crawl ftp://news.example.com/ --archive-dir {A}", 2, "not a valid http(s) URL"),
    ("crawl http://127.0.0.1:99999/ --archive-dir {A}", 2, "check the host name and port"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s DOWNLOD_DELAY=1", 2, "did you mean"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s DOWNLOAD_DELAY=soon", 2, "expected a"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s DEPTH_LIMIT=-1", 2, "0 or more"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s WARC_MAX_SIZE=-1", 2, "at least 1"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s WARC_PREFIX=a/b", 2, "WARC file name"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s INCREMENTAL_REVISIT_AFTER=bogus", 2,
     "not a duration"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s INCREMENTAL_FORGET_AFTER=bogus", 2,
     "not a duration"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s INCREMENTAL_ROLES=bogus", 2,
     "article and unknown"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s CONCURRENT_REQUESTS=0", 2, "at least 1"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s DOWNLOAD_TIMEOUT=0", 2, "above 0"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s ROBOTSTXT_OBEY=maybe", 2, "true or false"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s LOG_LEVEL=LOUD", 2, "expected one of"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s JUSTANAME", 2, "not NAME=VALUE"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s FRONTIER_LEASE_TIMEOUT=0", 2, "above 0"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s FRONTIER_HEARTBEAT=40", 2,
     "fewer seconds than FRONTIER_LEASE_TIMEOUT"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s FRONTIER_REDIS_URL=localhost:6379", 2,
     "expected a Redis URL"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s FRONTIER_CRAWL=a/b", 2,
     "expected a crawl name"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} --workers 0", 2, "e.g. --workers 2"),
    ("crawl http://127.0.0.1:9/ --archive-dir {N} --workers many", 2, "not a number of"),
    ("crawl http://127.0.0.1:9/ --archive-dir {N} --redis http://127.0.0.1:6379/", 2,
     "not a Redis URL"),
    ("crawl http://127.0.0.1:9/ --archive-dir {N} --redis redis://127.0.0.1:9/0", 2,
     "cannot reach Redis"),
    ("status --redis 127.0.0.1:6379", 2, "not a Redis URL"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} --max-pages 0", 2, "positive whole number"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} --max-pages", 2, "expected one argument"),
    ("crawl --archive-dir {A} --site daily", 2, "--sites FILE"),
    ("crawl --archive-dir {A} --sites {N}/sites.toml", 2, "does not exist"),
    ("crawl --archive-dir {A} --sites {T}", 2, "not valid TOML"),
    ("crawl http://127.0.0.1:9/ --archive-dir {F}/archive", 2, "not writable"),
    ("demo-site --port 70000", 2, "not a TCP port"),
    ("demo-site --edition 3", 2, "does not exist"),
    ("demo-site --port {P}", 2, "cannot listen"),
    ("extract {N}/x.warc --archive-dir {A}", 2, "does not exist"),
    ("extract {T} --archive-dir {A}", 2, "not a WARC or ARC file"),
    ("extract {E} --archive-dir {A}", 2, "it is empty"),
    ("extract {D} --archive-dir {A}", 2, "no WARC or ARC files"),
    ("extract {A}/warc --archive-dir {A} --jobs -1", 2, "negative"),
    ("export --archive-dir {N}", 2, "no article store"),
    ("export --archive-dir {A} --since yesterday-ish", 2, "cannot read the date"),
    ("export --archive-dir {A} -o {D}", 2, "is a folder"),
    ("export --archive-dir {A} -o {N}/out.jsonl", 2, "does not exist"),
    ("export --archive-dir {A} --format xml", 2, "invalid choice"),
    ("search flood --archive-dir {N}", 2, "no article store"),
    ("search '\"unbalanced' --archive-dir {A}", 2, "cannot search"),
    ("search flood --archive-dir {A} --limit 0", 2, "at least 1"),
    ("replay --archive-dir {A} --port 0", 2, "not a TCP port"),
    ("replay --archive-dir {A} --refresh 0", 2, "positive number"),
    ("replay --archive-dir {A} --port 9090 --replay-port 9090", 2, "origin of their own"),
    ("replay --archive-dir {A} --replay-port 70000", 2, "must be a TCP port"),
    ("replay --archive-dir {N}", 2, "does not exist"),
    ("wacz --archive-dir {A} -o {D}/out.zip", 2, "must end in .wacz"),
    ("wacz --archive-dir {A} -o {A}/warc/x.wacz", 2, "inside the WARC folder"),
    ("wacz --archive-dir {N}", 2, "does not exist"),
    ("schedule --sites {N}/sites.toml --archive-dir {A}", 2, "does not exist"),
    ("schedule --sites {T} --archive-dir {A} --once --parallel 0", 2, "at least 1"),
    ("schedule --sites {T} --archive-dir {A} --keep-runs 0", 2, "not valid TOML"),
    ("history http://news.example.com/nothing --archive-dir {A}", 2, "not in the archive"),
    ("history {U} --archive-dir {N}", 2, "no article store"),
    ("diff {U} --archive-dir {A} --to 99", 2, "version 99 does not exist"),
    ("diff http://news.example.com/nothing --archive-dir {A}", 2, "no stored article text"),
    ("diff {U} --archive-dir {N}", 2, "no article store"),
    ("nosuchcommand", 2, "invalid choice"),
]


@pytest.fixture
def places(archive, tmp_path) -> Iterator[dict[str, str]]:
    """The placeholders' values for one case."""
    (tmp_path / "file").write_text("a file, not a folder")
    (tmp_path / "text.warc.gz").write_text("just some text, not an archive\n")
    (tmp_path / "empty.warc").write_bytes(b"")
    (tmp_path / "emptydir").mkdir()
    with _taken_port() as taken:
        yield {"A": str(archive), "N": str(tmp_path / "nowhere"), "F": str(tmp_path / "file"),
               "T": str(tmp_path / "text.warc.gz"), "E": str(tmp_path / "empty.warc"),
               "D": str(tmp_path / "emptydir"), "U": _article_url(archive),
               "P": str(taken.getsockname()[1])}


def test_matrix_is_big_enough():
    assert len(CASES) >= 40
    assert {c[0].split()[0] for c in CASES} >= {
        "crawl", "demo-site", "extract", "export", "search", "replay", "wacz", "schedule",
        "history", "diff", "status"}


def _run(args: list[str]) -> int:
    """``crawler ARGS`` in this process; argparse's errors exit, others return."""
    try:
        return main(args)
    except SystemExit as exit_:
        return int(exit_.code or 0)


@pytest.mark.parametrize(("line", "code", "words"), CASES, ids=[c[0][:60] for c in CASES])
def test_bad_input(places, archive, capsys, line, code, words):
    args = [part.format(**places) for part in shlex.split(line)]
    before = state(archive)
    status = _run(args)
    err = capsys.readouterr().err.strip().splitlines()
    assert status == code
    assert len(err) == 1 and "error: " in err[0] and words in err[0], err
    assert state(archive) == before
    assert not Path(places["N"]).exists()  # a reader never creates a folder or a store


@pytest.mark.slow
@pytest.mark.parametrize(("path", "words"), [
    ("static/site.css", "neither an HTML page, a feed nor a sitemap"),
    ("no-such-page/", "answered HTTP 404"),
])
def test_rejected_seed_leaves_the_archive_untouched(site, archive, path, words):
    before = state(archive)
    run = crawler("crawl", site.url + path, "--archive-dir", str(archive), *FAST, timeout=120)
    assert run.returncode == 2
    assert run.stdout == ""  # no summary, no progress: the error says it all
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], lines
    assert state(archive) == before


@pytest.mark.slow
def test_unreachable_seed_is_one_line(archive, free_tcp_port):
    before = state(archive)
    run = crawler("crawl", f"http://127.0.0.1:{free_tcp_port}/", "--archive-dir", str(archive),
                  *FAST, timeout=120)
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 2 and len(lines) == 1 and "could not fetch seed" in lines[0], lines
    assert state(archive) == before


@pytest.fixture
def free_tcp_port() -> int:
    """A port on 127.0.0.1 with nothing listening."""
    from tests.conftest import free_port

    return free_port()
