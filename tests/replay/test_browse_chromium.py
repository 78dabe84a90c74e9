"""The archive browser in headless Chromium, as a reader uses it: find, read, compare, replay."""

from __future__ import annotations

import urllib.parse

import pytest

from crawler.store import open_store
from tests.replay.demoarchive import HOSTILE_TITLE, build_demo_archive
from tests.replay.replayhelp import free_ports, running_replay

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def browsed(tmp_path_factory, chromium):
    """The demo archive (two editions + a hostile article) served by `crawler replay`."""
    archive = build_demo_archive(tmp_path_factory.mktemp("browse") / "archive")
    with running_replay(archive.root, free_ports()) as base:
        yield archive, base, chromium


def _versions(archive, url):
    with open_store(archive.root, create=False) as store:
        return store.versions(url)


def test_search_open_diff_and_replay(browsed):
    archive, base, browser = browsed
    old, new = _versions(archive, archive.edited_url)
    paragraphs = [p for p in new.text.split("\n") if p.strip()]
    phrase = " ".join(paragraphs[2].split()[:7])  # a phrase from the article's third paragraph
    browser.goto(base + "/")
    browser.type("#q", f'"{phrase}"')
    browser.click("form.search button[type=submit]")
    assert "q=" in browser.url
    link = f'a.title[href="/article?url={urllib.parse.quote_plus(archive.edited_url)}"]'
    assert browser.js(f"document.querySelectorAll('{link}').length") == 1
    assert phrase.split()[0].lower() in browser.text("#results mark").lower()  # highlighted
    browser.click(link)
    assert browser.text("#title") == new.title
    assert "v2 of 2" in browser.text("#metadata")
    assert paragraphs[0] in browser.text("#text")
    browser.click("a.diff")
    assert "v1" in browser.text("#diff-summary") and "v2" in browser.text("#diff-summary")
    inserted = browser.js("[...document.querySelectorAll('#diff ins')].map(e => e.textContent)")
    assert any("Correction:" in text for text in inserted)
    browser.click("#replay-new")
    assert f"/archive/{new.fetched_at[:4]}" in browser.url and archive.edited_url in browser.url
    assert browser.text(".article-body p") == paragraphs[0]  # the replayed page itself
    banner = browser.text("#newsarchiver-banner")
    assert "UTC \u00b7 archive browser" in banner, banner
    assert "\u00c2" not in banner


def test_hostile_title_and_text_show_as_text(browsed):
    archive, base, browser = browsed
    article = f"{base}/article?url={urllib.parse.quote(archive.hostile_url, safe='')}"
    for url in (base + "/?q=zebracrossing", article, base + "/pages?decision=article"):
        browser.goto(url)
        assert browser.js("window.__pwned === undefined"), url
        assert browser.js("document.querySelectorAll('main script, main img, main b').length") == 0
        assert "<script>window.__pwned = 1</script>" in browser.text("main"), url
    browser.goto(article)
    assert browser.text("#title") == HOSTILE_TITLE
    assert "{{ 7*7 }}" in browser.text("#text")
    assert "<b>Eve</b>" in browser.text("#metadata")


def test_paging_walks_every_article_once(browsed):
    archive, base, browser = browsed
    with open_store(archive.root, create=False) as store:
        expected = {a.url for a in store.iter_articles()}
    seen: list[str] = []
    browser.goto(base + "/")
    while True:
        hrefs = browser.js("[...document.querySelectorAll('a.title')].map(a => a.href)")
        seen += [urllib.parse.parse_qs(urllib.parse.urlsplit(h).query)["url"][0] for h in hrefs]
        if not browser.js("!!document.querySelector('#next-page')"):
            break
        browser.click("#next-page")
    assert len(seen) == len(set(seen)) == len(expected)
    assert set(seen) == expected
