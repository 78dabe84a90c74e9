"""The archive browser shows an article's structure: headings, lists, quotes, tables, escaped."""

from __future__ import annotations

import re
import threading
import urllib.parse
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from crawler.extract.blocks import Block, blocks_to_json, plain_text
from crawler.replay.browse.app import BrowseApp
from crawler.store import PageRecord, WarcLocation, open_store
from tests.replay.test_browse_app import get

URL = "https://news.example/2026/structured"
EVIL = "<script>window.__pwned=1</script>"

BLOCKS = (
    Block("paragraph", text=f"Standfirst {EVIL} of the story.", lead=True),
    Block("paragraph", text="The council met on Tuesday."),
    Block("heading", text=f"What <b>changes</b> {EVIL}", level=2),
    Block("list", ordered=True, items=(
        (Block("paragraph", text="Bins on <i>Monday</i>"),),
        (Block("paragraph", text="Parking"),
         Block("list", items=((Block("paragraph", text="nested item"),),))),
    )),
    Block("quote", text=f"We will not {EVIL} back down."),
    Block("table", header_rows=1, rows=(("Ward", "Seats <img src=x>"), ("North", "4"))),
    Block("figure", src="https://cdn.example/photo.jpg", caption="The hall", credit="Ann"),
    Block("pre", text="a <= b\n  c"),
)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        """No request log on stderr."""


def _app(tmp_path, blocks: tuple[Block, ...], text: str = "") -> BrowseApp:
    text = text or plain_text(blocks)
    record = PageRecord(
        url=URL, site="news.example", fetched_at="2026-01-01T10:00:00Z", is_article=True,
        page_reason="article", text=text, blocks=blocks_to_json(blocks),
        meta={"title": "Structured", "language": "en", "lead": plain_text(blocks[:1])},
        warc=WarcLocation("t.warc.gz", 1, 5, "<urn:uuid:1>"),
    )
    with open_store(tmp_path, create=True) as store:
        store.add_page(record)
    return BrowseApp(tmp_path, "archive")


def _text_section(body: str) -> str:
    match = re.search(r'<section class="text" id="text">(.*?)</section>', body, re.S)
    assert match, body
    return match.group(1)


def test_article_page_renders_the_blocks_escaped(tmp_path):
    app = _app(tmp_path, BLOCKS)
    status, headers, body = get(app, "/article?url=" + urllib.parse.quote(URL, safe=""))
    assert status == "200 OK"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    section = _text_section(body)
    assert '<p class="standfirst">Standfirst &lt;script&gt;' in section
    assert re.search(r'<h3 class="sub">What &lt;b&gt;changes&lt;/b&gt; &lt;script&gt;', section)
    assert re.search(r"<ol>\s*<li>Bins on &lt;i&gt;Monday&lt;/i&gt;</li>", section)
    assert re.search(r"<li>.*Parking.*<ul>\s*<li>nested item</li>", section, re.S)
    assert "<blockquote><p>We will not &lt;script&gt;" in section
    assert "<thead><tr><th>Ward</th><th>Seats &lt;img src=x&gt;</th></tr></thead>" in section
    assert "<td>North</td><td>4</td>" in section
    assert "<figcaption>The hall <span class=\"credit\">Ann</span></figcaption>" in section
    assert "<pre>a &lt;= b\n  c</pre>" in section
    # Nothing from the page becomes markup, and no image is fetched from the live web.
    assert "<script" not in body and "<img" not in body and "<b>" not in body
    assert "cdn.example" not in body


def test_a_version_without_blocks_shows_its_paragraphs(tmp_path):
    app = _app(tmp_path, (), text=plain_text(BLOCKS))
    _, _, body = get(app, "/article?url=" + urllib.parse.quote(URL, safe=""))
    section = _text_section(body)
    assert "<h3" not in section and "<table" not in section
    assert "<p>What &lt;b&gt;changes&lt;/b&gt;" in section


@pytest.mark.browser
def test_chromium_shows_the_structure_and_runs_nothing(tmp_path, chromium):
    app = _app(tmp_path, BLOCKS)
    server = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        browser = chromium
        browser.goto(f"{base}/article?url={urllib.parse.quote(URL, safe='')}")
        assert browser.js("window.__pwned === undefined")
        assert browser.text("#text h3.sub") == f"What <b>changes</b> {EVIL}"
        items = browser.js("[...document.querySelectorAll('#text ol > li')]"
                           ".map(e => e.firstChild.textContent)")
        assert items == ["Bins on <i>Monday</i>", "Parking"]
        assert browser.text("#text ol li ul li") == "nested item"
        cells = browser.js("[...document.querySelectorAll('#text table th, #text table td')]"
                           ".map(e => e.textContent)")
        assert cells == ["Ward", "Seats <img src=x>", "North", "4"]
        assert browser.js("document.querySelectorAll('main script, main img').length") == 0
        # The stylesheet is allowed by the page's CSP: the standfirst is set in bold.
        weight = browser.js("getComputedStyle(document.querySelector('.standfirst'))"
                            ".fontWeight")
        assert weight in ("600", "700", 600, 700)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
