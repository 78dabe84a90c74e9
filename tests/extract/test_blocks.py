"""The block model: JSON round trip, plain text and CommonMark of every block kind."""

from __future__ import annotations

from crawler.extract import Block, blocks_from_json, blocks_to_json, to_markdown
from crawler.extract.blocks import plain_text

BLOCKS = (
    Block("paragraph", "A standfirst that opens the story.", lead=True),
    Block("heading", "What happened", level=2),
    Block("paragraph", "Read the report at the ministry's site.",
          links=(("the report", "https://gov.example/report"),)),
    Block("list", ordered=True, items=(
        (Block("paragraph", "First point"),),
        (Block("paragraph", "Second point"),
         Block("list", items=((Block("paragraph", "nested a"),),
                              (Block("paragraph", "nested b"),)))),
    )),
    Block("quote", "We will rebuild."),
    Block("table", rows=(("Party", "Seats"), ("Blue", "41")), header_rows=1),
    Block("figure", src="https://img.example/a.jpg", alt="A bridge", caption="The bridge.",
          credit="Photo: A. Smith"),
    Block("pre", "x = 1"),
)


def test_json_round_trip_keeps_every_field() -> None:
    assert blocks_from_json(blocks_to_json(BLOCKS)) == BLOCKS
    assert blocks_from_json(None) == ()


def test_plain_text_leaves_figures_out() -> None:
    text = plain_text(BLOCKS)
    assert text.startswith("What happened\n\n")  # the standfirst only when asked for
    assert plain_text(BLOCKS, lead=True).startswith(
        "A standfirst that opens the story.\n\nWhat happened\n\n"
    )
    assert "First point\nSecond point\nnested a\nnested b" in text
    assert "Party Seats\nBlue 41" in text
    assert "bridge" not in text


def test_markdown_of_every_kind() -> None:
    md = to_markdown(BLOCKS)
    assert "## What happened\n" in md
    assert "1. First point\n2. Second point\n\n   - nested a\n   - nested b" in md
    assert "> We will rebuild." in md
    assert "| Party | Seats |\n|---|---|\n| Blue | 41 |" in md
    assert "```\nx = 1\n```" in md
    assert "![" not in md and "](" not in md  # no figures, no links unless asked for
    assert "standfirst" not in md and md.startswith("## What happened\n")
    rich = to_markdown(BLOCKS, figures=True, links=True, lead=True)
    assert rich.startswith("A standfirst that opens the story.\n\n## What happened\n")
    assert "![A bridge](<https://img.example/a.jpg>)\nThe bridge. (Photo: A. Smith)" in rich
    assert "[the report](<https://gov.example/report>)" in rich


def test_markdown_escapes_what_would_become_markup() -> None:
    md = to_markdown((Block("paragraph", "# not a heading\n1. not a list *or* [link]"),))
    assert md == "\\# not a heading\n1\\. not a list \\*or\\* \\[link\\]\n"
