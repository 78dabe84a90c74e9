"""Link extraction from an lxml tree, URL normalisation, scope and URL-shape hints."""

from __future__ import annotations

import lxml.html
import pytest

from crawler.discovery import LinkOptions, extract_links, in_scope, normalize_url, url_page_hint

PAGE = b"""<html><head>
<link rel="alternate" type="application/rss+xml" href="/feed.xml">
<link rel="stylesheet" href="/s.css"></head><body>
<a href="/2024/04/23/big-story-about-things">story</a>
<a href="/2024/04/23/big-story-about-things#comments">same story</a>
<a href="https://sub.news.example/tag/politics/">tag</a>
<a href="https://other.example/x">offsite</a>
<a href="/img/photo.jpg">photo</a>
<a href="javascript:void(0)">js</a>
<a rel="nofollow" href="/login">login</a>
<a href="mailto:x@news.example">mail</a>
</body></html>"""


def test_extract_links_scope_dedup_and_roles():
    root = lxml.html.fromstring(PAGE)
    opts = LinkOptions(allowed_domains=frozenset({"news.example"}))
    found = extract_links(root, "https://news.example/", opts)
    assert [(d.url, d.role) for d in found] == [
        ("https://news.example/feed.xml", "feed"),
        ("https://news.example/2024/04/23/big-story-about-things", "article"),
        ("https://sub.news.example/tag/politics/", "list"),
    ]


def test_base_href_and_cap():
    root = lxml.html.fromstring(
        b'<html><head><base href="https://news.example/dir/"></head><body>'
        + b"".join(b'<a href="p%d">x</a>' % i for i in range(50)) + b"</body></html>"
    )
    found = extract_links(root, "https://news.example/", LinkOptions(max_links=10))
    assert len(found) == 10 and found[0].url == "https://news.example/dir/p0"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://News.Example:80/a?utm_source=x&id=3#frag", "http://news.example/a?id=3"),
        ("https://news.example:8443", "https://news.example:8443/"),
        ("ftp://news.example/file", None),
        ("http://[::1", None),
        ("   ", None),
    ],
)
def test_normalize_url(url, expected):
    assert normalize_url(url) == expected


def test_scope_matches_subdomains_not_lookalikes():
    allowed = frozenset({"news.example"})
    assert in_scope("https://www.news.example/a", allowed)
    assert not in_scope("https://badnews.example/a", allowed)
    assert in_scope("https://anything.example/", frozenset())


@pytest.mark.parametrize(
    ("url", "hint"),
    [
        ("https://n.example/", "list"),
        ("https://n.example/section/world/?page=2", "list"),
        ("https://n.example/author/jane-doe/", "list"),
        ("https://n.example/2024/04/23/story/", "article"),
        ("https://n.example/world/minister-resigns-after-long-inquiry", "article"),
        ("https://n.example/about", "unknown"),
    ],
)
def test_url_page_hint(url, hint):
    assert url_page_hint(url) == hint


def test_an_ipv6_page_url_keeps_its_brackets() -> None:
    # One URL splitter serves page links and requisites: "http://::1:8080/" is no URL.
    from crawler.discovery import normalize_url

    assert normalize_url("http://[::1]:8080/a?utm_source=x&b=1#top") == "http://[::1]:8080/a?b=1"
    assert normalize_url("/b", base="http://[::1]/") == "http://[::1]/b"
