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

from tests.replay.browser import Chromium
from tests.replay.replayhelp import free_ports, running_replay
from tests.replay.reqarchive import requisite_crawl

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


def test_replayed_pages_show_their_images_fonts_and_styles(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, chromium) -> None:
    crawled = requisite_crawl(tmp_path_factory, tmp_path / "archive")  # the defaults, FAST
    assert crawled.returncode == 0, crawled.stderr
    archive, pages = crawled.archive, crawled.pages
    # The live site is stopped: whatever shows now comes from the archive.
    browser = chromium
    with running_replay(archive, free_ports()) as base:
        for url in pages:
            state = _page_state(browser, f"{base}/archive/{url}")
            broken = [src for src, width in state["images"] if not width]
            assert state["images"] and not broken, (url, broken)
            assert "loaded" in state["fonts"], (url, state["fonts"])
            assert state["background"].endswith('/img/bg.png")'), (url, state["background"])
