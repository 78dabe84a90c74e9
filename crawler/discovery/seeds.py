"""Tell what a fetched document is (HTML page, feed, sitemap) from its bytes and content type."""

from __future__ import annotations

import re
import zlib

#: Kinds returned by :func:`detect_kind`.
HTML, FEED, SITEMAP, SITEMAP_INDEX, TEXT_SITEMAP, UNKNOWN = (
    "html", "feed", "sitemap", "sitemapindex", "text-sitemap", "unknown",
)
_SNIFF_BYTES = 4096
# The first element name after the prolog (XML declaration, comments, doctype, whitespace).
_FIRST_TAG = re.compile(rb"<\s*([A-Za-z][\w.:-]*)")
_PROLOG = re.compile(rb"^(\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", re.S | re.I)
_ROOTS = {
    b"rss": FEED, b"feed": FEED, b"rdf:rdf": FEED, b"rdf": FEED,
    b"urlset": SITEMAP, b"sitemapindex": SITEMAP_INDEX,
    b"html": HTML, b"head": HTML, b"body": HTML,
}
_HTML_HINTS = (b"<html", b"<head", b"<body", b"<div", b"<p>", b"<title", b"<!doctype html")


def maybe_gunzip(body: bytes, max_bytes: int = 64 * 1024 * 1024) -> bytes:
    """Inflate a gzip body (sitemap.xml.gz served as-is), capped at ``max_bytes``.

    Bodies that are not gzip come back unchanged; a broken gzip stream gives what inflated.
    """
    if not body.startswith(b"\x1f\x8b"):
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        return inflater.decompress(body, max_bytes)
    except zlib.error:
        return b""


def detect_kind(body: bytes, content_type: str | None = None) -> str:
    """Classify a document as ``html``, ``feed``, ``sitemap``, ``sitemapindex``,
    ``text-sitemap`` or ``unknown``, trusting the bytes over the content type.
    """
    head = maybe_gunzip(body, _SNIFF_BYTES)[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf")
    ctype = (content_type or "").split(";")[0].strip().lower()
    prolog = _PROLOG.match(head)  # always matches, perhaps empty
    match = _FIRST_TAG.search(head, prolog.end() if prolog else 0)
    if match:
        name = match.group(1).lower()
        local = name.split(b":")[-1] if name != b"rdf:rdf" else name
        if local in _ROOTS:
            return _ROOTS[local]
    lowered = head.lower()
    if "html" in ctype or any(h in lowered for h in _HTML_HINTS):
        return HTML
    if ctype in ("text/plain", "") and _looks_like_url_list(head):
        return TEXT_SITEMAP
    return UNKNOWN


def _looks_like_url_list(head: bytes) -> bool:
    """True if every non-empty line of ``head`` is an http(s) URL (a plain-text sitemap)."""
    lines = [line.strip() for line in head.splitlines()[:-1] or head.splitlines() if line.strip()]
    return bool(lines) and all(line.startswith((b"http://", b"https://")) for line in lines)
