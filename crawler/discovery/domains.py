"""A URL's registered domain (``news.bbc.co.uk`` -> ``bbc.co.uk``), from the Public Suffix List.

tldextract with the list snapshot it ships, and never a network fetch or a cache file: a
crawl's site names must not depend on the day's download. An IP address or a single-label
host (``localhost``) is its own name; a port never is part of it.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

#: The bundled Public Suffix List snapshot only (no download, no cache directory).
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def host_name(url_or_host: str) -> str:
    """The lower-case host of a URL (or of a bare host), without port or trailing dot."""
    text = url_or_host.strip()
    try:
        host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".").lower()


@lru_cache(maxsize=4096)
def registered_domain(url_or_host: str) -> str:
    """The registrable domain of a URL or host; the host itself for IPs and bare names."""
    host = host_name(url_or_host)
    if not host:
        return ""
    parts = _EXTRACT(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return host.removeprefix("www.")
