"""DOWNLOAD_DELAY is a real minimum between two requests to a site, AutoThrottle on or off."""

from __future__ import annotations

import pytest

from tests.crawl.helpers import crawler
from tests.crawl.sitekit import article, html, serve

pytestmark = pytest.mark.slow

PAGES = [f"/2024/05/{day:02d}/story-number-{day}-about-the-council" for day in range(1, 25)]


@pytest.mark.parametrize("autothrottle", ["True", "False"])
def test_download_delay_is_a_floor(tmp_path, autothrottle):
    routes = {"/": (200, {}, html("".join(f'<a href="{p}">{p}</a>' for p in PAGES)))}
    routes.update({p: (200, {}, article(p)) for p in PAGES})
    with serve(routes) as site:
        run = crawler("crawl", "--archive-dir", str(tmp_path), site.url,
                      "-s", "DOWNLOAD_DELAY=0.3", "-s", f"AUTOTHROTTLE_ENABLED={autothrottle}",
                      "-s", "AUTOTHROTTLE_START_DELAY=0.3", timeout=120)
        times = sorted(t for t, _, _ in site.hits)
    assert run.returncode == 0, run.stderr
    assert len(times) >= 24
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    paths = [p for _, p, _ in sorted(site.hits)]
    # Measured where the server sees the requests, so a loaded machine can squeeze a gap or
    # two (one arrival late, the next on time): at most 2 of 24 may fall below 0.9x the delay.
    # Scrapy's 0.5x-1.5x randomizing puts 40 % of the gaps there (about 10 of 24).
    short = sorted((gap, path) for gap, path in zip(gaps, paths[1:], strict=True) if gap < 0.27)
    assert len(short) <= 2, short
