"""Text fingerprints: equal for texts that differ only in whitespace, Unicode form or timestamps.

A page re-rendered with a new "updated 5 minutes ago" or "10:32 AM" line in its text is the
same article, so clock times and relative times are masked before hashing. The stored text is
never changed, only what the fingerprint sees.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_SPACE = re.compile(r"\s+")
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
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def text_fingerprint(text: str) -> str:
    """Return a 32-hex-digit fingerprint (blake2b) of the normalised, timestamp-masked text."""
    masked = _RELATIVE.sub("#ago", _CLOCK.sub("#time", normalize_text(text)))
    return hashlib.blake2b(masked.encode("utf-8"), digest_size=16).hexdigest()
