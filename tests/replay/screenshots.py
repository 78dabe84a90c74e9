"""Take the screenshots of docs/replay.md: `python -m tests.replay.screenshots [docs/img]`.

Crawls the demo site twice (across its edit), serves the archive with `crawler replay` and saves
PNGs of a search, an article page and a version diff, taken with headless Chromium.
"""

from __future__ import annotations

import sys
import tempfile
import urllib.parse
from pathlib import Path

from tests.replay.browser import Chromium, why_chromium_cannot_run
from tests.replay.demoarchive import build_demo_archive
from tests.replay.replayhelp import REPO, free_ports, running_replay


def main(argv: list[str]) -> int:
    """Write browse-list.png, browse-article.png and browse-diff.png into the folder given."""
    reason = why_chromium_cannot_run()
    if reason:
        print(reason, file=sys.stderr)
        return 1
    out = Path(argv[0] if argv else REPO / "docs" / "img").resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screenshots-") as tmp:
        archive = build_demo_archive(Path(tmp) / "archive")
        article = "/article?url=" + urllib.parse.quote(archive.edited_url, safe="")
        with running_replay(archive.root, free_ports()) as base, Chromium(height=1000) as browser:
            browser.goto(base + "/?q=" + urllib.parse.quote('"port privatisation"'))
            browser.screenshot(out / "browse-list.png", max_height=1100)
            browser.goto(base + article)
            browser.screenshot(out / "browse-article.png", max_height=1500)
            browser.click("a.diff")
            browser.screenshot(out / "browse-diff.png", max_height=900)
    print(f"screenshots written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
