"""The archive browser's WSGI application in process: escaping, errors, diffs, the dispatcher."""

from __future__ import annotations

import html
import re
import urllib.parse

import pytest

from crawler.archive import index_warc as crawl_index_warc
from crawler.replay.browse.app import BrowseApp, mount
from crawler.replay.pywbroot import _BANNER_TEMPLATE
from crawler.store import PageRecord, WarcLocation, open_store
from crawler.store.textdiff import word_diff
from tests.replay.conftest import make_archive
from tests.replay.demoarchive import HOSTILE_TEXT, HOSTILE_TITLE
from tests.replay.warcs import sample_pages

URL = "https://news.example/2026/story"
HOSTILE_URL = 'https://news.example/"><script>window.__pwned=4</script>'


def _page(url, n, text, title, when):
    return PageRecord(url=url, site="news.example", fetched_at=when, is_article=True,
                      page_reason="article: <em>test</em>", text=text,
                      meta={"title": title, "language": "en", "authors": ["<b>Eve</b>"]},
                      warc=WarcLocation("t.warc.gz", n, 5, f"<urn:uuid:{n}>"))


@pytest.fixture
def app(tmp_path):
    """A browser over a store with a two-version article and a hostile one."""
    with open_store(tmp_path, create=True) as store:
        store.add_page(_page(URL, 1, "The mayor said <b>no</b>.\n\nRoads close at noon.", "Roads",
                             "2026-01-01T10:00:00Z"))
        store.add_page(_page(URL, 2, "The mayor said <b>yes</b>.\n\nRoads close at six.", "Roads",
                             "2026-01-02T10:00:00Z"))
        store.add_page(_page(HOSTILE_URL, 3, HOSTILE_TEXT, HOSTILE_TITLE, "2026-01-03T10:00:00Z"))
    return BrowseApp(tmp_path, "archive")


def get(app, path: str, method: str = "GET") -> tuple[str, dict, str]:
    """Status, headers and body of one request."""
    path, _, query = path.partition("?")
    answer: dict = {}
    body = b"".join(app({"PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": method},
                        lambda status, headers: answer.update(status=status, headers=headers)))
    return answer["status"], dict(answer["headers"]), body.decode("utf-8")


def q(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def test_every_page_escapes_what_came_from_the_pages(app):
    for path in ("/", "/?q=zebracrossing", f"/article?url={q(HOSTILE_URL)}", "/pages"):
        status, headers, body = get(app, path)
        assert status == "200 OK", path
        assert "<script" not in body and "<b>" not in body and "<img" not in body, path
        assert "&lt;script&gt;window.__pwned" in body, path
        assert "script-src" not in headers["Content-Security-Policy"]  # default-src 'none'
        assert "default-src 'none'" in headers["Content-Security-Policy"]
    _, _, body = get(app, f"/article?url={q(HOSTILE_URL)}")
    assert "{{ 7*7 }}" in body and "&lt;b&gt;Eve&lt;/b&gt;" in body
    assert "article: &lt;em&gt;test&lt;/em&gt;" in body


def test_search_snippet_highlights_escaped_text(app):
    _, _, body = get(app, "/?q=mayor")
    assert "<mark>mayor</mark> said &lt;b&gt;yes&lt;/b&gt;" in body
    assert 'href="/article?url=https%3A%2F%2Fnews.example%2F2026%2Fstory"' in body


def test_diff_page_is_the_cli_word_diff(app):
    status, _, body = get(app, f"/diff?url={q(URL)}&from=1&to=2")
    assert status == "200 OK"
    hunks = re.findall(r'<div class="hunk">(.*?)</div>', body, re.S)
    as_text = [html.unescape(re.sub(r"<del>(.*?)</del>", r"[-\1-]",
                                    re.sub(r"<ins>(.*?)</ins>", r"{+\1+}", h, flags=re.S),
                                    flags=re.S)) for h in hunks]
    with open_store(app.layout.root, create=False) as store:
        old, new = store.versions(URL)
    assert as_text == word_diff(old.text, new.text)
    assert "+2 words" in body and "2 words</del>" in body


def test_article_page_lists_versions_captures_and_replay_links(app):
    _, _, body = get(app, f"/article?url={q(URL)}")
    assert "v2 of 2" in body
    assert 'href="/archive/20260101100000/https://news.example/2026/story"' in body
    assert 'href="/archive/20260102100000id_/https://news.example/2026/story"' in body
    assert "/diff?url=" in body and "&amp;from=1&amp;to=2" in body
    _, _, typed = get(app, f"/article?url={q(URL + '/#comments')}")  # as a reader types it
    assert "v2 of 2" in typed
    _, _, old = get(app, f"/article?url={q(URL)}&v=1")
    assert "You are reading version 1 of 2" in old and "Roads close at noon." in old


def test_bad_requests_are_one_line_errors(app):
    assert get(app, "/article?url=https://nowhere.example/")[0] == "404 Not Found"
    status, _, body = get(app, f"/diff?url={q(URL)}&from=1&to=9")
    assert status == "400 Bad Request" and "version 9 does not exist" in body
    _, _, body = get(app, '/?q="unbalanced')
    assert 'id="error"' in body and "double quotes" in body
    _, _, body = get(app, "/?from=2026-13-01")
    assert "not a date: use YYYY-MM-DD" in body
    assert get(app, "/", method="POST")[0] == "405 Method Not Allowed"


def test_without_a_store_the_list_shows_index_captures(tmp_path):
    make_archive(tmp_path, sample_pages(), store=False)
    crawl_index_warc(tmp_path / "warc" / "test-20260102030405-00000-host-1.warc.gz",
                     tmp_path / "indexes")
    _, _, body = get(BrowseApp(tmp_path, "archive"), "/")
    assert "no text store" in body and "/archive/20260102030405/http://news.example/" in body
    assert not (tmp_path / "articles.sqlite").exists()  # reading never creates a store


def test_dispatcher_sends_other_paths_to_pywb(app):
    def pywb(environ, start_response):
        start_response("200 OK", [])
        return [b"pywb:" + environ["PATH_INFO"].encode()]

    both = mount(app, pywb)
    assert get(both, "/archive/2026/https://x.example/")[2] == "pywb:/archive/2026/https://x.example/"
    assert "<form" in get(both, "/")[2]
    assert get(both, "/_browse/style.css")[1]["Content-Type"].startswith("text/css")


def test_replay_banner_is_ascii():
    # pywb re-encodes its head insert; a raw "\u00b7" came out as mojibake on UTF-8 pages.
    assert _BANNER_TEMPLATE.isascii()
    assert "\\u00b7" in _BANNER_TEMPLATE


def test_article_page_lists_the_other_copies_of_its_story(tmp_path):
    wire = " ".join(
        f"Sentence {i} of the wire story about the flooded metro tunnels and the pumps."
        for i in range(30)
    )
    with open_store(tmp_path, create=True) as store:
        store.add_page(PageRecord(
            url="https://wire.example/2026/pumps", site="wire.example",
            fetched_at="2026-01-01T10:00:00Z", is_article=True, page_reason="article", text=wire,
            meta={"title": "Pumps start"}, warc=WarcLocation("w.warc.gz", 1, 5, "<urn:uuid:w>"),
        ))  # fmt: skip
        store.add_page(PageRecord(
            url="https://daily.example/metro", site="daily.example",
            fetched_at="2026-01-01T12:00:00Z", is_article=True, page_reason="article",
            text=wire + " A local paragraph added by the Daily.", meta={"title": "<i>Metro</i>"},
            warc=WarcLocation("d.warc.gz", 1, 5, "<urn:uuid:d>"),
        ))  # fmt: skip
    app = BrowseApp(tmp_path, "archive")
    status, _, body = get(app, f"/article?url={q('https://daily.example/metro')}")
    assert status == "200 OK"
    assert 'id="copies"' in body and "wire.example" in body and "(this page)" in body
    assert f'href="/article?url={q("https://wire.example/2026/pumps")}"' in body
    assert "<i>Metro</i>" not in body  # escaped like everything from pages


def test_an_article_without_copies_shows_no_copies_section(app):
    status, _, body = get(app, f"/article?url={q(URL)}")
    assert status == "200 OK" and 'id="copies"' not in body


@pytest.mark.parametrize("path", [
    "/?to=9999-12-31",
    "/?from=0001-01-01&to=9999-12-31",
    "/pages?after=99999999999999999999999",
    "/pages?after=%C2%B2",
    "/?after=2026-01-01~99999999999999999999999",
    f"/article?url={q(URL)}&v=%C2%B2",
    f"/article?url={q(URL)}&v=--5",
    f"/article?url={q(URL)}&v=99999999999999999999999",
    f"/diff?url={q(URL)}&from=--1&to=2",
])
def test_bad_values_are_400_not_500(app, path):
    status, headers, body = get(app, path)
    assert status == "400 Bad Request", (path, status)
    assert "Traceback" not in body and headers["Content-Type"].startswith("text/html")


def test_replay_links_and_csp_name_the_replay_origin(tmp_path):
    with open_store(tmp_path, create=True) as store:
        store.add_page(_page(URL, 1, "Text.", "Roads", "2026-01-01T10:00:00Z"))
    app = BrowseApp(tmp_path, "archive", replay_port=9091)
    answer: dict = {}
    body = b"".join(app({"PATH_INFO": "/article", "QUERY_STRING": f"url={q(URL)}",
                         "HTTP_HOST": "localhost:9090"},
                        lambda status, headers: answer.update(status=status, headers=headers)))
    assert 'href="http://localhost:9091/archive/20260101100000/' + URL in body.decode()
    csp = dict(answer["headers"])["Content-Security-Policy"]
    assert "img-src 'self' http://localhost:9091;" in csp and "script-src" not in csp
