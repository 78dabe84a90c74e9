"""Two crawls of the demo site across an edit (versions to diff), plus a hostile article."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from crawler.demosite import EDITED_ARTICLE, NEW_ARTICLES, DemoSiteServer
from crawler.demosite.model import build_site
from crawler.store import PageRecord, WarcLocation, open_store
from tests.replay.replayhelp import REPO

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]
#: A title and text an attacker controls: markup that must show as text, scripts that must not run.
HOSTILE_TITLE = "<script>window.__pwned = 1</script>Council <b>vote</b> & \"quotes\""
HOSTILE_TEXT = ("Hostile zebracrossing text <img src=x onerror=\"window.__pwned = 2\"> and "
                "</p><script>window.__pwned = 3</script> {{ 7*7 }} end.")


@dataclass(frozen=True)
class DemoArchive:
    """The archive folder, the edited article's URL and the hostile article's URL."""

    root: Path
    edited_url: str
    hostile_url: str


def crawl(seed: str, root: Path, *extra: str) -> None:
    """`crawler crawl` of the demo site into ``root`` (fast settings); fails loudly."""
    result = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "crawl", seed, "--archive-dir", str(root),
         "--max-pages", "400", *FAST, *extra],
        cwd=REPO, capture_output=True, text=True, timeout=240,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def build_demo_archive(root: Path) -> DemoArchive:
    """Crawl edition 1, then edition 2 (--full): the edited article gets a second version."""
    with DemoSiteServer() as server:
        crawl(server.url, root)
        server.set_edition(2)
        crawl(server.url, root, "--full")
        base = server.url.rstrip("/")
    edited = base + build_site(2).articles[NEW_ARTICLES + EDITED_ARTICLE].path
    hostile = base + "/hostile/story/?a=1&b=\"2\""
    with open_store(root) as store:
        store.add_page(PageRecord(
            url=hostile, site="127.0.0.1", fetched_at="2026-01-05T10:00:00Z", is_article=True,
            page_reason="article: <i>hostile</i> reason", text=HOSTILE_TEXT,
            meta={"title": HOSTILE_TITLE, "authors": ["<b>Eve</b>"], "language": "en"},
            warc=WarcLocation("hostile.warc.gz", 0, 1, "<urn:uuid:hostile>"),
        ))
    return DemoArchive(root, edited, hostile)
