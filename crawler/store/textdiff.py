"""Word and line diffs of two texts: what `crawler diff` prints and the archive browser shows."""

from __future__ import annotations

import difflib
import re
from typing import Any

from crawler.exceptions import UserError

#: Words of unchanged text shown around each change in a word diff.
CONTEXT_WORDS = 8
_TOKEN = re.compile(r"\n|[^\s]+")


def _tokens(text: str) -> list[str]:
    """Words, with one "\\n" token per paragraph break."""
    return _TOKEN.findall(re.sub(r"\n\s*\n+", "\n", text.strip()))


def _join(tokens: list[str]) -> str:
    return " ".join(tokens).replace(" \n ", "\n").replace("\n ", "\n").replace(" \n", "\n")


class Style:
    """How insertions and deletions are marked: git's word-diff brackets, or ANSI colours."""

    def __init__(self, color: bool = False) -> None:
        """``color``: ANSI colours instead of brackets."""
        self.color = color

    def deleted(self, text: str) -> str:
        """Mark removed words."""
        return f"\x1b[31m[-{text}-]\x1b[0m" if self.color else f"[-{text}-]"

    def inserted(self, text: str) -> str:
        """Mark added words."""
        return f"\x1b[32m{{+{text}+}}\x1b[0m" if self.color else f"{{+{text}+}}"

    def equal(self, text: str) -> str:
        """Unchanged words, as they are (an HTML style escapes them)."""
        return text


def word_diff(
    old: str, new: str, style: Style | None = None, context: int = CONTEXT_WORDS
) -> list[str]:
    """Hunks of a word diff: changed words marked, a little unchanged text around them."""
    style = style or Style(False)
    a, b = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    hunks = []
    for group in matcher.get_grouped_opcodes(context):
        parts = ["…"] if group[0][1] > 0 else []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                parts.append(style.equal(_join(a[i1:i2])))
            if tag in ("replace", "delete"):
                parts.append(style.deleted(_join(a[i1:i2])))
            if tag in ("replace", "insert"):
                parts.append(style.inserted(_join(b[j1:j2])))
        if group[-1][2] < len(a):
            parts.append("…")
        hunks.append(" ".join(p for p in parts if p).replace("\n ", "\n").replace(" \n", "\n"))
    return hunks


def line_diff(old: str, new: str, old_label: str, new_label: str) -> list[str]:
    """A unified diff of the texts' lines (paragraphs)."""
    return list(difflib.unified_diff(
        old.strip().splitlines(), new.strip().splitlines(), old_label, new_label, lineterm=""
    ))


def word_counts(old: str, new: str) -> tuple[int, int]:
    """Words added and removed between two texts."""
    added = removed = 0
    a, b = _tokens(old), _tokens(new)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            removed += sum(1 for t in a[i1:i2] if t != "\n")
        if tag in ("replace", "insert"):
            added += sum(1 for t in b[j1:j2] if t != "\n")
    return added, removed


def pick_versions(versions: list[Any], from_n: int | None, to_n: int | None) -> tuple[Any, Any]:
    """The two versions to compare (default: the last two); UserError if one does not exist."""
    by_number = {v.version: v for v in versions}
    span = f"{min(by_number)}-{max(by_number)}" if len(by_number) > 1 else str(min(by_number))
    to_n = max(by_number) if to_n is None else to_n
    from_n = to_n - 1 if from_n is None else from_n
    for number in (to_n, from_n):  # the version the user named first, not a derived one
        if number not in by_number:
            raise UserError(
                f"version {number} does not exist: this URL has version(s) {span} "
                "(see `crawler history URL`)"
            )
    return by_number[from_n], by_number[to_n]
