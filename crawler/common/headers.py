"""HTTP header values read the same way by the crawl and by re-extraction (pure)."""

from __future__ import annotations


def charset_of(content_type: str | None) -> str | None:
    """The ``charset=`` parameter of a Content-Type header, if any."""
    for param in (content_type or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'") or None
    return None
