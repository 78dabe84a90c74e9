"""DOWNLOAD_DELAY is a real minimum between two requests to a site, AutoThrottle on or off."""

from __future__ import annotations

import pytest

from tests.crawl.helpers import crawler
from tests.crawl.sitekit import article, html, serve

pytestmark = pytest.mark.slow

PAGES = [f"/2024/05/{day:02d}/story-number-{day}-about-the-council" for day in range(1, 13)]


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
    assert len(times) >= 12
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    paths = [p for _, p, _ in sorted(site.hits)]
    # Measured where the server sees the requests: 60 ms for the threads' and the clock's
    # slack on a loaded machine. Scrapy's 0.5x-1.5x randomizing puts about a third of the
    # gaps below 0.24 s.
    assert min(gaps) >= 0.24, sorted(zip(gaps, paths[1:], strict=True))[:3]
