"""Furniture inside the article column: comment threads, prompts, teasers, labels."""

from __future__ import annotations

import lxml.html
import pytest

from crawler.extract import extract, filters
from crawler.extract.text import iter_blocks

URL = "https://x.example/2024/01/01/story-with-furniture-here"
BODY = "".join(
    f"<p>Paragraph {i} of the story, with enough words, commas, and sentences to count as "
    "prose. It goes on.</p>"
    for i in range(6)
)
COMMENTS = "".join(
    f"<li><b>User{i}</b><p>I completely disagree with this article, the author ignores the key "
    "facts about the budget and the vote, honestly.</p></li>"
    for i in range(8)
)


@pytest.mark.parametrize(
    "thread",
    [
        '<div class="thread"><h3>8 Comments</h3><ol>{c}</ol></div>',
        "<div><h3>Leave a Reply</h3><ol>{c}</ol></div>",
        '<section id="responses"><ol>{c}</ol></section>',
    ],
)
def test_comment_threads_are_cut(thread: str) -> None:
    html = f'<html><body><div class="main"><div>{BODY}</div>{thread.format(c=COMMENTS)}</div>'
    text = extract(html + "</body></html>", URL).text
    assert "Paragraph 5 of the story" in text
    assert "disagree" not in text


@pytest.mark.parametrize(
    "furniture",
    [
        "<p><strong>Read more:</strong> <a href='/a'>Another story about something</a></p>",
        "<p>Advertisement</p>",
        "<p>Like this story? Share it with a friend!</p>",
        "<div><h4>Have a tip?</h4><p>Contact our reporter securely on Signal.</p></div>",
        "<ul><li><a href='/a'>First related headline here</a></li>"
        "<li><a href='/b'>Second related headline here</a></li></ul>",
        "<p>https://x.example/2024/01/01/story-with-furniture-here</p>",
    ],
)
def test_furniture_inside_the_body_is_dropped(furniture: str) -> None:
    html = f"<html><body><article>{BODY[:300]}{furniture}{BODY[300:]}</article></body></html>"
    text = extract(html, URL).text
    assert "Paragraph 0" in text and "Paragraph 5" in text
    for word in ("Read more", "Advertisement", "Share it", "Have a tip", "Signal", "related",
                 "https://"):
        assert word not in text


def test_lead_paragraph_in_its_own_container_is_kept() -> None:
    lead = ('<div class="article-lead"><p>The lead paragraph sets out the news in one long '
            "sentence, as leads do, and is styled apart from the rest.</p></div>")
    html = f'<html><body><div class="wrap">{lead}<div class="text">{BODY}</div></div></body></html>'
    text = extract(html, URL).text
    assert text.startswith("The lead paragraph sets out the news")



STORY_URL = "https://news.example/2024/05/02/the-vote-and-what-came-after"


def _prose(index: int, topic: str) -> str:
    return (f"<p>Paragraph {index} about {topic} tells what happened in the town, with enough "
            "words, commas, and full sentences to read as the prose of a news story. It goes "
            "on.</p>")


def _story(after: str) -> str:
    """A story of six paragraphs, then ``after`` inside the same text container."""
    body = "".join(_prose(i, "the vote") for i in range(6))
    return ("<html><head><title>The vote and what came after</title></head><body><article>"
            f"<h1>The vote and what came after</h1><div class='text'>{body}{after}</div>"
            "</article></body></html>")


def _furniture_dropped(html: str) -> list[str]:
    """The texts :func:`filters.drop_furniture` keeps when the scorer kept every block."""
    blocks = iter_blocks(lxml.html.document_fromstring(html))
    return [b.text for b in filters.drop_furniture(blocks, blocks)]


SUBHEADINGS = [
    "Popular support grew", "Kommentare aus der Opposition", "Comentarios de los vecinos"
]


@pytest.mark.parametrize("heading", SUBHEADINGS)
def test_a_subheading_that_starts_like_a_box_label_keeps_its_section(heading: str) -> None:
    # Followed by prose where the story's prose stands: the article goes on.
    section = f"<h2>{heading}</h2>" + "".join(_prose(i, "support") for i in range(6, 10))
    kept = _furniture_dropped(_story(section))
    assert heading in kept
    assert kept[-1].startswith("Paragraph 9 about support")


def test_a_subheading_that_starts_like_a_box_label_stays_a_heading() -> None:
    section = "<h2>Popular support grew</h2>" + "".join(_prose(i, "support") for i in range(6, 10))
    result = extract(_story(section), STORY_URL)
    assert "## Popular support grew" in result.markdown.split("\n")
    assert "Paragraph 9 about support" in result.text


def _card(index: int) -> str:
    return (f"<div class='card'><h3><a href='/story/{index}'>Another story number {index} of "
            f"the site</a></h3><p>Excerpt {index} of another story, long enough, with commas and "
            "sentences, to read like prose if it stood in the article. It goes on.</p></div>")


def _links(count: int) -> str:
    items = "".join(f"<li><a href='/s/{i}'>Another story number {i} of the site</a></li>"
                    for i in range(count))
    return f"<ul>{items}</ul>"


@pytest.mark.parametrize(
    "box",
    [
        "<h2>Popular stories</h2>" + _links(5),  # headline links
        # Cards, each with an excerpt that reads as prose, in a container of their own.
        "<h2>Popular stories</h2>" + "".join(_card(i) for i in range(4)),
        "<h3>Você pode gostar...</h3>" + "".join(_card(i) for i in range(4)),
        "<h3>По теме</h3>" + "".join(_card(i) for i in range(4)) + _prose(9, "the box"),
    ],
)
def test_a_box_label_followed_by_teasers_still_cuts_them(box: str) -> None:
    kept = _furniture_dropped(_story(box))
    assert kept[-1].startswith("Paragraph 5 about the vote")
