"""Fast paths of the extractor give exactly the answers of the plain code they replace."""

from __future__ import annotations

import re

import pytest

from crawler.extract import patterns
from crawler.extract.parse import _CONTROL, _has_control

FOLDED = {name: v for name, v in vars(patterns).items() if isinstance(v, patterns.Folded)}
SAMPLES = [
    "", "share", "SHARE-bar", "post-Share", "articleBody", "Article-Body main", "ad-slot",
    "AD", "promo_box", "promoBox x", "Comments wrap", "comment-list", "Sign Up now",
    "Subscribe to our Newsletter", "Reprints", "reprint", "paywall", "Paywall-prompt",
    "ſhare", "ſubscribe", "Kelvin-K", "captıon", "İtem ad", "Ünïcode sidebar", "story-body",
    "x" * 50 + " NAVIGATION " + "y" * 50, "piano-Offer", "regwall", "Tools toolbar",
]  # fmt: skip


@pytest.mark.parametrize("name", sorted(FOLDED))
def test_folded_patterns_match_as_ignorecase(name: str) -> None:
    folded = FOLDED[name]
    for text in SAMPLES + [s.upper() for s in SAMPLES] + [s.title() for s in SAMPLES]:
        expected = folded.any_case.search(text) is not None
        assert (folded.search(text) is not None) is expected, (name, text)


def test_folded_refuses_patterns_it_cannot_fold() -> None:
    for source in (r"Share", r"caf\u00e9", r"\x41", "ſ", "café"):
        with pytest.raises(ValueError):
            patterns.Folded(re.compile(source, re.IGNORECASE))


@pytest.mark.parametrize(
    "text",
    ["plain", "tab\tand\nlines\r", "nul\x00", "vt\x0b", "esc\x1b", "bad \ufffe", "bad \uffff",
     "ok \ufffd", "caf\u00e9 \u2019", "\ud800 lone surrogate", "\x7f del"],
)  # fmt: skip
def test_control_check_from_bytes_agrees_with_the_regex(text: str) -> None:
    data = text.encode("utf-8", "replace")
    assert _has_control(text, data) is (_CONTROL.search(text) is not None)


def _words_of(pattern: re.Pattern[str]) -> list[str]:
    """Plain words of a pattern's alternatives (the strings its factored form must still find)."""
    return sorted(set(re.findall(r"[a-z][a-z -]{1,}[a-z]", pattern.pattern)))


@pytest.mark.parametrize("name", sorted(FOLDED))
def test_factored_patterns_find_what_the_plain_ones_find(name: str) -> None:
    folded = FOLDED[name]
    plain = re.compile(folded.any_case.pattern)  # neither factored nor padded
    texts = []
    for word in _words_of(folded.any_case):
        for before, after in (("", ""), ("x-", ""), ("", "-x"), ("a ", " b"), ("pre", ""),
                              ("", "post"), ("_", "_"), ("x", "x"), ("", "s"), ("", "-")):
            texts.append(before + word + after)
            texts.append(before + word[: len(word) // 2] + after)  # a word cut short
    assert len(texts) >= 100
    for text in texts:
        assert (folded.search(text) is not None) is (plain.search(text) is not None), (name, text)


def test_factoring_groups_alternatives_by_their_first_characters() -> None:
    assert patterns.factored("share|sharing|social") == "s(?:har(?:e|ing)|ocial)"
    assert patterns.factored("ad|ads|ad-\\S*") == "ad(?:s|-\\S*)?"
    source = "(?:^|[\\s_-])(?:ab|ac|b\\w*|c?d)(?:$|[\\s_-])"
    assert patterns.factored(source) == "(?:^|[\\s_-])(?:a(?:b|c)|b\\w*|c?d)(?:$|[\\s_-])"
    assert patterns.factored("plain") == "plain"


def test_one_classed_walk_serves_the_date_and_byline_readers_as_their_own_walks() -> None:
    from crawler.extract import parse_document
    from crawler.extract.datelines import Classed

    items = "".join(
        f"<div class='{name}'><span class='x{i}'>t</span></div>"
        for i, name in enumerate(["byline", "post-date", "meta", "author-box", "timeline",
                                  "nav", "bylined", "card author", "metadata", "published"])
    )  # fmt: skip
    tree = parse_document(f"<html><body><main>{items}</main></body></html>").tree
    assert tree is not None

    def plain(words: re.Pattern[str], limit: int) -> list[str]:
        found = [e for e in tree.iter() if words.search(e.get("class") or "")]
        return [e.get("class") for e in found if e.tag != "body"][:limit]

    dates, bylines = re.compile("date|time|publish|posted|byline|meta"), re.compile("byline|author")
    walk = Classed(tree)
    first = walk.matching(bylines, 2)
    assert [next(first).get("class")] == plain(bylines, 1)  # a reader stops early
    assert [e.get("class") for e in walk.matching(dates, 50)] == plain(dates, 50)
    assert [e.get("class") for e in walk.matching(bylines, 5)] == plain(bylines, 5)
    assert len(plain(dates, 50)) == 7 and len(plain(bylines, 5)) == 4
