"""The archived requisites replay: headless Chromium opens each crawled page in `crawler replay`.

Every image loads (``naturalWidth > 0``), among them the lead JPEGs archived once and then
as revisits under other URLs, the web font loads, and the background image of the stylesheet
the page's stylesheet ``@import``s applies.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.crawl.helpers import crawler
from tests.crawl.test_requisites import FAST
from tests.replay.browser import Chromium, why_chromium_cannot_run
from tests.replay.replayhelp import running_replay
from tests.sites.requisites import RequisiteSite

pytestmark = [pytest.mark.browser, pytest.mark.slow]

_PROBE = """(function () {
  var frame = document.querySelector('iframe');
  var d = frame && frame.contentDocument ? frame.contentDocument : document;
  return JSON.stringify({
    ready: d.readyState,
    images: Array.from(d.images).map(function (i) { return [i.currentSrc, i.naturalWidth]; }),
    fonts: Array.from(d.fonts).map(function (f) { return f.status; }),
    background: d.body ? getComputedStyle(d.body).backgroundImage : ''});
})()"""


def _page_state(browser: Chromium, url: str) -> dict:
    browser.goto(url)
    deadline = time.monotonic() + 20
    while True:  # the replay frame and the lazy-image script settle after the load event
        state = json.loads(str(browser.js(_PROBE)))
        settled = state["ready"] == "complete" and state["images"] and all(
            w for _, w in state["images"]) and "loaded" in state["fonts"]
        if settled or time.monotonic() > deadline:
            return state
        time.sleep(0.3)


def test_replayed_pages_show_their_images_fonts_and_styles(tmp_path: Path) -> None:
    reason = why_chromium_cannot_run()
    if reason:
        pytest.skip(reason)
    archive = tmp_path / "archive"
    with RequisiteSite() as site:
        run = crawler("crawl", "--archive-dir", str(archive), *FAST, site.home)
        pages = site.clean_pages
    assert run.returncode == 0, run.stderr
    # The live site is stopped: whatever shows now comes from the archive.
    with running_replay(archive, free_port()) as base, Chromium() as browser:
        for url in pages:
            state = _page_state(browser, f"{base}/archive/{url}")
            broken = [src for src, width in state["images"] if not width]
            assert state["images"] and not broken, (url, broken)
            assert "loaded" in state["fonts"], (url, state["fonts"])
            assert state["background"].endswith('/img/bg.png")'), (url, state["background"])
