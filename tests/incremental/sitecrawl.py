"""Helpers for end-to-end tests: a sites file for the demo site, `crawler crawl` runs, WARCs."""

from __future__ import annotations

import math
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator

from crawler.demosite.server import DemoSiteServer
from crawler.frontier.incremental import known_capture
from crawler.incremental import RevisitPolicy
from crawler.incremental.fetchlog import FetchLog
from crawler.store import open_store

if TYPE_CHECKING:
    from tests.conftest import DemoCrawl

REPO = Path(__file__).resolve().parents[2]

NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
FAST_SETTINGS = """DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = false
CONCURRENT_REQUESTS_PER_DOMAIN = 16
"""


def write_sites(path: Path, seed: str, extra: str = "") -> Path:
    """A one-site sites file (site "demo") crawling ``seed`` without politeness delays."""
    path.write_text(
        f'[[site]]\nname = "demo"\nseeds = ["{seed}"]\n{extra}\n[site.settings]\n{FAST_SETTINGS}'
    )
    return path


def run_crawl(sites: Path, archive: Path, *extra: str) -> subprocess.CompletedProcess:
    """Run `crawler crawl --sites ... --archive-dir ...` in a subprocess; fail on non-zero exit."""
    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "crawl", "--sites", str(sites),
         "--archive-dir", str(archive), *extra],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def warc_files(archive: Path) -> set[Path]:
    """The finished WARC files of an archive."""
    return set((archive / "warc").glob("*.warc.gz"))


def records(files: set[Path]) -> list[tuple[str, str, str | None, int | None]]:
    """(type, target URI, WARC-Profile, HTTP status) of the request-less records of files."""
    found = []
    for path in sorted(files):
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type not in ("response", "revisit"):
                    continue
                status = rec.http_headers.get_statuscode() if rec.http_headers else None
                found.append((
                    rec.rec_type, rec.rec_headers.get_header("WARC-Target-URI"),
                    rec.rec_headers.get_header("WARC-Profile"), int(status) if status else None,
                ))
    return found


def sleep_until(moment: datetime) -> None:
    """Wait until the clock has passed ``moment`` (an aware datetime)."""
    while (left := (moment - datetime.now(moment.tzinfo)).total_seconds()) > 0:
        time.sleep(min(left, 0.1) + 0.001)


def revisit_offset(archive, url: str, moment: datetime) -> str:
    """An INCREMENTAL_REVISIT_AFTER offset that puts a revisit of ``url`` at ``moment``."""
    with open_store(archive) as store:
        state = store.capture_state(url)
    log = FetchLog(archive)
    try:
        anchor = RevisitPolicy.from_text("1s").anchor(known_capture(state, log.get(url)))
    finally:
        log.close()
    # Rounded down: the revisit falls in the second before ``moment``, after the last fetch
    # as long as ``moment`` is at least a second after it.
    return f"{math.floor((moment - anchor).total_seconds())}s"


def serve_demo_crawl_copy(demo_crawl: DemoCrawl, archive: Path) -> DemoSiteServer | None:
    """The run's edition-1 ``demo_crawl`` copied to ``archive`` and the demo site (edition 1)
    ready on the port its URLs name, so a test starts where a first full crawl leaves off;
    None (nothing copied) when that port is taken now: the caller crawls edition 1 itself.
    """
    port = urlsplit(demo_crawl.url).port
    try:
        server = DemoSiteServer(port=port or 0)
    except OSError:
        return None
    demo_crawl.copy(archive)
    return server
