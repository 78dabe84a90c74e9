"""Dates, bylines and titles read where pages print them: near the headline, in author markup."""

from __future__ import annotations

import pytest

from crawler.extract import extract
from crawler.extract.authors import tidy_name
from crawler.extract.headline import lines_near_headline
from crawler.extract.parse import parse_document

URL = "https://blog.example.org/posts/why-the-night-buses-stay"
BODY = "<p>" + "The council met on Tuesday, and residents spoke for hours about the plan. " * 4


def page(head: str = "", top: str = "", body: str = BODY) -> str:
    """A small article page: ``top`` is printed around the headline, before the body."""
    return (
        f"<html><head><title>Night buses</title>{head}</head><body>"
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        f"<article>{top}{body}</p></article></body></html>"
    )


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        ("<h1>Night buses</h1><p>Published on: February 14, 2025</p>", "2025-02-14"),
        ("<date>December 19th, 2025</date><h1>Night buses</h1>", "2025-12-19"),
        ("<h1>Night buses</h1><p>December <b>13</b>, 2025</p>", "2025-12-13"),
        ("<h1>Night buses</h1><span>Essay - Published: 17.12.2025 | </span>", "2025-12-17"),
        ("<h1>Night buses</h1><div>longshot · <span>03/04/2026 19:44</span></div>", "2026-03-04"),
        ("<h1>Night buses</h1><div>by ana » 26/02/2026 9:12</div>", "2026-02-26"),
        ("<h1>Night buses</h1><p>Posted 2 May 2024, updated 9 May 2024</p>", "2024-05-02"),
    ],
)
def test_a_date_printed_by_the_headline_is_the_publication_date(top: str, expected: str) -> None:
    result = extract(page(top=top), URL)
    assert result.published is not None
    assert (result.published.value, result.published.source) == (expected, "text")


def test_an_updated_line_alone_gives_no_publication_date() -> None:
    result = extract(page(top="<h1>Night buses</h1><div>Last updated: Jul 22, 2021</div>"), URL)
    assert result.published is None


def test_a_date_deep_in_the_body_is_not_a_date_line() -> None:
    filler = "".join(
        f"<p>Paragraph {n} of the story, long enough to be prose.</p>" for n in range(50)
    )
    body = f"{BODY}</p>{filler}<p>The route opened on March 3, 2019."
    assert extract(page(top="<h1>Night buses</h1>", body=body), URL).published is None


def test_structured_data_beats_the_printed_line() -> None:
    head = '<meta property="article:published_time" content="2024-01-05T08:00:00Z">'
    result = extract(page(head, "<h1>Night buses</h1><p>March 1, 2024</p>"), URL)
    assert (result.published.value, result.published.source) == (
        "2024-01-05T08:00:00+00:00",
        "meta",
    )


@pytest.mark.parametrize(
    ("top", "authors"),
    [
        ("<h1>Night buses</h1><p>Written by</p><p>Edzel Tabing</p>", ("Edzel Tabing",)),
        (
            '<h1>Night buses</h1><span>By <a href="/p/s">Sofia Gonzalez</a></span>',
            ("Sofia Gonzalez",),
        ),
        ("<h1>Night buses</h1><p>Written by John Crenshaw</p>", ("John Crenshaw",)),
        ("<h1>Night buses</h1><p>By Ana Ruiz and Tom Li</p>", ("Ana Ruiz", "Tom Li")),
        ("<h1>Night buses</h1><p>By clicking you agree</p>", ()),
        ("<h1>Night buses</h1><a>Sort by Category</a><p>By Category</p>", ()),
    ],
)
def test_a_byline_by_the_headline_names_the_authors(top: str, authors: tuple[str, ...]) -> None:
    assert extract(page(top=top), URL).authors == authors


def test_organisation_authors_in_json_ld_are_left_out() -> None:
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Night buses",'
        ' "author": [{"@type": "Organization", "name": "City Desk"},'
        ' {"@type": "Person", "name": "Mara Lind"}]}</script>'
    )
    assert extract(page(head=ld), URL).authors == ("Mara Lind",)


def test_microdata_author_names_in_meta_content_are_read() -> None:
    top = (
        '<h1>Night buses</h1><span itemprop="author" itemscope itemtype="https://schema.org/Person">'
        '<meta itemprop="name" content="Alphabyte1"></span>'
    )
    assert extract(page(top=top), URL).authors == ("Alphabyte1",)


def test_a_thread_is_by_its_first_poster_not_everyone_who_replied() -> None:
    posts = "".join(
        f'<div class="post"><div class="meta"><div class="user">'
        f'<a rel="author" href="/u/{name}">{name}</a></div></div><p>{BODY[3:80]}</p></div>'
        for name in ("tinterweb", "nathanmartin", "peccavi")
    )
    assert extract(page(top=f"<h1>Deploy failed</h1>{posts}"), URL).authors == ("tinterweb",)


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Author\nIsaiah Shelton", "Isaiah Shelton"),
        ("StarredSkies\nBig Board Owner", "StarredSkies"),
        ("Outer Armatonisdaristan » Tue Aug 27, 2019", "Outer Armatonisdaristan"),
        ("Topic Author", ""),
        ("Dec", ""),
    ],
)
def test_labels_roles_and_dates_around_a_name_go(raw: str, name: str) -> None:
    assert tidy_name(raw) == name


@pytest.mark.parametrize(
    ("og_title", "title"),
    [
        ("Cybersecurity M&amp;#038;A Roundup", "Cybersecurity M&A Roundup"),
        ("Machine learning, explained | MIT Sloan", "Machine learning, explained"),
        ("MIT Sloan - Machine learning, explained", "Machine learning, explained"),
        ("Ideas Made to Matter | Research", "Ideas Made to Matter | Research"),
    ],
)
def test_titles_are_unescaped_and_lose_the_site_name(og_title: str, title: str) -> None:
    head = (
        f'<meta property="og:title" content="{og_title}">'
        '<meta property="og:site_name" content="MIT Sloan">'
    )
    assert extract(page(head=head), URL).title == title


def test_lines_near_the_headline_come_in_page_order_without_scripts() -> None:
    html = (
        "<html><body><div><p>Kicker</p><script>var x = 1;</script></div>"
        "<header><h1>Title <em>words</em></h1><p>By Ana <b>Ruiz</b> today</p></header>"
        "<svg><text>icon</text></svg><p>Body</p></body></html>"
    )
    tree = parse_document(html).tree
    lines = [text.strip() for text, _ in lines_near_headline(tree)]
    assert lines == ["Kicker", "By Ana", "Ruiz", "today", "Body"]
    assert lines_near_headline(parse_document("<p>No headline here</p>").tree) == []
