"""Text fingerprints: equal for texts that differ only in whitespace, Unicode form or timestamps.

A page re-rendered with a new "updated 5 minutes ago" or "10:32 AM" line in its text is the
same article, so clock times and relative times are masked before hashing. The stored text is
never changed, only what the fingerprint sees.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_CLOCK = re.compile(
    r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?(?:\s?(?:utc|gmt|[a-z]{2,4}t))?\b",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"\b(?:\d+|an?|one)\s+(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago\b"
    r"|\bjust now\b",
    re.IGNORECASE,
)


def normalize_text(text: str) -> str:
    """Return the text in NFKC form with every run of whitespace collapsed to one space."""
    # str.split() splits on exactly the characters \s matches, several times faster than
    # substituting each run of them.
    return " ".join(unicodedata.normalize("NFKC", text).split())


def text_fingerprint(text: str) -> str:
    """Return a 32-hex-digit fingerprint (blake2b) of the normalised, timestamp-masked text."""
    masked = normalize_text(text)
    # Each mask only where its anchor occurs: the patterns try every word of a long text.
    if ":" in masked:
        masked = _CLOCK.sub("#time", masked)
    lower = masked.lower()
    if "ago" in lower or "now" in lower:
        masked = _RELATIVE.sub("#ago", masked)
    return hashlib.blake2b(masked.encode("utf-8"), digest_size=16).hexdigest()
