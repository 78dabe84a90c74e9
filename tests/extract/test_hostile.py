"""Hostile input: empty, binary, huge, deeply nested, wrongly labelled pages never crash."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.extract import ExtractOptions, extract, parse_document

PROSE = (
    "<p>The harbour authority said on Monday that the new breakwater, which took four years "
    "to build, would protect the fishing fleet from winter storms for decades to come.</p>"
    "<p>Engineers used forty thousand tonnes of rock quarried along the coast, and the "
    "project came in under budget, officials said.</p>"
)


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        (b"", "empty"),
        ("", "empty"),
        (None, "empty"),
        (b"   \n\t  ", "empty"),
        (bytes(range(256)) * 64, "binary"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 5000, "binary"),
        (b"<html><body></body></html>", "too-short"),
        (b"just some words, no markup at all", "too-short"),
    ],
)
def test_degenerate_input_gives_a_reason(html, reason) -> None:
    result = extract(html, "https://example.com/a")
    assert not result.is_article
    assert result.text == ""
    assert result.discard_reason.startswith(reason)


# Run in a child process so a hang fails the test after a generous guard instead of stalling
# the run; the guard is a subprocess timeout only, never a speed assertion (speed: benchmarks/).
_TWENTY_MB = """
import json, sys
from crawler.extract import ExtractOptions, extract
prose = sys.stdin.read().encode()
html = b"<html><body><div>" + prose * 130_000 + b"</div></body></html>"
result = extract(html, "https://example.com/2024/01/02/big-page-story")
print(json.dumps({"size": len(html), "is_article": result.is_article,
                  "is_partial": result.is_partial, "text": len(result.text),
                  "cap": ExtractOptions().max_html_bytes}))
"""


def test_twenty_megabytes_is_capped_and_bounded() -> None:
    done = subprocess.run([sys.executable, "-c", _TWENTY_MB], input=PROSE, capture_output=True,
                          text=True, timeout=600, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["size"] > 20 * 1024 * 1024
    assert result["is_article"]
    assert result["is_partial"], "a page cut at the size cap is partial"
    assert result["text"] < result["cap"]


def test_deep_nesting_does_not_recurse() -> None:
    depth = 100_000
    html = ("<html><body>" + PROSE + "<div>" * depth + "deep" + "</div>" * depth).encode()
    result = extract(html, "https://example.com/2024/01/02/deep-story-here")
    assert result.is_article
    assert "breakwater" in result.text


# UTF-8 bytes under a correct, a wrong (latin-1) and an unknown label.
@pytest.mark.parametrize("declared", ["utf-8", "iso-8859-1", "no-such-charset"])
def test_wrong_charset_label(declared: str) -> None:
    body = "<p>Lunch at the Café à Gênes, über alles.</p>"
    html = f'<html><head><meta charset="{declared}"></head><body>{body}{PROSE}</body></html>'
    result = extract(html.encode("utf-8"), "https://example.com/2024/01/02/cafe-story-here")
    assert "Café à Gênes, über alles" in result.text


def test_latin1_bytes_labelled_utf8() -> None:
    body = "<p>A Café crème, please.</p>"
    html = f'<html><head><meta charset="utf-8"></head><body>{body}{PROSE}</body></html>'
    result = extract(html.encode("latin-1"), "https://example.com/2024/01/02/cafe-story-here")
    assert "Café crème" in result.text
    assert result.encoding == "cp1252"


def test_bom_wins_over_meta() -> None:
    html = '<html><head><meta charset="iso-8859-1"></head><body><p>Zürich</p>' + PROSE
    doc = parse_document(b"\xff\xfe" + html.encode("utf-16-le"))
    assert doc.encoding == "utf-16-le"
    assert "Zürich" in doc.tree.text_content()


def test_http_charset_beats_meta() -> None:
    html = '<html><head><meta charset="utf-8"></head><body><p>Ærø</p></body></html>'
    doc = parse_document(html.encode("cp1252"), options=ExtractOptions(http_encoding="cp1252"))
    assert doc.encoding == "cp1252"
    assert "Ærø" in doc.tree.text_content()


def test_xml_declaration_and_control_characters() -> None:
    html = '<?xml version="1.0" encoding="utf-8"?>\n<html><body>\x00\x01' + PROSE + "</body></html>"
    result = extract(html, "https://example.com/2024/01/02/xml-decl-story")
    assert "breakwater" in result.text


def test_parse_document_keeps_links_for_discovery() -> None:
    html = b'<html><body><nav><a href="/x">X</a></nav>' + PROSE.encode() + b"</body></html>"
    doc = parse_document(html, "https://example.com/")
    assert [a.get("href") for a in doc.tree.iter("a")] == ["/x"]


@pytest.mark.parametrize("charset", ["punycode", "base64", "zlib", "rot13", "utf-16", "x-bogus"])
def test_declared_codecs_that_are_not_text_encodings(charset: str) -> None:
    html = f'<html><head><meta charset="{charset}"></head><body>{PROSE}</body></html>'
    result = extract(html.encode("utf-8"), "https://example.com/2024/01/02/codec-story-here")
    assert "breakwater" in result.text


def test_random_fragments_never_crash() -> None:
    import random

    rng = random.Random(4)
    pieces = [b"<p>", b"</p>", b'<div class="article">', b"</div>", b"text, words. ", b"<br>",
              b"<a href=x>", b"</a>", b"<h2>", b"<li>", b"<script>", b"<!--", b"&#0;", b"\xc3",
              b"\x00", b'<script type="application/ld+json">{"@type": [', b"<table><td>"]
    for _ in range(200):
        html = b"".join(rng.choice(pieces) for _ in range(rng.randrange(1, 150)))
        result = extract(html, rng.choice([None, "", "not a url", "https://e.com/a-b-c-d"]))
        assert result.is_article or result.discard_reason
        assert isinstance(result.to_dict(), dict)


_NESTED = """
import json, sys
from crawler.extract import extract
cls = sys.argv[1]
para = "<p>Some text of a paragraph, with words. And more.</p>"
html = f'<html><body>{f"<div class={cls!r}>" * 250}{para * 20000}{"</div>" * 250}</body></html>'
result = extract(html.encode(), "https://example.com/2024/01/02/nested-story-here")
assert isinstance(result.to_dict(), dict)
print(json.dumps({"is_article": result.is_article, "reason": result.discard_reason}))
"""


@pytest.mark.parametrize("cls", ["share", "ad-slot", "comments"])
def test_deeply_nested_furniture_is_measured_once(cls: str) -> None:
    # 250 nested wrappers around 20,000 paragraphs: measuring each wrapper directly would cost
    # depth x size; a generous hang guard (the child's timeout) against that blow-up, not a
    # speed target.
    done = subprocess.run([sys.executable, "-c", _NESTED, cls], capture_output=True, text=True,
                          timeout=600, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["is_article"] or result["reason"]


def test_a_huge_text_is_capped_and_marked_partial():
    """A page of 3 MB of prose: the text is cut at a paragraph, under the cap, and partial.

    Every character of text costs the crawl process several times over (store, full-text
    index, conversion record): an 8 MB text raised a crawl's memory by 150 MB.
    """
    body = ("<html><head><title>Long</title><meta property='og:type' content='article'></head>"
            "<body><article><h1>Long</h1>" + PROSE * 8000 + "</article></body></html>").encode()
    result = extract(body, "https://news.example/2024/05/01/a-very-long-story")
    assert result.is_article
    assert 400_000 < len(result.text) <= ExtractOptions().max_text_chars
    assert result.text.endswith("officials said.")  # at a paragraph's end
    assert result.is_partial
    small = extract(body, "https://news.example/x", ExtractOptions(max_text_chars=1000))
    assert len(small.text) <= 1000
