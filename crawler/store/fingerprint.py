"""Text fingerprints: equal for texts that differ only in whitespace or Unicode form."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_SPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Return the text in NFKC form with every run of whitespace collapsed to one space."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def text_fingerprint(text: str) -> str:
    """Return a 32-hex-digit fingerprint of the normalised text (blake2b, 128 bits)."""
    data = normalize_text(text).encode("utf-8")
    return hashlib.blake2b(data, digest_size=16).hexdigest()
