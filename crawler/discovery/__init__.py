"""URL discovery: seed-type detection, feeds, sitemaps, robots.txt sitemaps, page links and
page requisites (pure)."""

from crawler.discovery.dates import parse_date, priority_for
from crawler.discovery.links import LinkOptions, extract_links
from crawler.discovery.model import Discovered, Requisite
from crawler.discovery.requisites import RequisiteOptions, find_requisites
from crawler.discovery.robots import sitemaps_in_robots
from crawler.discovery.seeds import (
    FEED,
    HTML,
    SITEMAP,
    SITEMAP_INDEX,
    TEXT_SITEMAP,
    UNKNOWN,
    detect_kind,
    maybe_gunzip,
)
from crawler.discovery.urls import host_of, in_scope, normalize_url, url_page_hint
from crawler.discovery.xmlfeeds import parse_feed, parse_sitemap, parse_text_sitemap

__all__ = [
    "FEED", "HTML", "SITEMAP", "SITEMAP_INDEX", "TEXT_SITEMAP", "UNKNOWN",
    "Discovered", "LinkOptions", "Requisite", "RequisiteOptions", "detect_kind",
    "find_requisites", "extract_links", "host_of", "in_scope",
    "maybe_gunzip", "normalize_url", "parse_date", "parse_feed", "parse_sitemap",
    "parse_text_sitemap", "priority_for", "sitemaps_in_robots", "url_page_hint",
]
