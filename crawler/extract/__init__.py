"""Article extraction: HTML bytes and URL in, a frozen ExtractResult out (pure, no scrapy)."""

from crawler.extract.blocks import Block, blocks_from_json, blocks_to_json, to_markdown
from crawler.extract.core import EXTRACTOR_VERSION, extract, extract_document
from crawler.extract.model import DatedValue, Document, ExtractOptions, ExtractResult, SiteProfile
from crawler.extract.parse import parse_document
from crawler.extract.sitelearn import SiteLearner

__all__ = [
    "Block",
    "EXTRACTOR_VERSION",
    "DatedValue",
    "Document",
    "ExtractOptions",
    "ExtractResult",
    "SiteLearner",
    "SiteProfile",
    "blocks_from_json",
    "blocks_to_json",
    "extract",
    "extract_document",
    "parse_document",
    "to_markdown",
]
