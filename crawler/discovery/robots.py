"""Read the ``Sitemap:`` lines of a robots.txt (Scrapy's middleware handles the rules)."""

from __future__ import annotations

from crawler.discovery.urls import normalize_url


def sitemaps_in_robots(text: str, base_url: str) -> list[str]:
    """Return the sitemap URLs a robots.txt lists, absolute and de-duplicated, in order."""
    found: list[str] = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            url = normalize_url(value.strip(), base_url)
            if url and url not in found:
                found.append(url)
    return found
