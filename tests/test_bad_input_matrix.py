"""Bad input to every subcommand: one line on stderr, the right exit status, the archive unchanged.

One archive of the demo site (a copy of the test run's demo crawl); every case runs against it (or
against a folder that does not exist, which must still not exist afterwards), and the
archive's WARC files, indexes and store rows are compared before and after.
"""

from __future__ import annotations

import shlex
import shutil
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
#  {D}: an empty folder, {P}: a port in use, sites files: {I} an interval of 10**20 days,
#  {C} a cron that never fires, {W} DOWNLOAD_DELAY = inf, {X} ITEM_PIPELINES naming os.system;
#  {K} an archive whose store is damaged, {Z} one whose store is 0 bytes), exit status, words
CASES = [
    ("crawl news.example.com --archive-dir {A}", 2, "not a valid http(s) URL"),
    ("crawl ftp://news.example.com/ --archive-dir {A}", 2, "not a valid http(s) URL"),
    ("crawl http://127.0.0.1:99999/ --archive-dir {A}", 2, "check the host name and port"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s DOWNLOD_DELAY=1", 2, "did you mean"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s DOWNLOAD_DELAY=soon", 2, "expected a"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s DEPTH_LIMIT=-1", 2, "0 or more"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s DOWNLOAD_DELAY=inf", 2, "finite"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s DOWNLOAD_DELAY=nan", 2, "finite"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s DOWNLOAD_TIMEOUT=1e400", 2, "finite"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s DOWNLOAD_DELAY=1e12", 2, "at most 86400"),
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s CONCURRENT_REQUESTS=99999999999999999999",
     2, "at most"),
    ("crawl --archive-dir {A} --sites {I}", 2, "longer than 10 years"),
    ("crawl --archive-dir {A} --sites {C}", 2, "never fires"),
    ("schedule --sites {C} --archive-dir {A} --once", 2, "never fires"),
    ("crawl --archive-dir {A} --sites {W}", 2, "finite"),
    ("crawl --archive-dir {A} --sites {X}", 2, "may only name the crawler's and Scrapy's"),
    ("schedule --sites {X} --archive-dir {A} --once", 2, "may only name"),
    ("search flood --archive-dir {K}", 2, "is damaged"),
    ("history {U} --archive-dir {K}", 2, "is damaged"),
    ("diff {U} --archive-dir {K}", 2, "is damaged"),
    ("export --archive-dir {K}", 2, "is damaged"),
    ("duplicates --archive-dir {K}", 2, "is damaged"),
    ("extract {A}/warc --archive-dir {K}", 2, "is damaged"),
    ("search flood --archive-dir {Z}", 2, "is empty (0 bytes)"),
    ("history {U} --archive-dir {Z}", 2, "is empty (0 bytes)"),
    ("diff {U} --archive-dir {Z}", 2, "is empty (0 bytes)"),
    ("export --archive-dir {Z}", 2, "is empty (0 bytes)"),
    ("duplicates --archive-dir {Z}", 2, "is empty (0 bytes)"),
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
    ("crawl http://127.0.0.1:9/ --archive-dir {A} -s DNS_TIMEOUT=0", 2, "above 0"),
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
    ("crawl http://127.0.0.1:9/" + "a" * 2100 + " --archive-dir {A}", 2, "URLLENGTH_LIMIT"),
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
    site = '[[site]]\nname = "x"\nseeds = ["http://127.0.0.1:9/"]\n'
    (tmp_path / "interval.toml").write_text(site + 'interval = "99999999999999999999d"\n')
    (tmp_path / "cron.toml").write_text(site + 'schedule = "0 0 31 2 *"\n')
    (tmp_path / "inf.toml").write_text(site + "[site.settings]\nDOWNLOAD_DELAY = inf\n")
    (tmp_path / "code.toml").write_text(
        site + '[site.settings]\nITEM_PIPELINES = {"os.system" = 1}\n')
    damaged, empty = tmp_path / "damaged", tmp_path / "empty"
    for folder in (damaged, empty):
        folder.mkdir()
        (folder / "articles.sqlite").write_bytes(b"")
    (damaged / "articles.sqlite").write_bytes(b"SQLite format 3\0" + b"\xff" * 8000)
    with _taken_port() as taken:
        yield {"A": str(archive), "N": str(tmp_path / "nowhere"), "F": str(tmp_path / "file"),
               "T": str(tmp_path / "text.warc.gz"), "E": str(tmp_path / "empty.warc"),
               "D": str(tmp_path / "emptydir"), "U": _article_url(archive),
               "P": str(taken.getsockname()[1]), "I": str(tmp_path / "interval.toml"),
               "C": str(tmp_path / "cron.toml"), "W": str(tmp_path / "inf.toml"),
               "X": str(tmp_path / "code.toml"), "K": str(damaged), "Z": str(empty)}
    # Read-only commands never write a schema into an empty store file.
    assert (empty / "articles.sqlite").stat().st_size == 0


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


SITEMAP_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
                b'schemas/sitemap/0.9">\n')


@pytest.mark.slow
@pytest.mark.parametrize(("ctype", "body"), [
    ("application/xml", SITEMAP_HEAD + b"<url><lo"),
    ("application/rss+xml", b"<rss><channel><title>News</title><item><ti"),
])
def test_truncated_xml_seed_is_an_error(archive, ctype, body):
    from tests.crawl.sitekit import serve

    before = state(archive)
    with serve({"/sitemap.xml": (200, {"Content-Type": ctype}, body)}) as server:
        run = crawler("crawl", server.url + "sitemap.xml", "--archive-dir", str(archive), *FAST,
                      timeout=120)
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 2 and len(lines) == 1, (run.stdout, lines)
    assert "gave no entries (truncated or malformed XML" in lines[0], lines
    assert state(archive) == before


@pytest.mark.slow
def test_partly_read_xml_seed_is_a_partial_failure(tmp_path):
    from tests.crawl.sitekit import article, serve

    story = "/2024/05/01/a-story-about-the-council"
    with serve({story: (200, {}, article("Council"))}) as server:
        body = SITEMAP_HEAD + f"<url><loc>{server.url}{story[1:]}</loc></url><url><l".encode()
        with serve({"/sitemap.xml": (200, {"Content-Type": "application/xml"}, body)}) as seed:
            run = crawler("crawl", seed.url + "sitemap.xml", "--archive-dir", str(tmp_path),
                          "-s", "CRAWL_ALLOWED_DOMAINS=127.0.0.1", *FAST, timeout=120)
    last = run.stderr.strip().splitlines()[-1]
    assert run.returncode == 1 and "only 1 entries of the sitemap could be read" in last, last


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


@pytest.mark.slow
def test_a_second_crawl_into_a_busy_folder_is_one_line(tmp_path):
    """Two crawls into one archive folder at once: the second is refused (exit 2)."""
    import subprocess
    import sys
    import time

    from tests.bigsite import BigSiteServer
    from tests.conftest import REPO_ROOT

    archive = tmp_path / "a"
    with BigSiteServer(200, delay=0.05) as big:
        first = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "crawl", big.url, "--archive-dir",
             str(archive), *FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2"],
            cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while sum(big.page_hits().values()) < 5 and time.monotonic() < deadline:
                time.sleep(0.1)
            run = crawler("crawl", big.url, "--archive-dir", str(archive), *FAST, timeout=120)
            assert max(big.page_hits().values()) == 1  # the second fetched nothing again
        finally:
            first.kill()
            first.wait()
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 2 and len(lines) == 1, (run.stdout, lines)
    assert f"archive folder {archive} is in use by the same crawl (process {first.pid})" in \
        lines[0], lines


def _zero_pages(store: Path, first: int, count: int) -> None:
    """Overwrite ``count`` 4 kB pages of an SQLite file with zeros (a torn disk write)."""
    data = bytearray(store.read_bytes())
    data[first * 4096:(first + count) * 4096] = b"\0" * (count * 4096)
    store.write_bytes(bytes(data))


@pytest.mark.slow
def test_a_store_damaged_inside_is_one_line_for_readers_and_the_crawl(archive, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(archive, copy)
    for extra in copy.glob("articles.sqlite-*"):
        extra.unlink()
    sqlite3.connect(copy / "articles.sqlite").execute("PRAGMA wal_checkpoint").close()
    _zero_pages(copy / "articles.sqlite", 1, 3)
    for args in (["search", "story"], ["export", "-o", "-"],
                 ["crawl", "http://127.0.0.1:9/", *FAST]):
        run = crawler(*args, "--archive-dir", str(copy), timeout=120)
        lines = run.stderr.strip().splitlines()
        assert run.returncode == 2 and len(lines) == 1, (args, lines)
        assert "is damaged" in lines[0] and "crawler extract" in lines[0], lines


@pytest.mark.slow
def test_a_component_that_fails_at_set_up_is_one_line_not_interrupted(tmp_path):
    sites = tmp_path / "sites.toml"
    sites.write_text('[[site]]\nname = "x"\nseeds = ["http://127.0.0.1:9/"]\n[site.settings]\n'
                     'ITEM_PIPELINES = {"crawler.shell.pipelines.NoSuchPipeline" = 1}\n')
    run = crawler("crawl", "--sites", str(sites), "--archive-dir", str(tmp_path / "a"), *FAST)
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 2 and len(lines) == 1, lines
    assert "could not be set up" in lines[0] and "NoSuchPipeline" in lines[0], lines


def _hostile_warcs(folder: Path) -> dict[str, Path]:
    """Damaged and hostile WARCs (issue 22): each beside nothing else in its own folder."""
    import gzip

    from tests.store.warcs import article_html, unique_text, write_warc

    def good(name: str, seed: int, gz: bool = True) -> bytes:
        path = folder / name
        write_warc(path, [(f"http://127.0.0.1/{seed}", article_html(f"S{seed}", unique_text(seed)),
                           "2026-11-20T10:00:00Z")], gzip=gz)
        return path.read_bytes()

    folder.mkdir()
    out = {}
    out["junk-between-members"] = folder / "mixed.warc.gz"
    out["junk-between-members"].write_bytes(good("a.warc.gz", 1) + good("j.warc", 2, gz=False)
                                            + good("b.warc.gz", 3))
    headers = (b"WARC/1.0\r\nWARC-Type: response\r\n" + b"X-Junk: line\r\n" * 200_000
               + b"Content-Length: 0\r\n\r\n\r\n\r\n")
    out["8-mb-of-headers"] = folder / "headers.warc.gz"
    out["8-mb-of-headers"].write_bytes(gzip.compress(headers) + good("c.warc.gz", 4))
    from tests.archive.test_readlimits import bomb_warc

    out["brotli-bomb"] = bomb_warc(folder / "bomb.warc.gz", 256)
    for name in ("a.warc.gz", "j.warc", "b.warc.gz", "c.warc.gz"):
        (folder / name).unlink()
    return out


@pytest.mark.parametrize("kind", ["junk-between-members", "8-mb-of-headers", "brotli-bomb"])
def test_hostile_archives_are_reported_and_the_rest_kept(tmp_path, capsys, kind):
    warcs = _hostile_warcs(tmp_path / "in")
    if kind not in warcs:
        pytest.skip("Brotli is not installed")
    archive = tmp_path / "archive"
    status = _run(["extract", str(warcs[kind]), "--archive-dir", str(archive), "--jobs", "1"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert status == (0 if kind == "brotli-bomb" else 1), err
    with sqlite3.connect(archive / "articles.sqlite") as conn:
        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert stored == {"junk-between-members": 2, "8-mb-of-headers": 1, "brotli-bomb": 0}[kind]
    if kind != "brotli-bomb":
        assert "skipped" in err and "bytes to the next record" in err, err
