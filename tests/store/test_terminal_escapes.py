"""Control characters from archived pages (URI, title, text) are shown escaped, never obeyed."""

from __future__ import annotations

import pytest

from crawler.cli import main
from crawler.reextract import reextract
from crawler.terminal import printable
from tests.store.warcs import article_html, unique_text, write_warc

ESC = "\x1b"
URL = "http://evil.test/news/\x1b]0;owned\x07\x1b[2J-story"
TITLE = "Plain \x1b[31mred\x1b[0m headline \u202eevil"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """Two versions of an article whose URI and title carry terminal escape sequences."""
    root = tmp_path_factory.mktemp("escapes")
    (root / "warc").mkdir()
    first = unique_text(7) + " Bell \x07 here."
    write_warc(root / "warc" / "a.warc.gz", [
        (URL, article_html(TITLE, first), "2026-11-10T09:00:00Z"),
        (URL, article_html(TITLE, first + " An \x1b[5m added \x1b[0m line."),
         "2026-11-11T09:00:00Z"),
    ])
    assert reextract([root / "warc"], root, jobs=1).errors == []
    return root


def test_printable_escapes_controls():
    assert printable("a\x1b[31mb\x07\u202ec\nd") == "a\\x1b[31mb\\x07\\u202ec\\x0ad"
    assert printable("a\nb\x1b", newlines=True) == "a\nb\\x1b"
    assert printable("Grüße — ok") == "Grüße — ok"


@pytest.mark.parametrize("command", [
    ["search", "headline"],
    ["history", URL],
    ["diff", URL, "--color", "never"],
    ["diff", URL, "--lines"],
])
def test_commands_print_no_control_characters(archive, capsys, command):
    assert main([*command, "--archive-dir", str(archive)]) == 0
    out = capsys.readouterr()
    shown = out.out + out.err
    assert "evil.test/news/" in shown
    assert ESC not in shown and "\x07" not in shown and "\u202e" not in shown
    assert "\\x1b" in shown
