"""An archive of the requisites test site (tests/sites/requisites.py) for replay checks.

The archive is made by ``crawler crawl`` when the crawler archives page requisites (issue 20),
else by ``wget --page-requisites --warc-file`` given the site's pages and every requisite URL (wget
does not run the lazy-loading script, so the lazy images are named to it). Either way the result
is an archive folder (``warc/``) that ``crawler replay`` serves; the site is stopped afterwards by
the caller, so nothing a replayed page loads can come from the live site.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.once import copy_folder, run_once
from tests.replay.replayhelp import fetch, run_cli
from tests.sites.requisites import RequisiteSite

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "RETRY_TIMES=0"]


def crawler_archives_requisites() -> bool:
    """True when ``crawler crawl`` fetches page requisites (the CRAWL_REQUISITES setting)."""
    from crawler import settings

    return hasattr(settings, "CRAWL_REQUISITES")


def archive_site(site: RequisiteSite, root: Path) -> str:
    """Archive the running site into ``root``; returns how ("crawler" or "wget")."""
    root.mkdir(parents=True, exist_ok=True)
    if crawler_archives_requisites():
        # Default requisite settings; no politeness delay (a local test site, one client).
        result = run_cli("crawl", site.home, "--archive-dir", str(root), *FAST, timeout=300)
        if result.returncode not in (0, 1):
            raise RuntimeError(f"crawl failed: {result.stderr[-800:]}")
        return "crawler"
    if shutil.which("wget") is None:
        raise FileNotFoundError("wget")
    (root / "warc").mkdir(exist_ok=True)
    work = root / "wget"
    work.mkdir(exist_ok=True)
    urls = sorted({*site.clean_pages, site.faults_page, *site.expected_requisites()})
    subprocess.run(
        ["wget", "--quiet", "--page-requisites", "--span-hosts", "--no-verbose", "-e",
         "robots=off", "--tries=1", "--timeout=10", "--no-proxy",
         "--warc-file", str(root / "warc" / "wget-20261201000000-00000-local-1"),
         "--no-warc-keep-log", "--directory-prefix", str(work), *urls],
        check=False, timeout=300, capture_output=True,
    )
    shutil.rmtree(work, ignore_errors=True)
    for cdx in (root / "warc").glob("*.cdx"):
        cdx.unlink()
    return "wget"


@dataclass(frozen=True)
class RequisiteCrawl:
    """A default ``crawler crawl`` of the requisites site, the site stopped afterwards."""

    archive: Path  # a private copy: the caller may change it (replay writes its config there)
    returncode: int
    stderr: str
    pages: list[str]  # the site's clean pages (RequisiteSite.clean_pages) as crawled


def _crawl_requisite_site(folder: Path) -> None:
    with RequisiteSite() as site:
        done = run_cli("crawl", site.home, "--archive-dir", str(folder / "archive"), *FAST,
                       timeout=300)
        pages = list(site.clean_pages)
    (folder / "run.json").write_text(json.dumps(
        {"returncode": done.returncode, "stderr": done.stderr, "pages": pages}))


def requisite_crawl(tmp_path_factory: pytest.TempPathFactory, target: Path) -> RequisiteCrawl:
    """One default crawl of the requisites site per test run (shared by xdist workers), copied
    to ``target`` for the caller: the test modules that only replay it need no crawl of their own.
    """
    folder = run_once(tmp_path_factory, "requisites-crawl", _crawl_requisite_site)
    run = json.loads((folder / "run.json").read_text())
    if (folder / "archive").exists():
        copy_folder(folder / "archive", target)
    return RequisiteCrawl(target, run["returncode"], run["stderr"], run["pages"])


@contextlib.contextmanager
def serving_wacz(wacz: Path, workdir: Path, port: int) -> Iterator[str]:
    """Serve a WACZ with plain pywb from its own index and its own WARCs; yield the base URL.

    pywb reads ZipNum block indexes only in their tab-separated form, not the CDXJ form
    (``!meta`` line, JSON offsets) that WACZ readers use; so the CDXJ lines are taken from
    ``index.cdx.gz`` block by block, at the offsets ``index.idx`` gives (which checks those).
    """
    unpacked = workdir / "unpacked"
    with zipfile.ZipFile(wacz) as zf:
        zf.extractall(unpacked)
    cdxj = workdir / "cdxj" / "index.cdxj"
    cdxj.parent.mkdir()
    cdxj.write_bytes(b"".join(wacz_index_lines(unpacked / "indexes")))
    config = {
        "collections": {"archive": {
            "index_paths": str(cdxj.parent) + os.sep,
            "archive_paths": f"{unpacked / 'archive'}{os.sep}",
        }},
        "framed_replay": False,
        "enable_auto_colls": False,
    }
    (workdir / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    log = open(workdir / "wayback.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-c", "from pywb.apps.cli import wayback; wayback()", "-p", str(port),
         "-b", "127.0.0.1"], cwd=workdir, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _answers(base + "/static/wombat.js"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"pywb did not start: {(workdir / 'wayback.log').read_text()}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def _answers(url: str) -> bool:
    try:
        return fetch(url, timeout=2).status == 200
    except OSError:
        return False


def wacz_index_lines(indexes: Path) -> list[bytes]:
    """The CDXJ lines of a WACZ's ``index.cdx.gz``, read block by block through ``index.idx``."""
    lines: list[bytes] = []
    blocks = (indexes / "index.idx").read_text(encoding="utf-8").splitlines()
    data = (indexes / "index.cdx.gz").read_bytes()
    for entry in blocks:
        if entry.startswith("!meta"):
            continue
        key, _, fields = entry.split(" ", 2)
        where = json.loads(fields)
        block = gzip.decompress(data[where["offset"]: where["offset"] + where["length"]])
        assert block.startswith(key.encode()), f"index.idx block {key} does not start its block"
        lines += block.splitlines(keepends=True)
    return lines


def ensure_article(root: Path, url: str, title: str) -> None:
    """Make sure the store holds ``url`` as an article, linked to its archived response.

    ``crawler extract`` of the site's near-identical pages may drop their text as boilerplate
    repeated across the site; the browser checks need one article tied to its real record.
    """
    from crawler.archive import refresh_indexes
    from crawler.store import PageRecord, WarcLocation, open_store

    refresh_indexes(root / "warc", root / "indexes")
    with open_store(root, create=True) as store:
        if store.versions(url):
            return
        for index in sorted((root / "indexes").glob("*.cdxj")):
            for line in index.read_text(encoding="utf-8").splitlines():
                _, ts, fields = line.split(" ", 2)
                entry = json.loads(fields)
                if entry.get("url") == url and entry.get("status") == "200":
                    when = f"{ts[:4]}-{ts[4:6]}-{ts[6:8]}T{ts[8:10]}:{ts[10:12]}:{ts[12:14]}Z"
                    store.add_page(PageRecord(
                        url=url, site="requisites", fetched_at=when, is_article=True,
                        page_reason="test", text="The harbour committee met on Tuesday.",
                        meta={"title": title},
                        warc=WarcLocation(entry["filename"], int(entry["offset"]),
                                          int(entry["length"])),
                    ))  # fmt: skip
                    store.commit()
                    return
    raise LookupError(f"{url} is not in the archive's indexes")
