"""Pages of the requisites test site replayed in headless Chromium: every image loads, the
stylesheet and its @import apply, the web font loads, no request fails or leaves the archive.

Through ``crawler replay`` (its replay origin) and through a WACZ made by ``crawler wacz``,
served by pywb from the WACZ's own index. The live site is stopped before replay, so nothing can
come from it. One archive and one replay for the module, the shared Chromium of the test process.
"""

from __future__ import annotations

import shutil
import urllib.parse

import pytest

from tests.conftest import free_port
from tests.replay.browser import open_and_report, why_chromium_cannot_run
from tests.replay.replayhelp import free_ports, replay_of, run_cli, running_replay
from tests.replay.reqarchive import (
    archive_site,
    crawler_archives_requisites,
    ensure_article,
    requisite_crawl,
    serving_wacz,
)
from tests.sites.requisites import RequisiteSite

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    """The site archived (then stopped), its clean pages, and how it was archived."""
    reason = why_chromium_cannot_run()
    if reason:
        pytest.skip(reason)
    if not crawler_archives_requisites() and shutil.which("wget") is None:
        pytest.skip("wget is not installed (needed while the crawl archives no requisites)")
    root = tmp_path_factory.mktemp("requisites") / "archive"
    if crawler_archives_requisites():  # the run's one default crawl of the site, copied
        crawled = requisite_crawl(tmp_path_factory, root)
        if crawled.returncode not in (0, 1):
            raise RuntimeError(f"crawl failed: {crawled.stderr[-800:]}")
        how, pages = "crawler", crawled.pages
    else:
        with RequisiteSite() as site:
            how = archive_site(site, root)
            pages = list(site.clean_pages)
    if not (root / "articles.sqlite").exists():  # wget wrote only the WARC: store its text
        stored = run_cli("extract", str(root / "warc"), "--archive-dir", str(root))
        assert stored.returncode == 0, stored.stderr
    ensure_article(root, next(url for url in pages if "story-1" in url), "Story 1")
    return root, pages, how


@pytest.fixture
def browser(archived, chromium):
    """The run's shared Chromium (the site is archived first, so a skip costs no browser)."""
    return chromium


def _check_page(browser, origin: str, url: str) -> list[str]:
    """Problems of one replayed page ([] when it replays as it looked)."""
    report, network = open_and_report(browser, f"{origin}/archive/{url}")
    problems = [f"image did not load: {src}" for src in report["broken"]]
    if report["images"] == 0:
        problems.append("no image at all")
    if ["Req Box", "loaded"] not in report["fonts"]:
        problems.append(f"web font not loaded: {report['fonts']}")
    if not report["bodyFont"].startswith("Georgia"):  # from base.css, @imported by site.css
        problems.append(f"@imported stylesheet not applied: body font {report['bodyFont']}")
    if report["imgDisplay"] != "block":
        problems.append("@imported stylesheet not applied: img display")
    if report["heroHeight"] != "60px":  # from site.css itself
        problems.append(f"stylesheet not applied: .hero height {report['heroHeight']!r}")
    problems += [f"request failed: {u} ({why})" for u, why in network.failed.items()]
    problems += [f"request left the archive: {u}" for u in network.outside(origin)]
    return problems


def test_crawler_replay_shows_every_requisite(archived, browser):
    root, pages, how = archived
    with running_replay(root, free_ports()) as base:
        origin = replay_of(base)
        problems = {url: _check_page(browser, origin, url) for url in pages}
        # The archive browser: an article's lead image (its og:image), from the replay origin.
        article = next(url for url in pages if "story-1" in url)
        browser.goto(f"{base}/article?url={urllib.parse.quote(article, safe='')}")
        image = browser.js("(i => i && [i.src, i.complete && i.naturalWidth])"
                           "(document.querySelector('#lead-image img'))")
        replay_link = browser.js("document.querySelector('#replay-shown').href")
    assert not any(problems.values()), (how, problems)
    assert image and image[0].startswith(origin + "/archive/") and image[1] > 0, image
    assert image[0].endswith("/img/a1-og.png")
    assert replay_link.startswith(origin + "/archive/") and replay_link.endswith(article)


def test_wacz_replays_every_requisite_from_its_own_index(archived, browser, tmp_path):
    root, pages, how = archived
    wacz = tmp_path / "site.wacz"
    made = run_cli("wacz", "--archive-dir", str(root), "-o", str(wacz))
    assert made.returncode == 0, made.stderr
    with serving_wacz(wacz, tmp_path, free_port()) as origin:
        problems = {url: _check_page(browser, origin, url) for url in pages}
    assert not any(problems.values()), (how, problems)


def test_crawler_replay_of_the_wacz_shows_every_requisite(archived, browser, tmp_path):
    root, pages, how = archived
    wacz = tmp_path / "site.wacz"
    made = run_cli("wacz", "--archive-dir", str(root), "-o", str(wacz))
    assert made.returncode == 0, made.stderr
    with running_replay(wacz, free_ports()) as base:
        origin = replay_of(base)
        problems = {url: _check_page(browser, origin, url) for url in pages}
    assert not any(problems.values()), (how, problems)
