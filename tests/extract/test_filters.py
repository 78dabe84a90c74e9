"""Furniture inside the article column: comment threads, prompts, teasers, labels."""

from __future__ import annotations

import pytest

from crawler.extract import extract

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
