"""Issue 22's replay items, each checked against a real `crawler replay` (and Chromium).

- archived scripts cannot read the archive browser: replay has its own origin, raw replay a
  sandboxing CSP;
- a ``Host`` that is not a loopback name is refused (DNS rebinding);
- ``replay/pywb.log`` planted as a symlink does not make replay overwrite the link's target;
- one damaged record does not cost its WARC's other pages their replay;
- an unreadable store is one line at once; SIGTERM during start-up leaves no pywb behind.
"""

from __future__ import annotations

import gzip
import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.store import PageRecord, WarcLocation, open_store
from tests.replay.conftest import make_archive
from tests.replay.replayhelp import REPO, fetch, free_ports, replay_of, run_cli, running_replay
from tests.replay.warcs import Page, sample_pages, write_warc

pytestmark = pytest.mark.slow

SECRET = "Secret-Story-Title-4711"
HOSTILE_URL = "http://evil.example/2026/hostile.html"
BEFORE, AFTER = sample_pages("good.example")[:2]
PRECIOUS = b"the user's file: replay must never write here\n"


def _probe_script(browser: str) -> str:
    """An archived page's script that tries to read the browser's pages and tells what it got."""
    return f"""<script>
document.documentElement.setAttribute("data-ran", "yes");
function probe(u) {{
  return fetch(u).then(function (r) {{ return r.text(); }}).then(
    function (t) {{ return t.indexOf("{SECRET}") >= 0 ? "read" : "no-secret"; }},
    function () {{ return "blocked"; }});
}}
Promise.all([probe("{browser}/pages"), probe("{browser}/?q=secret"), probe("/archive/../pages"),
             probe("/pages")]).then(function (r) {{
  document.documentElement.setAttribute("data-probe", r.join(","));
}});
</script>"""


def _damaged_warc(path: Path) -> None:
    """A WARC: a good page, a record with a corrupt gzip member, another good page."""
    first, second = path.with_name("1.warc.gz"), path.with_name("2.warc.gz")
    write_warc(first, [BEFORE])
    write_warc(second, [AFTER])
    junk = gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 5\r\n\r\nhello")
    junk = junk[:12] + b"\xff" * 40  # a gzip header, then bytes that are no deflate stream
    path.write_bytes(first.read_bytes() + junk + second.read_bytes())
    first.unlink()
    second.unlink()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """An archive with a secret article, a hostile page and a damaged WARC; pywb.log planted as
    a symlink to a precious file; served by one `crawler replay`."""
    port = free_ports()
    root = tmp_path_factory.mktemp("hardening") / "archive"
    hostile = Page(HOSTILE_URL, "Hostile page", _probe_script(f"http://127.0.0.1:{port}"))
    make_archive(root, [hostile, *sample_pages()])
    with open_store(root, create=False) as db:
        db.add_page(PageRecord(
            url="http://news.example/secret.html", site="news.example",
            fetched_at="2026-01-02T03:04:05Z", is_article=True, page_reason="test",
            text="Only the archive's reader may see this.", meta={"title": SECRET},
            warc=WarcLocation("x.warc.gz", 0, 0, "<urn:uuid:secret>"),
        ))  # fmt: skip
        db.commit()
    _damaged_warc(root / "warc" / "damaged-20260102030405-00000-host-1.warc.gz")
    precious = root.parent / "precious.txt"
    precious.write_bytes(PRECIOUS)
    (root / "replay").mkdir()
    (root / "replay" / "pywb.log").symlink_to(precious)
    with running_replay(root, port) as base:
        yield base, root, precious


def test_replay_has_its_own_origin(served):
    base, _, _ = served
    replay = replay_of(base)
    assert fetch(f"{replay}/pages").status == 404  # the browser is not on the replay origin
    assert SECRET in fetch(f"{base}/pages").body.decode()
    moved = fetch(f"{base}/archive/20260102030405/{HOSTILE_URL}")  # old link: redirected
    assert moved.status == 200 and b"data-probe" in moved.body
    listing = fetch(base + "/").body.decode()
    assert f'href="{replay}/archive/' in listing


def test_raw_replay_is_sandboxed(served):
    base, _, _ = served
    raw = fetch(f"{base}/archive/20260102030405id_/{HOSTILE_URL}")  # redirected to replay
    assert raw.status == 200 and b"data-probe" in raw.body
    assert raw.headers["content-security-policy"] == "sandbox"


def test_archived_scripts_cannot_read_the_browser(served, chromium):
    base, _, _ = served
    browser = chromium  # following the browser's own replay links
    browser.goto(f"{base}/archive/20260102030405/{HOSTILE_URL}")
    deadline = time.monotonic() + 10
    while not browser.js("document.documentElement.getAttribute('data-probe')"):
        assert time.monotonic() < deadline, "the page's script never finished"
        time.sleep(0.2)
    probes = browser.js("document.documentElement.getAttribute('data-probe')").split(",")
    assert browser.js("document.documentElement.getAttribute('data-ran')") == "yes"
    assert "read" not in probes, probes
    browser.goto(f"{base}/archive/20260102030405id_/{HOSTILE_URL}")  # raw: no script at all
    time.sleep(0.5)
    assert browser.js("document.documentElement.getAttribute('data-ran')") is None


@pytest.mark.parametrize("which", ["browser", "replay"])
def test_only_loopback_host_names_are_served(served, which):
    base, _, _ = served
    port = int(base.rsplit(":", 1)[1]) + (which == "replay")
    path = "/" if which == "browser" else f"/archive/20260102030405id_/{HOSTILE_URL}"
    for host, expected in [("rebind.attacker.example", 403), (f"evil.example:{port}", 403),
                           (f"localhost:{port}", 200), (f"127.0.0.1:{port}", 200),
                           (f"127.9.9.9:{port}", 200)]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        conn.request("GET", path, headers={"Host": host})
        answer = conn.getresponse()
        answer.read()
        conn.close()
        assert answer.status == expected, (host, answer.status)


def test_planted_log_symlink_is_not_followed(served):
    _, root, precious = served
    assert precious.read_bytes() == PRECIOUS
    log = root / "replay" / "pywb.log"
    assert not log.is_symlink() and log.is_file()


def test_damaged_record_costs_only_itself(served):
    base, _, _ = served
    for page in (BEFORE, AFTER):
        answer = fetch(f"{base}/archive/20260102030405id_/{page.url}")
        assert answer.status == 200, page.url
        assert answer.body == page.html


@pytest.mark.parametrize("damage", ["junk", "unreadable"])
def test_unreadable_store_is_one_line_at_once(tmp_path, damage):
    make_archive(tmp_path / "a", sample_pages()[:1])
    store = tmp_path / "a" / "articles.sqlite"
    if damage == "junk":
        store.write_bytes(b"this is not a database " * 200)
    else:
        if os.geteuid() == 0:
            pytest.skip("root reads any file")
        store.chmod(0)
    result = run_cli("replay", "--archive-dir", str(tmp_path / "a"), "--port",
                     str(free_ports()), timeout=30)  # was: 60 s, then "pywb did not answer"
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "article store" in lines[0] and "move it out" in lines[0], lines


def _pywb_children(archive: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"crawler.replay.pywbapp" in cmdline and str(archive).encode() in cmdline:
            found.append(int(entry.name))
    return found


def test_sigterm_during_start_up_leaves_no_pywb(tmp_path):
    if not Path("/proc").is_dir():
        pytest.skip("no /proc")
    archive = tmp_path / "a"
    make_archive(archive, sample_pages()[:1])
    port = free_ports()
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "replay", "--archive-dir", str(archive), "--port",
         str(port)], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not _pywb_children(archive):  # pywb started, not yet answering
            assert proc.poll() is None and time.monotonic() < deadline, "pywb never started"
            time.sleep(0.02)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        deadline = time.monotonic() + 15
        while _pywb_children(archive) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _pywb_children(archive) == []
    finally:
        for pid in [*_pywb_children(archive), proc.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait(timeout=10)


def test_pywb_stops_when_replay_is_killed(tmp_path):
    """Even SIGKILL (no handler runs) of `crawler replay` leaves no pywb serving on its own."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the parent-death signal is Linux's")
    archive = tmp_path / "a"
    make_archive(archive, sample_pages()[:1])
    port = free_ports()
    log = open(tmp_path / "replay.log", "w+b")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "replay", "--archive-dir", str(archive), "--port",
         str(port)], cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while b"Open http" not in (tmp_path / "replay.log").read_bytes():
            assert proc.poll() is None and time.monotonic() < deadline, "replay never started"
            time.sleep(0.1)
        assert _pywb_children(archive)
        proc.kill()
        proc.wait(timeout=10)
        deadline = time.monotonic() + 15
        while _pywb_children(archive) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _pywb_children(archive) == []
    finally:
        for pid in _pywb_children(archive):
            os.kill(pid, signal.SIGKILL)
        log.close()
