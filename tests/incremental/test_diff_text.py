"""The word and line diffs of `crawler diff`, and version picking (pure)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from crawler.commands.diff import Style, line_diff, pick_versions, word_counts, word_diff
from crawler.exceptions import UserError

OLD = ("The council met on Monday and approved the budget.\n\n"
       "Figures show that 20 per cent of residents are affected. " + "Filler words. " * 20)
NEW = ("The council met on Monday and approved the budget.\n\n"
       "Correction: figures show that 43 per cent of residents are affected. "
       + "Filler words. " * 20)


def test_word_diff_marks_only_the_changed_words():
    (hunk,) = word_diff(OLD, NEW)
    assert "[-Figures-] {+Correction: figures+}" in hunk
    assert "[-20-] {+43+}" in hunk
    assert hunk.startswith("…") and hunk.endswith("…")  # context is trimmed on both sides
    assert "The council" not in hunk  # more than 8 words before the change


def test_word_diff_of_equal_texts_is_empty():
    assert word_diff(OLD, OLD) == []
    assert word_counts(OLD, OLD) == (0, 0)


def test_word_counts_and_colour():
    assert word_counts(OLD, NEW) == (3, 2)
    (hunk,) = word_diff(OLD, NEW, Style(color=True))
    assert "\x1b[31m[-20-]\x1b[0m" in hunk and "\x1b[32m{+43+}\x1b[0m" in hunk


def test_line_diff_is_a_unified_diff_of_paragraphs():
    lines = line_diff(OLD, NEW, "v1", "v2")
    assert lines[:2] == ["--- v1", "+++ v2"]
    assert any(line.startswith("-Figures show") for line in lines)
    assert any(line.startswith("+Correction:") for line in lines)


def test_paragraph_breaks_survive_in_word_diffs():
    (hunk,) = word_diff("One.\n\nTwo three.", "One.\n\nTwo four.", context=3)
    assert hunk == "One.\nTwo [-three.-] {+four.+}"


def versions(*numbers):
    return [SimpleNamespace(version=n) for n in numbers]


def test_pick_versions_defaults_to_the_last_two():
    old, new = pick_versions(versions(1, 2, 3), None, None)
    assert (old.version, new.version) == (2, 3)
    old, new = pick_versions(versions(1, 2, 3), 1, None)
    assert (old.version, new.version) == (1, 3)
    old, new = pick_versions(versions(1, 2, 3), None, 2)
    assert (old.version, new.version) == (1, 2)


def test_pick_versions_names_the_versions_that_exist():
    with pytest.raises(UserError, match=r"version 5 does not exist: this URL has version\(s\) 1-3"):
        pick_versions(versions(1, 2, 3), 1, 5)
