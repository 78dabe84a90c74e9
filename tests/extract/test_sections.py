"""Sections the block scorer dropped between kept text of one container come back whole."""

from __future__ import annotations

import lxml.html

from crawler.extract.restore import SECTION_FLOOR, SIBLING_FLOOR, restore
from crawler.extract.text import Block, iter_blocks

PROSE = "A paragraph of the article that runs on long enough to read as prose, with a verb. "
DOUBT = (SECTION_FLOOR + 0.5) / 2  # under the cutoff, above the floor


def _blocks(inner: str) -> list[Block]:
    html = f"<html><body><nav><a href='/'>Home</a></nav><div>{inner}</div></body></html>"
    return [b for b in iter_blocks(lxml.html.document_fromstring(html)) if b.text != "Home"]


def _restored(inner: str, dropped: tuple[str, ...], score: float = DOUBT) -> tuple[list, list]:
    """Every block's text, and the texts :func:`restore` keeps of a choice that drops the
    blocks starting with ``dropped`` (they score ``score``, the others 0.9)."""
    blocks = _blocks(inner)
    chosen = [b for b in blocks if not b.text.startswith(dropped)]
    scores = [score if b.text.startswith(dropped) else 0.9 for b in blocks]
    return [b.text for b in blocks], [b.text for b in restore(blocks, chosen, scores)]


def test_a_dropped_section_between_kept_text_comes_back_whole() -> None:
    inner = (
        f"<p>Opening. {PROSE}</p><h2>Costs of the plan</h2><p>Costs one. {PROSE}</p>"
        f"<p>Costs two. {PROSE}</p><h3>Who pays</h3><p>Payers. {PROSE}</p>"
        f"<p>Closing. {PROSE}</p>"
    )
    every, kept = _restored(inner, ("Costs", "Who pays", "Payers"))
    assert kept == every


def test_a_section_beside_a_box_of_teaser_links_stays_out() -> None:
    teasers = "".join(f"<h3><a href='/s/{i}'>Other story number {i}</a></h3>" for i in range(3))
    inner = (
        f"<p>Opening. {PROSE}</p>{teasers}<h4>A small favour to ask</h4>"
        f"<p>Appeal. {PROSE}</p><p>Closing. {PROSE}</p>"
    )
    every, kept = _restored(inner, ("Other story", "A small favour", "Appeal"))
    assert kept == [t for t in every if t.startswith(("Opening", "Closing"))]


def test_a_section_the_scorer_refused_stays_out() -> None:
    inner = (
        f"<p>Opening. {PROSE}</p><h2>Costs of the plan</h2><p>Costs one. {PROSE}</p>"
        f"<p>Closing. {PROSE}</p>"
    )
    every, kept = _restored(inner, ("Costs",), score=SIBLING_FLOOR / 2)
    assert kept == [t for t in every if t.startswith(("Opening", "Closing"))]


def test_a_doubted_section_among_the_kept_paragraphs_comes_back_one_in_a_box_does_not() -> None:
    # A page the scorer doubts throughout (a list of profiles, a paper) scores its sections
    # under the floor; set among the kept paragraphs themselves, the markup vouches for them.
    section = f"<h2>Costs of the plan</h2><p>Costs one. {PROSE}</p><p>Costs two. {PROSE}</p>"
    low = (SIBLING_FLOOR + SECTION_FLOOR) / 2
    among = f"<p>Opening. {PROSE}</p>{section}<p>Closing. {PROSE}</p>"
    every, kept = _restored(among, ("Costs",), score=low)
    assert kept == every
    boxed = f"<p>Opening. {PROSE}</p><div class=box>{section}</div><p>Closing. {PROSE}</p>"
    every, kept = _restored(boxed, ("Costs",), score=low)
    assert kept == [t for t in every if t.startswith(("Opening", "Closing"))]
    every, kept = _restored(boxed, ("Costs",), score=DOUBT)
    assert kept == every


def test_headings_without_prose_or_prose_without_a_heading_stay_out() -> None:
    toggles = "".join(
        f"<h4>Use profiles to select personalised advertising for purpose {i}</h4><div>Off</div>"
        for i in range(2)
    )
    for gap, dropped in (
        (toggles, ("Use profiles", "Off")),
        (f"<p>Middle one. {PROSE}</p><p>Middle two. {PROSE}</p>", ("Middle",)),
        (f"<h2>Related stories</h2><p>Related one. {PROSE}</p>", ("Related",)),
    ):
        every, kept = _restored(f"<p>Opening. {PROSE}</p>{gap}<p>Closing. {PROSE}</p>", dropped)
        assert kept == [t for t in every if t.startswith(("Opening", "Closing"))], gap


def test_a_section_outside_the_kept_text_container_stays_out() -> None:
    inner = (
        f"<div><div><div><p>Opening. {PROSE}</p></div></div></div>"
        f"<aside><div><div><h2>Costs of the plan</h2><p>Costs one. {PROSE}</p></div></div></aside>"
        f"<div><div><div><p>Closing. {PROSE}</p></div></div></div>"
    )
    every, kept = _restored(inner, ("Costs",))
    assert kept == [t for t in every if t.startswith(("Opening", "Closing"))]


def test_a_section_after_a_data_table_that_came_back_comes_back() -> None:
    # The table's rows read as furniture to the scorer (far under the floor); the table
    # comes back first, and the section between it and the kept text is a gap of its own.
    inner = (
        f"<p>Opening. {PROSE}</p>"
        "<table><tr><th>Year</th><th>Cost</th></tr><tr><td>2019</td><td>12m</td></tr></table>"
        f"<h2>Costs of the plan</h2><p>Costs one. {PROSE}</p><p>Closing. {PROSE}</p>"
    )
    blocks = _blocks(inner)
    rows = ("Year", "2019")
    chosen = [b for b in blocks if not b.text.startswith((*rows, "Costs"))]
    scores = [0.05 if b.text.startswith(rows) else DOUBT if b.text.startswith("Costs") else 0.9
              for b in blocks]
    assert restore(blocks, chosen, scores) == blocks


def test_a_table_among_the_kept_paragraphs_counts_as_one_of_them() -> None:
    # A doubted section between a data table and the kept prose, all children of one
    # element: the table (not its row, whose parent is the table) is the kept text's element.
    inner = (
        f"<p>Opening. {PROSE}</p>"
        "<table><tr><th>Year</th><th>Cost</th></tr><tr><td>2019</td><td>12m</td></tr></table>"
        f"<h2>Costs of the plan</h2><p>Costs one. {PROSE}</p><p>Closing. {PROSE}</p>"
    )
    blocks = _blocks(inner)
    rows = ("Year", "2019")
    low = (SIBLING_FLOOR + SECTION_FLOOR) / 2
    chosen = [b for b in blocks if not b.text.startswith((*rows, "Costs"))]
    scores = [0.05 if b.text.startswith(rows) else low if b.text.startswith("Costs") else 0.9
              for b in blocks]
    assert restore(blocks, chosen, scores) == blocks
