"""Run ``crawler crawl`` in a subprocess and read back what it stored (shared by crawl tests)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tests.conftest import FAST, REPO_ROOT

__all__ = ["FAST", "Run", "crawl", "crawler", "stored_articles", "stored_pages",
           "warc_response_uris", "assert_one_line_error"]


@dataclass
class Run:
    """A finished ``crawler`` subprocess."""

    returncode: int
    stdout: str
    stderr: str


def crawler(*args: str, timeout: float = 120) -> Run:
    """Run ``crawler ARGS...`` from the repo root with this interpreter."""
    proc = subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args], cwd=REPO_ROOT, capture_output=True,
        text=True, timeout=timeout,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def crawl(archive: Path, *args: str, timeout: float = 120) -> Run:
    """``crawler crawl --archive-dir ARCHIVE ARGS... (fast settings)``; fail on a bad exit."""
    run = crawler("crawl", "--archive-dir", str(archive), *FAST, *args, timeout=timeout)
    assert run.returncode == 0, run.stderr
    return run


def stored_articles(archive: Path) -> dict[str, object]:
    """Stored articles by URL path."""
    from crawler.store import open_store

    with open_store(archive) as store:
        return {urlsplit(a.url).path: a for a in store.iter_articles()}


def stored_pages(archive: Path) -> dict[str, object]:
    """Every stored page decision by URL path."""
    from crawler.store import open_store

    with open_store(archive) as store:
        return {urlsplit(p.url).path: p for p in store.iter_pages()}


def warc_response_uris(archive: Path) -> list[str]:
    """Target URIs of the response/revisit records in the archive's WARCs."""
    from warcio.archiveiterator import ArchiveIterator

    uris = []
    for path in sorted((archive / "warc").glob("*.warc*")):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type in ("response", "revisit"):
                    uris.append(record.rec_headers.get_header("WARC-Target-URI"))
    return uris


def assert_one_line_error(run: Run, *words: str) -> None:
    """Exit 2, no traceback, and the last stderr line is the error naming ``words``."""
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("crawler crawl: error: "), run.stderr
    for word in words:
        assert word in last, last
