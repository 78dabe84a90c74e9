"""Tree to text: paragraphs, line breaks, table rows, whitespace."""

from __future__ import annotations

import lxml.html

from crawler.extract.text import iter_blocks


def _texts(html: str) -> list[str]:
    return [b.text for b in iter_blocks(lxml.html.document_fromstring(html))]


def test_paragraphs_and_breaks() -> None:
    html = "<div>One\nline, <b>bold</b> text.<br>Same para.<br><br>New para.</div><p>Last</p>"
    assert _texts(html) == ["One line, bold text.\nSame para.", "New para.", "Last"]


def test_data_table_rows_read_as_lines() -> None:
    html = (
        "<table><tr><th>Pos.</th><th>Driver</th><th>Points</th></tr>"
        "<tr><td>1</td><td>Kyle <b>Busch</b></td><td>5040</td></tr></table>"
    )
    assert _texts(html) == ["Pos. Driver Points", "1 Kyle Busch 5040"]


def test_layout_table_cells_stay_blocks() -> None:
    html = (
        "<table><tr><td><a href='/'>Home</a></td>"
        "<td><p>First paragraph of the story.</p><p>Second one.</p></td></tr></table>"
    )
    assert _texts(html) == ["Home", "First paragraph of the story.", "Second one."]


def test_link_text_is_counted() -> None:
    blocks = iter_blocks(lxml.html.document_fromstring("<p>Read <a href='x'>this story</a></p>"))
    assert blocks[0].link_chars == len("this story")
    assert 0.5 < blocks[0].link_density < 0.7
