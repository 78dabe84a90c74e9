"""Incremental crawling: the revisit policy (pure) and the per-URL fetch log in the store file."""

from crawler.incremental.policy import (
    ALWAYS_FETCHED_ROLES,
    DEFAULT_REVISIT_AFTER,
    Decision,
    KnownCapture,
    RevisitPolicy,
    conditional_headers,
)
from crawler.timestamps import parse_timestamp

__all__ = [
    "ALWAYS_FETCHED_ROLES",
    "DEFAULT_REVISIT_AFTER",
    "Decision",
    "KnownCapture",
    "RevisitPolicy",
    "conditional_headers",
    "parse_timestamp",
]
