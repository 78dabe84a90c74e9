"""Page requisites found in HTML and CSS: srcset, url()/@import, <base href>, lazy attributes."""

from __future__ import annotations

import lxml.html
import pytest

from crawler.discovery import RequisiteOptions, find_requisites
from crawler.discovery.css import (
    css_text_requisites,
    style_attribute_requisites,
    stylesheet_requisites,
)
from crawler.discovery.requisites import KINDS, parse_srcset
from crawler.discovery.requrls import resolve_requisite

PAGE = "https://news.example/2026/12/story?id=1"
ALL = RequisiteOptions(kinds=frozenset(KINDS))


def found(html: str, url: str = PAGE, options: RequisiteOptions = ALL) -> dict[str, str]:
    root = lxml.html.document_fromstring(html)
    return {r.url: r.kind for r in find_requisites(root, url, options)}


@pytest.mark.parametrize(("srcset", "urls"), [
    ("a.jpg 480w, b.jpg 960w", ["a.jpg", "b.jpg"]),
    ("a.jpg, b.jpg 2x", ["a.jpg", "b.jpg"]),
    ("/img/w_480,h_300/a.jpg 480w, /img/w_960,h_600/a.jpg 960w",
     ["/img/w_480,h_300/a.jpg", "/img/w_960,h_600/a.jpg"]),
    ("  a.jpg  1x ,b.jpg 2x,", ["a.jpg", "b.jpg"]),
    ("a.jpg,b.jpg", ["a.jpg,b.jpg"]),  # no space after the comma: one URL, as browsers read it
    ("a.jpg (max-width: 3px, x) 1x, c.jpg", ["a.jpg", "c.jpg"]),
    ("", []),
])
def test_srcset_candidates(srcset, urls):
    assert parse_srcset(srcset) == urls


def test_every_kind_of_html_reference():
    html = """<html><head>
    <link rel="stylesheet" href="/s.css"><link rel="alternate stylesheet" href="/alt.css">
    <link rel="shortcut icon" href="/favicon.ico"><link rel="apple-touch-icon" href="/t.png">
    <link rel="preload" as="font" href="/f.woff2" crossorigin>
    <link rel="preload" as="style" href="/p.css"><link rel="preload" as="fetch" href="/api">
    <link rel="modulepreload" href="/m.js"><link rel="canonical" href="/other-page">
    <meta property="og:image" content="https://cdn.example/og.jpg">
    <meta name="twitter:image" content="//cdn.example/tw.jpg">
    <script src="/app.js"></script>
    <script type="application/ld+json">{"@graph": [{"@type": "NewsArticle",
      "image": [{"@type": "ImageObject", "url": "/ld1.jpg"}, "/ld2.jpg"]}]}</script>
    <style>@import url("/imp.css"); .x { background: url(bg.png) }</style>
    </head><body>
    <img src="i.png" srcset="i-2x.png 2x">
    <picture><source srcset="p.webp 1x, p2.webp 2x"><img src="p.jpg"></picture>
    <video poster="/poster.jpg" src="/v.mp4"><source src="/v.webm"><track src="/t.vtt"></video>
    <audio src="/a.mp3"></audio>
    <input type="image" src="/go.png"><input type="text" src="/not.png">
    <svg><image href="/svg.png"/><use href="#local"/><use xlink:href="/sprite.svg#i"/></svg>
    <div style="background-image: url('/inline.png')"></div>
    <a href="/page.html">a page, not a requisite</a><iframe src="/frame.html"></iframe>
    </body></html>"""
    base = "https://news.example"
    got = found(html)
    assert got == {
        f"{base}/s.css": "stylesheet", f"{base}/p.css": "stylesheet",
        f"{base}/imp.css": "stylesheet", f"{base}/m.js": "script", f"{base}/app.js": "script",
        f"{base}/f.woff2": "font",
        f"{base}/favicon.ico": "image", f"{base}/t.png": "image",
        "https://cdn.example/og.jpg": "image", "https://cdn.example/tw.jpg": "image",
        f"{base}/ld1.jpg": "image", f"{base}/ld2.jpg": "image",
        f"{base}/2026/12/bg.png": "image", f"{base}/2026/12/i.png": "image",
        f"{base}/2026/12/i-2x.png": "image", f"{base}/2026/12/p.webp": "image",
        f"{base}/2026/12/p2.webp": "image", f"{base}/2026/12/p.jpg": "image",
        f"{base}/poster.jpg": "image", f"{base}/go.png": "image", f"{base}/svg.png": "image",
        f"{base}/sprite.svg": "image", f"{base}/inline.png": "image",
        f"{base}/v.mp4": "media", f"{base}/v.webm": "media", f"{base}/t.vtt": "media",
        f"{base}/a.mp3": "media", f"{base}/api": "other",
    }


def test_base_href_resolves_relative_references_only():
    html = """<html><head><base href="https://static.example/assets/v2/">
    <link rel="stylesheet" href="site.css"></head><body>
    <img src="../logo.png"><img src="/root.png"><img src="//other.example/x.png"></body></html>"""
    assert set(found(html)) == {
        "https://static.example/assets/v2/site.css", "https://static.example/assets/logo.png",
        "https://static.example/root.png", "https://other.example/x.png"}


def test_lazy_loading_attributes():
    html = """<html><body>
    <img src="data:image/gif;base64,R0lGOD" data-src="/lazy.jpg"
     data-srcset="/l1.jpg 1x, /l2.jpg 2x">
    <img data-lazy-src="/lazy2.jpg"><img class="lazy" data-original="/orig.jpg">
    <div data-bg="/bg.jpg"></div><img data-src='{"not": "a url"}'>
    <iframe data-src="/frame.html"></iframe></body></html>"""
    assert set(found(html)) == {f"https://news.example/{p}" for p in (
        "lazy.jpg", "l1.jpg", "l2.jpg", "lazy2.jpg", "orig.jpg", "bg.jpg")}


def test_kinds_and_the_per_page_cap_keep_stylesheets_first():
    html = ("<html><head>" + "".join(f'<img src="/{i}.png">' for i in range(5))
            + '<link rel="stylesheet" href="/late.css"><video src="/v.mp4"></video></head></html>')
    default = found(html, options=RequisiteOptions(per_page=3))
    assert list(default) == ["https://news.example/late.css", "https://news.example/0.png",
                             "https://news.example/1.png"]
    assert "https://news.example/v.mp4" not in found(html, options=RequisiteOptions())


def test_references_that_are_not_fetched():
    html = """<html><body><img src="data:image/png;base64,AAA"><img src="javascript:void(0)">
    <img src="blob:https://news.example/1"><img src="ftp://x.example/a.png"><img src="">
    <img src="#frag"><img src="/same.png#one"><img src="/same.png#two"></body></html>"""
    assert found(html) == {"https://news.example/same.png": "image"}


def test_query_strings_are_kept_as_written():
    # Page links drop tracking parameters; a requisite's URL must be the one the page asks for.
    assert resolve_requisite("/a.css?ref=x&utm_source=y", PAGE) == (
        "https://news.example/a.css?ref=x&utm_source=y")
    assert resolve_requisite("/a b.png", PAGE) == "https://news.example/a%20b.png"
    assert resolve_requisite("HTTP://CDN.Example:80/x.png", PAGE) == "http://cdn.example/x.png"


def test_css_url_and_import_with_comments_and_strings():
    css = b"""@charset "utf-8";
    @import "a.css" screen;
    @import url(b.css);
    @import url("c.css") layer(base);
    /* @import "commented.css"; url(commented.png) */
    @font-face { font-family: X; src: url(../fonts/x.woff2) format("woff2"),
                 local("X"), url('x.ttf'); }
    .a { background: url( "img/a.png" ) no-repeat; content: "url(in-a-string.png)"; }
    .b { background-image: image-set("b1.png" 1x, url(b2.png) 2x); }
    .c { background: url(data:image/png;base64,AAAA), url(\\"esc\\".png); }
    @media (min-width: 600px) { .d { background: url(d.png) } }
    @supports (display: grid) { .e { background: url(e.png) } }
    .f { background: url(broken"""
    got = {r.url: r.kind for r in stylesheet_requisites(css, "https://cdn.example/css/site.css")}
    base = "https://cdn.example/css"
    assert got == {
        f"{base}/a.css": "stylesheet", f"{base}/b.css": "stylesheet",
        f"{base}/c.css": "stylesheet", "https://cdn.example/fonts/x.woff2": "font",
        f"{base}/x.ttf": "font", f"{base}/img/a.png": "image", f"{base}/b1.png": "image",
        f"{base}/b2.png": "image", f"{base}/%22esc%22.png": "image",
        f"{base}/d.png": "image", f"{base}/e.png": "image", f"{base}/broken": "image",
    }


def test_css_in_style_blocks_and_attributes_resolve_against_the_page():
    assert [r.url for r in css_text_requisites("@import 'x.css'; p{background:url(y.png)}",
                                               PAGE)] == [
        "https://news.example/2026/12/x.css", "https://news.example/2026/12/y.png"]
    assert [r.url for r in style_attribute_requisites(
        "background: url(/z.png); --x: url('/w.png')", PAGE)] == [
        "https://news.example/z.png", "https://news.example/w.png"]


def test_css_caps_and_encodings():
    many = "".join(f".c{i}{{background:url(/{i}.png)}}" for i in range(50)).encode()
    assert len(stylesheet_requisites(many, PAGE, limit=7)) == 7
    latin = "@charset \"iso-8859-1\"; .x { background: url(caf\xe9.png) }".encode("latin-1")
    assert [r.url for r in stylesheet_requisites(latin, PAGE)] == [
        "https://news.example/2026/12/caf%C3%A9.png"]
    assert stylesheet_requisites(b"\xff\xfe garbage {{{ url(", PAGE) is not None
