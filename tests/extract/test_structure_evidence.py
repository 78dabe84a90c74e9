"""Structure from the page's evidence: which lines are subheadings, data tables against layout
tables, collapsed boxes, and what the block scorer dropped that the markup keeps."""

from __future__ import annotations

import lxml.html

from crawler.extract import extract
from crawler.extract.restore import restore
from crawler.extract.structure import build
from crawler.extract.tables import is_data_table
from crawler.extract.text import iter_blocks
from tests.extract.test_structure import URL, _page, _prose


def _headings(body: str) -> list[str]:
    return [b.text for b in extract(_page(body), URL).blocks if b.kind == "heading"]


def test_bold_lines_are_labels_on_a_page_that_marks_its_sections() -> None:
    body = (_prose(2) + "<h2>What went wrong</h2>" + _prose(1) + "<p><strong>Pros</strong></p>"
            + _prose(1) + "<p><b>Account: @riverwatch</b></p>" + _prose(2))
    assert _headings(body) == ["What went wrong"]


def test_a_linked_line_an_attribution_or_the_opening_line_is_no_subheading() -> None:
    teaser = "<p><strong><a href='/2026/other-story'>Council votes on the budget</a></strong></p>"
    quote = "<blockquote><p>We lost everything in the flood.</p></blockquote>"
    opening = "<p><strong>Exeter, Devon</strong></p>"
    body = (opening + _prose(2) + teaser + _prose(2) + quote
            + "<p><strong>– Ann, a resident</strong></p>" + _prose(2))
    assert _headings(body) == []
    # The same bold line between paragraphs of prose is a subheading.
    assert _headings(_prose(2) + "<p><strong>Council votes</strong></p>" + _prose(2)) == [
        "Council votes"
    ]


def test_data_table_with_paragraphs_in_its_cells_is_a_table() -> None:
    table = (
        "<table><thead><tr><th><p>Service</p></th><th><p>Typical cost</p></th></tr></thead>"
        "<tbody><tr><td><p>Editing</p></td><td><p>$500</p><p>per book</p></td></tr>"
        "<tr><td><p>Cover design</p></td><td><p>$300</p></td></tr></tbody></table>"
    )
    result = extract(_page(_prose(2) + table + _prose(2)), URL)
    (found,) = [b for b in result.blocks if b.kind == "table"]
    assert found.rows == (("Service", "Typical cost"), ("Editing", "$500 per book"),
                          ("Cover design", "$300"))
    assert found.header_rows == 1
    assert "| Editing | $500 per book |" in result.markdown


def test_layout_table_is_unwrapped_into_its_content() -> None:
    prose = "".join(f"<p>Paragraph {i} of the story, long enough.</p>" for i in range(3))
    html = (
        "<html><body><table><tr><td>Filed under local news</td><td>Monday</td></tr>"
        f"<tr><td colspan=2>{prose * 12}</td></tr></table></body></html>"
    )
    tree = lxml.html.document_fromstring(html)
    assert not is_data_table(next(tree.iter("table")))
    blocks = build(iter_blocks(tree))
    assert [b.kind for b in blocks] == ["paragraph"] * len(blocks)
    assert blocks[0].text == "Filed under local news Monday"


def test_a_data_table_set_in_a_figure_is_a_table_of_the_text() -> None:
    # Editors set tables in <figure> (WordPress's wp-block-table, a paper's "Table 1"):
    # cleaning removes figures, the table is the article's data.
    table = (
        "<figure class='wp-block-table'><table><thead><tr><th>Plan</th><th>Price</th></tr>"
        "</thead><tbody><tr><td>Basic</td><td>$10</td></tr><tr><td>Pro</td><td>$20</td></tr>"
        "</tbody></table><figcaption>Table 1: prices in 2025</figcaption></figure>"
    )
    photo = "<figure><img src='/img/a.jpg' alt='The barrier'><figcaption>Dawn</figcaption></figure>"
    result = extract(_page(_prose(2) + table + photo + _prose(2)), URL)
    (found,) = [b for b in result.blocks if b.kind == "table"]
    assert found.rows == (("Plan", "Price"), ("Basic", "$10"), ("Pro", "$20"))
    assert [b.src for b in result.blocks if b.kind == "figure"] == [
        "https://news.example/img/a.jpg"
    ]


def test_a_table_that_frames_lists_keeps_its_lists() -> None:
    cells = "".join(f"<td><ul><li>{w} one is good</li><li>{w} two is fine</li></ul></td>"
                    for w in ("Pro", "Con"))
    table = f"<table><tr><th>Pros</th><th>Cons</th></tr><tr>{cells}</tr></table>"
    result = extract(_page(_prose(2) + table + _prose(2)), URL)
    kinds = [b.kind for b in result.blocks]
    assert "table" not in kinds
    assert kinds.count("list") == 2


def test_a_collapsed_box_is_dropped_an_open_one_and_an_accordion_stay() -> None:
    box = ("<details{}><summary>Fact box: the river</summary><p>The Exe is 82 kilometres long "
           "and rises on Exmoor, the fact box says.</p></details>")
    result = extract(_page(_prose(2) + box.format("") + _prose(2)), URL)
    assert "Exmoor" not in result.text and "Fact box" not in result.text
    result = extract(_page(_prose(2) + box.format(" open") + _prose(2)), URL)
    assert "Exmoor" in result.text
    answer = "the barrier was meant to hold a hundred years of storms, the agency said. " * 2
    accordion = "".join(
        f"<details><summary>Question {i}?</summary><p>Answer {i}: {answer}</p></details>"
        for i in range(3)
    )
    result = extract(_page(_prose(2) + accordion + _prose(2)), URL)
    assert "Answer 2" in result.text


def _scored(html: str, dropped: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The blocks of a page, and their texts after :func:`restore` of a choice that drops
    the blocks starting with ``dropped``."""
    blocks = iter_blocks(lxml.html.document_fromstring(html))
    chosen = [b for b in blocks if not b.text.startswith(dropped)]
    return [b.text for b in blocks], [b.text for b in restore(blocks, chosen)]


def test_headings_and_data_tables_the_scorer_dropped_come_back() -> None:
    html = (
        "<html><body><div class=body><p>First paragraph of prose.</p>"
        "<h3><a href='/p/1'>Canon EOS RP</a></h3><p>Second paragraph of prose.</p>"
        "<table><tr><th>Year</th><th>Cost</th></tr><tr><td>2019</td><td>12m</td></tr></table>"
        "<p>Third paragraph of prose.</p></div></body></html>"
    )
    every, kept = _scored(html, ("Canon", "Year", "2019"))
    assert kept == every


def test_a_heading_over_a_data_table_that_came_back_comes_back() -> None:
    html = (
        "<html><body><div class=body><p>First paragraph of prose.</p>"
        "<h3>Costs by year</h3>"
        "<table><tr><th>Year</th><th>Cost</th></tr><tr><td>2019</td><td>12m</td></tr></table>"
        "<p>Second paragraph of prose.</p></div></body></html>"
    )
    every, kept = _scored(html, ("Costs", "Year", "2019"))
    assert kept == every


def test_the_rest_of_a_table_the_scorer_kept_in_part_comes_back() -> None:
    # Paragraphs in cells: the kept cell before a dropped one is inside the table, and a
    # cell is no container of the table; the table's rows come back all the same.
    cells = "".join(
        f"<tr><td><p>{year}</p></td><td><p>{cost}</p></td></tr>"
        for year, cost in (("2019", "12m"), ("2020", "14m"), ("2021", "15m"))
    )
    html = (
        "<html><body><div class=body><p>First paragraph of prose.</p>"
        f"<table><tr><th><p>Year</p></th><th><p>Cost</p></th></tr>{cells}</table>"
        "<p>Second paragraph of prose.</p></div></body></html>"
    )
    every, kept = _scored(html, ("2020", "14m"))
    assert kept == every


def test_teasers_and_boxes_of_other_pages_stay_out() -> None:
    html = (
        "<html><body><div class=body><p>First paragraph of prose.</p>"
        "<div class=embedded><ul><li><h3><a href='/x'>Man found in Plano</a></h3></li></ul></div>"
        "<p>Second paragraph of prose.</p><h2>Related stories</h2>"
        "<p>Third paragraph of prose.</p></div></body></html>"
    )
    every, kept = _scored(html, ("Man found", "Related"))
    assert kept == [t for t in every if not t.startswith(("Man found", "Related"))]


def test_benchmark_truth_reads_a_heading_without_its_style() -> None:
    from benchmarks.devsets import DevPage
    from benchmarks.structure import page_truth

    html = (b"<html><body><h2><style>.x{color:red}</style>What went wrong?</h2>"
            b"<p>The barrier failed.</p></body></html>")
    page = DevPage("modern", "k", html, URL, "What went wrong?\n\nThe barrier failed.")
    assert page_truth(page).headings == {"what went wrong"}


def test_benchmark_truth_takes_no_code_comment_for_a_heading() -> None:
    from benchmarks.devsets import DevPage
    from benchmarks.structure import page_truth

    html = (b"<html><body><h2>Set up</h2><pre><code>if x:\n    # Create a file\n    touch(a)"
            b"</code></pre><p>The barrier failed.</p></body></html>")
    truth = "## Set up\n\nif x:\n# Create a file\ntouch(a)\n\nThe barrier failed."
    page = DevPage("modern", "k", html, URL, truth)
    assert page_truth(page).headings == {"set up"}
