"""Text from archived pages made safe to print: control characters shown, never obeyed."""

from __future__ import annotations

import re

#: C0 controls, DEL and C1 controls (ESC starts terminal escape sequences, BEL rings, CR
#: overwrites a line), and the bidirectional overrides and isolates that reorder what a
#: reader sees ("Trojan Source").
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROLS_BUT_NEWLINE = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def _shown(match: re.Match[str]) -> str:
    """A control character as a visible escape (``\\x1b``, ``\\u202e``)."""
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, newlines: bool = False) -> str:
    """``text`` with every control character escaped (``newlines``: keep line breaks)."""
    return (_CONTROLS_BUT_NEWLINE if newlines else _CONTROLS).sub(_shown, text)
