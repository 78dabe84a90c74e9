"""Seed-type detection: the bytes decide, not the URL or a wrong content type."""

from __future__ import annotations

import gzip

import pytest

from crawler.discovery import detect_kind, maybe_gunzip

RSS = b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>x</title></channel></rss>'
ATOM = b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>'
RDF = b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'
URLSET = b'<?xml version="1.0"?><!-- gen --><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>'
INDEX = b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></sitemapindex>'
HTML = b"<!DOCTYPE html>\n<html><head><title>t</title></head><body><p>x</p></body></html>"


@pytest.mark.parametrize(
    ("body", "ctype", "kind"),
    [
        (RSS, "application/rss+xml", "feed"),
        (RSS, "text/html", "feed"),  # wrong content type: the bytes win
        (ATOM, "application/xml", "feed"),
        (RDF, None, "feed"),
        (URLSET, "text/xml", "sitemap"),
        (INDEX, "application/xml", "sitemapindex"),
        (b"\xef\xbb\xbf" + URLSET, "text/xml", "sitemap"),
        (gzip.compress(URLSET), "application/x-gzip", "sitemap"),
        (HTML, "text/html; charset=utf-8", "html"),
        (HTML, "application/octet-stream", "html"),
        (b"<div>broken <p>fragment", "text/html", "html"),
        (b"https://a.example/1\nhttps://a.example/2\n", "text/plain", "text-sitemap"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png", "unknown"),
        (b'{"a": 1}', "application/json", "unknown"),
        (b"", "text/plain", "unknown"),
    ],
)
def test_detect_kind(body, ctype, kind):
    assert detect_kind(body, ctype) == kind


def test_gunzip_is_capped_against_bombs():
    bomb = gzip.compress(b"\0" * 5_000_000)
    assert len(maybe_gunzip(bomb, max_bytes=1000)) == 1000


def test_broken_gzip_gives_empty_not_exception():
    assert maybe_gunzip(b"\x1f\x8b\x08garbage") == b""
