"""Resolve a page requisite's reference to the URL a browser would request (pure)."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string

_NOT_FETCHED = ("data:", "blob:", "javascript:", "about:", "mailto:", "tel:", "#")


def resolve_requisite(ref: str, base: str) -> str | None:
    """``ref`` resolved against ``base``, without its fragment; None if not an http(s) URL.

    Unlike page links (:func:`crawler.discovery.normalize_url`), the query string is kept
    exactly: a resource's URL must be the one its page asks for, or it will not replay.
    The URL is percent-encoded as a browser (and Scrapy) sends it.
    """
    ref = ref.strip()
    if not ref or ref.lower().startswith(_NOT_FETCHED):
        return None
    try:
        parts = urlsplit(urljoin(base, ref))
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if any(char.isspace() for char in host):
        return None
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    if port and not (scheme == "http" and port == 80 or scheme == "https" and port == 443):
        host = f"{host}:{port}"
    return safe_url_string(urlunsplit((scheme, host, parts.path or "/", parts.query, "")))
