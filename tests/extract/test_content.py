"""Main-content selection: split bodies are joined, neighbouring columns are not."""

from __future__ import annotations

import lxml.html

from crawler.extract import extract
from crawler.extract.clean import clean_tree

URL = "https://x.example/2024/01/01/a-story-split-into-chunks"


def _para(n: int) -> str:
    return (f"<p>Chunk paragraph {n} tells the story, with details, quotes and numbers, "
            "as a real article does.</p>")


def test_body_split_across_repeated_containers_is_joined() -> None:
    chunks = "".join(
        f'<div class="grid"><div class="grid-item">{_para(2 * i)}{_para(2 * i + 1)}</div>'
        f'<div class="ad-slot"><p>Advertisement</p></div></div>'
        for i in range(4)
    )
    sidebar = ('<div class="col"><div class="box"><div class="item"><p>Sidebar opinion teaser '
               "reads like prose, with commas, and a full stop.</p></div></div></div>")
    article = f'<article><div class="chunks">{chunks}</div></article>'
    html = f"<html><body>{article}{sidebar}</body></html>"
    text = extract(html, URL).text
    for n in range(8):
        assert f"Chunk paragraph {n} " in text
    assert "Advertisement" not in text
    assert "Sidebar opinion teaser" not in text


def test_standfirst_and_byline_outside_the_body_are_left_out() -> None:
    html = (
        '<html><body><div class="story"><div class="head"><h1>Headline</h1>'
        '<p class="standfirst">A one-line summary of the story that sits under the headline.</p>'
        '<p class="byline">By Ana Ruiz, Science correspondent</p></div>'
        f'<div class="story-body">{"".join(_para(n) for n in range(5))}</div></div></body></html>'
    )
    text = extract(html, URL).text
    assert text.startswith("Chunk paragraph 0")
    assert "summary of the story" not in text
    assert "Ana Ruiz" not in text


def test_a_forum_thread_rendered_in_noscript_is_read() -> None:
    posts = "".join(
        f'<div class="post"><span class="creator">user{i}</span><p>Reply {i}: I changed the '
        "resolver settings and restarted the daemon, and the names resolved again after that."
        "</p></div>"
        for i in range(4)
    )
    html = (
        '<html><body><noscript><header><a href="/">Forum</a></header>'
        f'<div id="main-outlet"><h1>Confusing resolver structure</h1>{posts}</div></noscript>'
        '<section id="main"></section></body></html>'
    )
    text = extract(html, "https://forum.example/t/confusing-resolver-structure/1").text
    assert "Reply 0" in text and "Reply 3" in text


def test_paragraphs_misnested_in_a_button_are_kept() -> None:
    # libxml2 leaves everything after an unclosed <button> inside it.
    story = "".join(
        f"<p>Sentence group {i} explains the term, with an example, a caveat and a source.</p>"
        for i in range(5)
    )
    html = f"<html><body><header><button><span>Menu</span><main><article>{story}"
    html += "</article></main></header></body></html>"
    text = extract(html, "https://x.example/terms/d/digital-marketing.asp").text
    assert "Sentence group 0" in text and "Sentence group 4" in text


def _cleaned_text(html: str) -> str:
    tree = lxml.html.document_fromstring(html)
    clean_tree(tree)
    return tree.text_content()


def test_a_heading_whose_anchor_id_holds_a_furniture_word_is_kept() -> None:
    # A table of contents links to "#what-is-social-media-marketing": the id is the
    # heading's own words, not the name of a share box.
    story = "".join(_para(i) for i in range(6))
    headings = ('<h2 id="what-is-social-media-marketing">What is social media marketing?</h2>'
                '<h3 id="h-popular-ways-to-share-a-post-today">Popular ways to share a post</h3>')
    html = f"<html><body><article>{story[:400]}{headings}{story[400:]}</article></body></html>"
    assert "What is social media marketing?" in _cleaned_text(html)
    assert "Popular ways to share a post" in _cleaned_text(html)
    markdown = extract(html, URL).markdown.split("\n")
    assert "## What is social media marketing?" in markdown


def test_a_heading_named_as_a_box_still_goes() -> None:
    for heading in ('<h3 id="share-buttons">Share this story</h3>',
                    '<h3 id="comments-title">8 Comments</h3>'):
        html = f"<html><body><article>{_para(0)}{heading}{_para(1)}</article></body></html>"
        assert "Share this" not in _cleaned_text(html) and "8 Comments" not in _cleaned_text(html)


def test_a_section_header_holding_only_its_heading_is_kept() -> None:
    sections = "".join(
        f"<section><header><h2>Step {i}: choosing a method</h2></header>{_para(i)}{_para(i + 10)}"
        "</section>"
        for i in range(3)
    )
    banner = "<header><nav><a href='/'>Home</a></nav><h2>Site name and its motto</h2></header>"
    html = f"<html><body>{banner}<article>{sections}</article></body></html>"
    cleaned = _cleaned_text(html)
    assert "Step 2: choosing a method" in cleaned
    assert "Site name" not in cleaned  # the page's banner, outside any section
    assert "## Step 1: choosing a method" in extract(html, URL).markdown.split("\n")
