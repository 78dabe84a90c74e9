"""Article extraction: HTML bytes and URL in, a frozen ExtractResult out (pure, no scrapy)."""

from crawler.extract.core import EXTRACTOR_VERSION, extract, extract_document
from crawler.extract.model import DatedValue, Document, ExtractOptions, ExtractResult, SiteProfile
from crawler.extract.parse import parse_document
from crawler.extract.sitelearn import SiteLearner

__all__ = [
    "EXTRACTOR_VERSION",
    "DatedValue",
    "Document",
    "ExtractOptions",
    "ExtractResult",
    "SiteLearner",
    "SiteProfile",
    "extract",
    "extract_document",
    "parse_document",
]
