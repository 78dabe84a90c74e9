"""Name the kind of a failed request, so "errors" counts real failures only, by kind.

Not failures: requests dropped on purpose (``IgnoreRequest``: robots.txt disallows, the page
budget is spent, the incremental policy skips), and a missing or broken ``robots.txt`` (it is
optional). A retried download counts once, when it finally fails. Stats: ``errors/<kind>``.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError

#: Display names of the error kinds, in the summary's order.
KIND_LABELS = {
    "timeout": "timeout", "dns": "DNS", "connection": "connection", "http": "HTTP",
    "analysis": "analysis", "store": "store", "archive": "archive", "other": "other",
}


def failure_kind(failure: Any) -> str | None:
    """``timeout``, ``dns``, ``connection``, ``http-<status>``, ``other``; None if not a failure."""
    request = getattr(failure, "request", None)
    if request is not None and request.meta.get("page_role") in ("robots", "internal"):
        return None
    error = failure.value
    if isinstance(error, HttpError):
        return f"http-{error.response.status}"
    if isinstance(error, IgnoreRequest):
        return None
    if isinstance(error, DownloadTimeoutError | TimeoutError):
        return "timeout"
    if isinstance(error, CannotResolveHostError):
        return "dns"
    if isinstance(error, DownloadConnectionRefusedError | DownloadFailedError |
                  ResponseDataLossError | ConnectionError):
        return "connection"
    return "other"


def count_failure(stats: Any, failure: Any) -> None:
    """Count one failed request under ``errors/<kind>`` (nothing for non-failures)."""
    kind = failure_kind(failure)
    if kind is not None:
        stats.inc_value(f"errors/{kind}")


def error_counts(stats: dict[str, Any]) -> dict[str, int]:
    """Errors by display kind (``HTTP 404``, ``timeout``...), from a crawl's stats."""
    counts: dict[str, int] = {}
    for key, value in sorted(stats.items()):
        if not key.startswith("errors/") or not value:
            continue
        kind = key.split("/", 1)[1]
        base, _, status = kind.partition("-")
        label = f"{KIND_LABELS.get(base, base)} {status}".strip()
        counts[label] = counts.get(label, 0) + int(value)
    return counts
