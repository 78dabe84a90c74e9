"""Resolve a page requisite's reference to the URL a browser would request (pure)."""

from __future__ import annotations

from urllib.parse import urljoin, urlunsplit

from w3lib.url import safe_url_string

from crawler.discovery.urls import split_http_url

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
        joined = urljoin(base, ref)
    except ValueError:
        return None
    split = split_http_url(joined)
    if split is None:
        return None
    scheme, host, parts = split
    return safe_url_string(urlunsplit((scheme, host, parts.path or "/", parts.query, "")))
