"""Replay fidelity: each page of the requisites test site, live and replayed, in headless Chromium.

Run: ``.venv/bin/python -m benchmarks.replay_fidelity [--keep DIR]`` (needs chromium; Pillow
from the ``bench`` extra).

The site (tests/sites/requisites.py: two hosts on 127.0.0.0/8, every kind of page requisite) is
served, each page is opened live and screenshotted, the site is archived (``crawler crawl`` when
the crawler archives requisites, else ``wget --page-requisites``) and stopped, ``crawler replay``
serves the archive, and each page is opened again from the replay origin. Printed per page: the
share of identical pixels between the two screenshots (the replay banner removed from the page
before its screenshot; everything else is compared), the requests that failed during replay, and
those that left the archive (any request not to the replay origin).

Anchor, in the same run: the same pages archived without their requisites (``crawler crawl -s
CRAWL_REQUISITES=off``, what the crawl archived before issue 20), replayed and compared the
same way.
Target: >= 99 % identical pixels and 0 failed requests on the pages whose requisites all exist
(the faults page references a missing, a robots-blocked and an unreachable file by design: its
failed requests are listed apart).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

TARGET_PIXELS = 99.0
#: pywb's timestamp and modifier in a replay URL (``20261201000000im_/``).
_MODIFIER_RE = re.compile(r"^[0-9]*(?:[a-z]{2}_)?/")


@dataclass
class Shot:
    """One page load: its screenshot and what failed."""

    path: Path
    failed: dict[str, str] = field(default_factory=dict)
    outside: list[str] = field(default_factory=list)


def identical_share(first: Path, second: Path) -> float:
    """Percent of identical pixels (over the larger of the two sizes: a size change counts)."""
    from PIL import Image, ImageChops

    with Image.open(first) as a_img, Image.open(second) as b_img:
        a, b = a_img.convert("RGB"), b_img.convert("RGB")
    width, height = max(a.width, b.width), max(a.height, b.height)
    canvas_a = Image.new("RGB", (width, height), (255, 0, 255))
    canvas_b = Image.new("RGB", (width, height), (0, 255, 0))
    canvas_a.paste(a, (0, 0))
    canvas_b.paste(b, (0, 0))
    diff = ImageChops.difference(canvas_a, canvas_b).convert("L")
    same = diff.histogram()[0]
    return 100.0 * same / (width * height)


def shoot(browser: object, url: str, path: Path, origin: str | None = None) -> Shot:
    """Open ``url``, wait for late loads, drop the replay banner, save a full-page PNG."""
    from tests.replay.browser import open_and_report

    _, network = open_and_report(browser, url)  # type: ignore[arg-type]
    browser.js("(b => b && b.remove())(document.getElementById('newsarchiver-banner'))")  # type: ignore[attr-defined]
    browser.screenshot(path)  # type: ignore[attr-defined]
    return Shot(path, dict(network.failed), network.outside(origin) if origin else [])


def archive_html_only(pages: list[str], root: Path) -> None:
    """The anchor's archive: the pages' HTML alone, as the crawl archived before issue 20
    (``crawler crawl -s CRAWL_REQUISITES=off``; wget of the pages while the crawl has no
    requisites to turn off)."""
    from tests.replay.replayhelp import run_cli
    from tests.replay.reqarchive import FAST, crawler_archives_requisites

    if crawler_archives_requisites():
        result = run_cli("crawl", pages[0], "--archive-dir", str(root), *FAST,
                         "-s", "CRAWL_REQUISITES=off", timeout=300)
        if result.returncode not in (0, 1):
            raise RuntimeError(f"crawl failed: {result.stderr[-800:]}")
        return
    (root / "warc").mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["wget", "--quiet", "-e", "robots=off", "--tries=1", "--timeout=10", "--no-proxy",
         "--warc-file", str(root / "warc" / "html-20261201000000-00000-local-1"),
         "--no-warc-keep-log", "--directory-prefix", str(root / "wget"), *pages],
        check=False, timeout=300, capture_output=True,
    )
    shutil.rmtree(root / "wget", ignore_errors=True)
    for cdx in (root / "warc").glob("*.cdx"):
        cdx.unlink()


def replay_shots(root: Path, pages: list[str], out: Path, browser: object) -> list[Shot]:
    """Screenshots of each page replayed by ``crawler replay`` from ``root``."""
    from tests.replay.replayhelp import free_ports, replay_of, running_replay

    out.mkdir(parents=True, exist_ok=True)
    with running_replay(root, free_ports()) as base:
        origin = replay_of(base)
        return [shoot(browser, f"{origin}/archive/{url}", out / f"{i}.png", origin)
                for i, url in enumerate(pages)]


def run(work: Path) -> int:
    """Measure and print; non-zero when the target is missed on the clean pages."""
    from tests.replay.browser import Chromium, why_chromium_cannot_run
    from tests.replay.reqarchive import archive_site, crawler_archives_requisites
    from tests.sites.requisites import RequisiteSite

    needs_wget = not crawler_archives_requisites() and not shutil.which("wget")
    reason = why_chromium_cannot_run() or ("no wget" if needs_wget else None)
    if reason:
        print(f"skipped: {reason}")
        return 0
    with Chromium(width=1200, height=900) as browser:
        with RequisiteSite() as site:
            pages = [*site.clean_pages, site.faults_page]
            (work / "live").mkdir(parents=True)
            live = [shoot(browser, url, work / "live" / f"{i}.png") for i, url in enumerate(pages)]
            how = archive_site(site, work / "full")
            archive_html_only(pages, work / "html-only")
        full = replay_shots(work / "full", pages, work / "replay", browser)
        bare = replay_shots(work / "html-only", pages, work / "replay-html-only", browser)
    print(f"Replay fidelity, requisites test site ({len(pages)} pages; archived by {how}; "
          "Chromium 1200 px wide, full page, replay banner removed before the screenshot)")
    print(f"{'page':<58} {'identical px':>12} {'failed':>7} {'left':>5} {'anchor px':>10}")
    worst, failures = 100.0, 0
    for url, shot_live, shot, anchor in zip(pages, live, full, bare, strict=True):
        share = identical_share(shot_live.path, shot.path)
        faults = url == pages[-1]
        if not faults:
            worst = min(worst, share)
            failures += len(shot.failed) + len(shot.outside)
        label = urllib.parse.urlsplit(url).path
        label = label if len(label) <= 58 else "..." + label[-55:]
        print(f"{label:<58} {share:>11.2f}% {len(shot.failed):>7} "
              f"{len(shot.outside):>5} {identical_share(shot_live.path, anchor.path):>9.2f}%"
              + ("  (faults page)" if faults else ""))
        for failed, why in sorted(shot.failed.items()):
            target = _MODIFIER_RE.sub("", failed.split("/archive/", 1)[-1])
            expected = " (fails live too)" if target in shot_live.failed else ""
            print(f"    failed: {failed} ({why}){expected}")
        for left in shot.outside:
            print(f"    left the archive: {left}")
    met = worst >= TARGET_PIXELS and failures == 0
    print(f"\nclean pages: worst {worst:.2f}% identical pixels (target >= {TARGET_PIXELS}%), "
          f"{failures} failed or escaping requests (target 0): {'met' if met else 'NOT met'}")
    print(f"anchor: the same pages archived without requisites (HTML only). Screenshots: {work}")
    return 0 if met else 1


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep archives and screenshots in this folder")
    args = parser.parse_args(argv)
    if args.keep:
        if args.keep.exists() and any(args.keep.iterdir()):
            parser.error(f"--keep {args.keep} must be a new or empty folder")
        args.keep.mkdir(parents=True, exist_ok=True)
        return run(args.keep)
    with tempfile.TemporaryDirectory(prefix="replay-fidelity-") as work:
        return run(Path(work))


if __name__ == "__main__":
    sys.exit(main())
