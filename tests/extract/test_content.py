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
