"""Page analysis, pure: one parse of a response gives its kind (HTML, feed, sitemap),
its links and its extraction. Run inline or in the analysis pool's worker processes.

It may import the core packages (discovery, extract), never scrapy, twisted, the shell or
processes.
"""

from crawler.analysis.page import (
    AnalysisRequest,
    PageAnalysis,
    ProfileRef,
    analyze_page,
    analyze_stylesheet,
    load_profile,
    page_requisites,
    reextract,
)

__all__ = [
    "AnalysisRequest",
    "PageAnalysis",
    "ProfileRef",
    "analyze_page",
    "analyze_stylesheet",
    "load_profile",
    "page_requisites",
    "reextract",
]
