"""Main-content selection: split bodies are joined, neighbouring columns are not."""

from __future__ import annotations

from crawler.extract import extract

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
