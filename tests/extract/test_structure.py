"""The main text's structure: typed blocks, Markdown, standfirst, figures, briefs, reasons."""

from __future__ import annotations

import re
from collections import Counter

from crawler.extract import Block, extract
from crawler.extract.blocks import plain_text, to_markdown

URL = "https://news.example/2026/01/02/flood-defences-fail-in-the-town"
PROSE = (
    "The barrier, built in 2019 for twelve million pounds, was meant to protect four hundred "
    "homes along the river from exactly this kind of storm, engineers said on Monday."
)


def _page(body: str, head: str = "", title: str = "Flood defences fail") -> bytes:
    return (
        f"<html><head><title>{title}</title>{head}</head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


def _prose(n: int, word: str = "The") -> str:
    return "".join(f"<p>{word} {i}: {PROSE}</p>" for i in range(n))


def _kinds(blocks: tuple[Block, ...]) -> list[str]:
    return [b.kind for b in blocks]


def _words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", re.sub(r"\\(.)", r"\1", text)))


def test_headings_keep_their_level_and_text() -> None:
    body = _prose(2) + "<h2>What went wrong</h2>" + _prose(2) + "<h3>The repairs</h3>" + _prose(2)
    result = extract(_page(body), URL)
    headings = [(b.text, b.level) for b in result.blocks if b.kind == "heading"]
    assert headings == [("What went wrong", 2), ("The repairs", 3)]
    assert "\n\n## What went wrong\n\n" in result.markdown
    assert "\n\n### The repairs\n\n" in result.markdown
    assert "What went wrong" in result.text


def test_bold_only_and_capitals_paragraphs_are_subheadings() -> None:
    body = (_prose(2) + "<p><strong>Next steps for the council</strong></p>" + _prose(2)
            + "<p>WHAT RESIDENTS SAY</p>" + _prose(2))
    result = extract(_page(body), URL)
    headings = [b.text for b in result.blocks if b.kind == "heading"]
    assert headings == ["Next steps for the council", "WHAT RESIDENTS SAY"]
    # A bold sentence inside prose is not a heading.
    body = _prose(2) + "<p><strong>The council will meet on Thursday.</strong></p>" + _prose(2)
    assert not [b for b in extract(_page(body), URL).blocks if b.kind == "heading"]


def _headings(body: str) -> list[str]:
    return [b.text for b in extract(_page(body), URL).blocks if b.kind == "heading"]


def test_heading_whose_id_spells_its_words_is_no_furniture() -> None:
    # A table-of-contents anchor ("h-" prefix, a word cut short) is no class name, even
    # when a word of the heading is one that names furniture ("social", "promo").
    body = (_prose(2) + '<h2 id="h-social-media-for-small-busin">Social media for small business'
            "</h2>" + _prose(2) + '<h3 id="promo-codes-and-offers">Promo codes and offers</h3>'
            + _prose(2))
    assert _headings(body) == ["Social media for small business", "Promo codes and offers"]
    # A furniture heading whose id spells it stays out: its words are a prompt.
    body = _prose(3) + '<h2 id="related-stories">Related stories</h2>' + _prose(3)
    assert "Related stories" not in extract(_page(body), URL).text


def test_heading_inside_an_accordion_button_is_kept() -> None:
    body = _prose(2) + "".join(
        f'<div class="accordion"><button class="accordion-toggle" aria-expanded="true">'
        f'<h3 class="accordion-heading">{question}</h3></button>'
        f'<div class="accordion-panel"><p>{PROSE}</p></div></div>'
        for question in ("How long will the repairs take?", "Who pays for the damage?")
    )
    assert _headings(body) == ["How long will the repairs take?", "Who pays for the damage?"]


def test_section_header_holding_a_subheading_is_kept() -> None:
    # A <header> that heads a section of the article is no page banner; the article's own
    # header (headline, byline) still goes.
    body = ('<header><p class="kicker">Weather</p><p>By Ann Lee</p></header>'
            + "".join(f"<section><header><h2>{name}</h2></header>{_prose(2)}</section>"
                      for name in ("What went wrong", "The repairs")))
    result = extract(_page(body), URL)
    assert [b.text for b in result.blocks if b.kind == "heading"] == [
        "What went wrong", "The repairs"
    ]
    assert "Ann Lee" not in result.text


def test_nested_lists_ordered_and_not() -> None:
    body = (
        _prose(2) + "<ul><li>First, the seal failed.</li><li>Then the pumps stopped."
        "<ol><li>Pump one</li><li>Pump two</li></ol></li><li>Last, the alarm.</li></ul>"
        + _prose(2)
    )
    result = extract(_page(body), URL)
    (listed,) = [b for b in result.blocks if b.kind == "list"]
    assert not listed.ordered
    assert [item[0].text for item in listed.items] == [
        "First, the seal failed.", "Then the pumps stopped.", "Last, the alarm."
    ]
    nested = listed.items[1][1]
    assert nested.kind == "list" and nested.ordered
    assert [item[0].text for item in nested.items] == ["Pump one", "Pump two"]
    assert "- Then the pumps stopped.\n\n  1. Pump one\n  2. Pump two\n- Last, the alarm." in (
        result.markdown
    )


def test_table_with_header_rows_from_thead_and_th() -> None:
    rows = "<tr><td>2019</td><td>12m</td></tr><tr><td>2026</td><td>3m</td></tr>"
    for head in ("<thead><tr><th>Year</th><th>Cost</th></tr></thead>",
                 "<tr><th>Year</th><th>Cost</th></tr>"):
        body = _prose(2) + f"<table>{head}<tbody>{rows}</tbody></table>" + _prose(2)
        result = extract(_page(body), URL)
        (table,) = [b for b in result.blocks if b.kind == "table"]
        assert table.rows == (("Year", "Cost"), ("2019", "12m"), ("2026", "3m"))
        assert table.header_rows == 1
        assert "| Year | Cost |\n|---|---|\n| 2019 | 12m |\n| 2026 | 3m |" in result.markdown


def test_quote_and_pre() -> None:
    body = (
        _prose(2) + "<blockquote><p>We will rebuild it stronger.</p><p>And soon.</p></blockquote>"
        + _prose(1) + "<pre>gauge  level\n  1    4.2m\n  2    3.9m</pre>" + _prose(2)
    )
    result = extract(_page(body), URL)
    (quote,) = [b for b in result.blocks if b.kind == "quote"]
    assert quote.text == "We will rebuild it stronger.\n\nAnd soon."
    assert "> We will rebuild it stronger.\n>\n> And soon." in result.markdown
    (pre,) = [b for b in result.blocks if b.kind == "pre"]
    assert pre.text == "gauge  level\n  1    4.2m\n  2    3.9m"  # spacing kept
    assert "```\ngauge  level\n  1    4.2m\n  2    3.9m\n```" in result.markdown


def test_pull_quote_that_repeats_the_body_is_dropped() -> None:
    said = "We were told the barrier would hold for a hundred years, and it lasted two days."
    body = (_prose(2) + f'<aside class="pullquote"><p>{said}</p></aside>'
            + f"<p>One resident said: {said} Others agreed with her.</p>" + _prose(2))
    result = extract(_page(body), URL)
    assert result.text.count("lasted two days") == 1


def test_figures_with_captions_credits_and_links() -> None:
    body = (
        '<figure><a href="/big.jpg"><img src="/img/a.jpg" alt="The barrier"></a>'
        '<figcaption>The barrier on Sunday. <span class="credit">Photo: A. Smith</span>'
        "</figcaption></figure>" + _prose(2)
        + '<div class="media"><img data-src="/img/b.jpg" srcset="/img/b-400.jpg 400w, '
        '/img/b-1200.jpg 1200w" alt="Pumps"><p class="caption">The pumps in 2020. '
        "(Photo: B. Jones)</p></div>" + _prose(2)
    )
    result = extract(_page(body), URL)
    figures = [b for b in result.blocks if b.kind == "figure"]
    assert [(f.src, f.alt, f.caption, f.credit) for f in figures] == [
        ("https://news.example/img/a.jpg", "The barrier", "The barrier on Sunday.",
         "Photo: A. Smith"),
        ("https://news.example/img/b-1200.jpg", "Pumps", "The pumps in 2020.", "Photo: B. Jones"),
    ]
    assert _kinds(result.blocks)[:2] == ["figure", "paragraph"]  # in document order
    assert "Sunday" not in result.text and "pumps in 2020" not in result.text  # not prose
    rich = to_markdown(result.blocks, figures=True)
    assert "![The barrier](<https://news.example/img/a.jpg>)\nThe barrier on Sunday. " in rich
    assert result.lead_image == "https://news.example/img/a.jpg"  # no og:image: first figure


def test_lead_image_from_og_image_and_json_ld() -> None:
    head = '<meta property="og:image" content="/og.jpg">'
    assert extract(_page(_prose(3), head), URL).lead_image == "https://news.example/og.jpg"
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Flood '
            'defences fail", "image": {"@type": "ImageObject", "url": "https://i.example/x.jpg"}}'
            "</script>")
    assert extract(_page(_prose(3), head), URL).lead_image == "https://i.example/x.jpg"


def test_standfirst_outside_the_body_container() -> None:
    dek = "The town's new barrier gave way after two days of rain, officials said on Monday."
    html = (
        "<html><head><title>Flood defences fail</title></head><body>"
        f'<div class="hero"><h1>Flood defences fail</h1><p class="standfirst">{dek}</p></div>'
        f'<div class="article-body">{_prose(4)}</div><footer>About us</footer></body></html>'
    )
    result = extract(html, URL)
    assert result.lead == dek
    assert result.blocks[0] == Block("paragraph", dek, lead=True)
    assert dek not in result.text and dek not in result.markdown  # the text is the body
    assert to_markdown(result.blocks, lead=True).startswith(dek + "\n\n")
    assert plain_text(result.blocks, lead=True) == dek + "\n\n" + result.text


def test_standfirst_from_the_description() -> None:
    dek = "Officials say the barrier failed because a seal at the eastern end gave way early."
    head = f'<meta name="description" content="{dek}">'
    html = (f"<html><head><title>Flood defences fail</title>{head}</head><body><header><h1>"
            f"Flood defences fail</h1><h2>{dek}</h2></header><main>{_prose(4)}</main>"
            "</body></html>")
    result = extract(html, URL)
    assert result.lead == dek
    assert dek not in result.text


def test_no_standfirst_on_a_page_without_one() -> None:
    result = extract(_page(_prose(4)), URL)
    assert result.lead is None and not any(b.lead for b in result.blocks)


def test_a_brief_is_an_article_and_its_reason_describes_its_text() -> None:
    paragraphs = [
        "The city council voted on Tuesday to close the old bridge to cars from March, after "
        "engineers found cracks in two of its supports.",
        "Buses and bicycles will still be allowed across while the council looks for money to "
        "repair it, a spokesperson said.",
        "Shop owners on both banks said they feared losing customers during the busiest weeks "
        "of the summer.",
    ]
    html = ("<html><head><title>Bridge to close</title></head><body><article><h1>Bridge to "
            "close</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article></body></html>")
    result = extract(html, "https://news.example/brief")
    assert result.text == "\n\n".join(paragraphs)
    assert result.is_article, result.page_reason


def test_too_short_reason_counts_the_text_held() -> None:
    result = extract("<html><body><article><p>Page not found, sorry about that.</p></article>"
                     "</body></html>", "https://x.example/a")
    assert result.discard_reason == (
        f"too-short: {len(result.text)} chars of body text (min 200)"
    )


def test_the_next_story_appended_by_infinite_scroll_is_left_out() -> None:
    def story(headline: str, word: str) -> str:
        return f"<article><h1>{headline}</h1>{_prose(4, word)}</article>"

    html = ("<html><head><title>Bridge closes</title></head><body><main>"
            + story("Bridge closes", "Bridge") + story("Mayor resigns", "Mayor")
            + "</main></body></html>")
    result = extract(html, "https://n.example/2026/01/02/bridge-closes")
    assert result.text.count("Bridge") == 4
    assert "Mayor" not in result.text


def test_markdown_carries_the_words_of_the_text() -> None:
    body = (
        _prose(1) + "<h2>Costs * and [notes]</h2><p>1. A line that looks like a list_item.</p>"
        + "<ul><li>First # point</li><li>Second point</li></ul>"
        "<table><tr><th>a|b</th><th>c</th></tr><tr><td>1</td><td>2</td></tr></table>"
        + _prose(2)
    )
    result = extract(_page(body), URL)
    assert result.text == plain_text(result.blocks)
    lines = [re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line) for line in result.markdown.split("\n")]
    assert _words("\n".join(lines)) == _words(result.text)
    assert "\\# point" not in result.markdown  # a "#" inside a line needs no escape...
    assert "1\\. A line" in result.markdown  # ...one that would start a list does


def test_reason_names_both_texts_when_the_text_is_read_outside_the_main_column() -> None:
    from crawler.extract.metadata import Metadata
    from crawler.extract.pagetype import PageEvidence, classify

    evidence = PageEvidence("https://x.example/a-b-c-d", 0, 5000, 100, 10, 4, 0)
    first = classify(evidence, Metadata(), 200)
    held = classify(evidence, Metadata(), 200, text_chars=466)
    assert first.discard_reason == "too-short: 0 chars of body text (min 200)"
    assert held.role == first.role  # the decision is the same; its reason describes the text
    assert held.discard_reason == (
        "too-short: 0 chars of prose in the main column; the text's 466 chars are read "
        "outside it (min 200)"
    )


def test_a_subheading_holding_a_prompt_inside_a_word_is_kept() -> None:
    # "Design Inspiration" holds "sign in" and "Unsubscribe rates" holds "subscribe": prompts
    # are whole words, or the subheading would be dropped as a login or newsletter box.
    body = (_prose(3) + "<h2>Design inspiration</h2>" + _prose(2)
            + "<h2>Unsubscribe rates</h2>" + _prose(2))
    result = extract(_page(body), URL)
    headings = [b.text for b in result.blocks if b.kind == "heading"]
    assert headings == ["Design inspiration", "Unsubscribe rates"]
