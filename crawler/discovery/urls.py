"""URL normalisation, crawl scope and URL-shape hints (pure, no scrapy)."""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

#: Query parameters that only track the visitor; dropped so one page is one URL.
TRACKING_PARAMS = frozenset(
    {"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "fbclid", "gclid",
     "mc_cid", "mc_eid", "ref", "cmpid"}
)
#: File extensions that are never HTML pages, feeds or sitemaps: not worth a request.
SKIP_EXTENSIONS = frozenset(
    "jpg jpeg png gif webp svg ico bmp tif tiff avif mp3 mp4 m4a wav ogg webm mov avi mkv "
    "pdf zip gz tgz rar 7z exe dmg iso css js woff woff2 ttf eot doc docx xls xlsx ppt pptx "
    "apk bin".split()
)
_DATE_IN_PATH = re.compile(r"/(19|20)\d\d/(0?[1-9]|1[0-2])(/|-)|/(19|20)\d\d-\d\d-\d\d|/\d{8}/")
_LIST_SEGMENTS = frozenset(
    "tag tags topic topics category categories author authors section sections page search "
    "archive archives feed index".split()
)
_LIST_QUERY_KEYS = frozenset({"page", "paged", "q", "s", "query", "search"})
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){3,}")


def normalize_url(url: str, base: str | None = None) -> str | None:
    """Resolve ``url`` against ``base`` and canonicalise it; None if it is not a crawlable URL.

    Drops the fragment and tracking parameters, lower-cases scheme and host, removes default
    ports, and keeps the rest as written (servers may treat path case and order as meaningful).
    """
    url = url.strip()
    if not url or url.startswith(("javascript:", "mailto:", "tel:", "data:", "#")):
        return None
    if base:
        url = urljoin(base, url)
    split = split_http_url(url)
    if split is None:
        return None
    scheme, host, parts = split
    query = "&".join(
        p for p in parts.query.split("&") if p and p.split("=", 1)[0].lower() not in TRACKING_PARAMS
    )
    return urlunsplit((scheme, host, parts.path or "/", query, ""))



def split_http_url(url: str) -> tuple[str, str, SplitResult] | None:
    """An http(s) URL's lower-case scheme, its host[:port] as sent (no default port, IPv6 in
    brackets) and its parts; None for anything else or a malformed URL."""
    try:
        parts = urlsplit(url)
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
    return scheme, host, parts


def host_of(url: str) -> str:
    """Return the lower-case host name of ``url`` (no port), or '' if there is none."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def in_scope(url: str, allowed_domains: frozenset[str] | set[str]) -> bool:
    """True if the URL's host is one of ``allowed_domains`` or a subdomain of one.

    An empty set allows every host.
    """
    if not allowed_domains:
        return True
    host = host_of(url)
    if not host:
        return False
    return any(host == d or host.endswith("." + d) for d in allowed_domains)


def looks_like_asset(url: str) -> bool:
    """True for URLs whose extension says they are images, media, scripts or documents."""
    path = urlsplit(url).path.lower()
    dot = path.rfind(".")
    return dot > path.rfind("/") and path[dot + 1 :] in SKIP_EXTENSIONS


def url_page_hint(url: str) -> str:
    """Guess the page type from the URL's shape alone: ``article``, ``list`` or ``unknown``.

    Dates in the path or a long hyphenated slug suggest an article; segments such as
    ``tag``, ``author``, ``page`` or a ``page=`` query suggest a list page.
    """
    parts = urlsplit(url)
    path = parts.path.lower()
    segments = [s for s in path.split("/") if s]
    if not segments:
        return "list"
    keys = {p.split("=", 1)[0].lower() for p in parts.query.split("&") if p}
    if keys & _LIST_QUERY_KEYS:
        return "list"
    if any(s in _LIST_SEGMENTS for s in segments[:-1]) or segments[-1] in _LIST_SEGMENTS:
        return "list"
    if _DATE_IN_PATH.search(path) or _SLUG.search(segments[-1]):
        return "article"
    return "unknown"


def url_variants(url: str) -> list[str]:
    """The URL as given and as the crawler stores it (no #fragment...), each with/without "/"."""
    forms = [url, normalize_url(url) or url]
    slash = [form[:-1] if form.endswith("/") else form + "/" for form in forms]
    variants = [forms[0], slash[0], forms[1], slash[1]]
    return list(dict.fromkeys(variants))
