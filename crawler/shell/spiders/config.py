"""The news spider's configuration, read once from Scrapy settings and spider arguments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler import discovery


def _as_list(value: Any) -> list[str]:
    """A list of strings from a list or a comma-separated string."""
    if not value:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return [str(v).strip() for v in value if str(v).strip()]


@dataclass
class CrawlConfig:
    """Everything the spider reads from settings (``CRAWL_*``, ``EXTRACT_*``)."""

    seeds: list[str]
    allowed_domains: frozenset[str]
    site_name: str = ""
    max_pages: int = 0
    follow_links: bool = True
    use_feeds: bool = True
    use_sitemaps: bool = True
    max_links: int = 2000
    workers: int | None = None
    warmup_pages: int = 8
    max_held: int = 64
    min_article_chars: int = 200

    @classmethod
    def from_settings(cls, settings: Any, args: dict[str, Any] | None = None) -> CrawlConfig:
        """Build from Scrapy settings; spider arguments (``-a``) win over settings."""
        args = args or {}
        seeds = [
            u for u in (discovery.normalize_url(s) for s in
                        _as_list(args.get("seeds") or settings.get("CRAWL_SEEDS"))) if u
        ]
        domains = _as_list(args.get("allowed_domains") or settings.get("CRAWL_ALLOWED_DOMAINS"))
        if not domains:
            domains = [discovery.host_of(s) for s in seeds]
        workers = str(settings.get("EXTRACT_WORKERS", "auto")).strip().lower()
        return cls(
            seeds=seeds,
            allowed_domains=frozenset(d.lower().lstrip(".") for d in domains if d),
            site_name=str(args.get("site") or settings.get("CRAWL_SITE_NAME") or ""),
            max_pages=int(args.get("max_pages") or settings.getint("CRAWL_MAX_PAGES", 0)),
            follow_links=settings.getbool("CRAWL_FOLLOW_LINKS", True),
            use_feeds=settings.getbool("CRAWL_USE_FEEDS", True),
            use_sitemaps=settings.getbool("CRAWL_USE_SITEMAPS", True),
            max_links=settings.getint("CRAWL_MAX_LINKS_PER_PAGE", 2000),
            workers=None if workers in ("", "auto", "none") else int(workers),
            warmup_pages=settings.getint("EXTRACT_WARMUP_PAGES", 8),
            max_held=settings.getint("EXTRACT_MAX_HELD", 64),
            min_article_chars=settings.getint("EXTRACT_MIN_ARTICLE_CHARS", 200),
        )
