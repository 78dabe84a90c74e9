"""Incremental crawling: the revisit policy (pure) and the per-URL fetch log in the store file.

Layer: pure core. It may import ``crawler.archive``, ``crawler.store``, ``crawler.discovery``,
``crawler.reextract`` (a resumed crawl stores what its WARCs hold), ``crawler.common`` and
``crawler.exceptions``.
"""

from crawler.common.timestamps import parse_timestamp
from crawler.incremental.policy import (
    ALWAYS_FETCHED_ROLES,
    DEFAULT_REVISIT_AFTER,
    Decision,
    KnownCapture,
    RevisitPolicy,
    conditional_headers,
)

__all__ = [
    "ALWAYS_FETCHED_ROLES",
    "DEFAULT_REVISIT_AFTER",
    "Decision",
    "KnownCapture",
    "RevisitPolicy",
    "conditional_headers",
    "parse_timestamp",
]
