"""Article extraction: HTML bytes and URL in, a frozen ExtractResult out (pure, no scrapy)."""

from crawler.extract.model import DatedValue, ExtractOptions, ExtractResult, SiteProfile

__all__ = ["DatedValue", "ExtractOptions", "ExtractResult", "SiteProfile"]
