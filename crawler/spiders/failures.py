"""Name the kind of a failed request, so "errors" counts real failures only, by kind.

Not failures: requests dropped on purpose (``IgnoreRequest``: robots.txt disallows, the page
budget is spent, the incremental policy skips), a ``304 Not Modified`` answer to a revisit,
a missing or broken ``robots.txt`` (it is optional), and a ``404``/``410`` answer to a link the
crawl found (the site's broken link, archived as answered: ``pages/not_found``; a seed that
answers so is the user's problem and reported as such). A retried download counts once, when
it finally fails. Stats: ``errors/<kind>``.
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

from crawler.frontier import FREE_ROLES, TASK_META_KEY

#: Answers that say a page does not exist: archived as answered; the crawl did its job.
NOT_FOUND = frozenset({404, 410})

#: Display names of the error kinds, in the summary's order.
KIND_LABELS = {
    "timeout": "timeout", "dns": "DNS", "connection": "connection", "http": "HTTP",
    "analysis": "analysis", "store": "store", "archive": "archive", "other": "other",
    "unreachable": "host unreachable",
}


def failure_kind(failure: Any) -> str | None:
    """``timeout``, ``dns``, ``connection``, ``http-<status>``, ``other``; None if not a failure."""
    request = getattr(failure, "request", None)
    task = request.meta.get(TASK_META_KEY) if request is not None else None
    if getattr(task, "role", None) in FREE_ROLES:  # robots.txt is optional
        return None
    error = failure.value
    if isinstance(error, HttpError):
        if _is_broken_link(failure):
            return None
        status = error.response.status
        # 304: the answer to a conditional revisit (the page did not change), archived as such.
        return None if status == 304 else f"http-{status}"
    if isinstance(error, IgnoreRequest):
        return None
    return error_kind(error)


def error_kind(error: BaseException) -> str:
    """``timeout``, ``dns``, ``connection`` or ``other``: the kind of a download exception."""
    if isinstance(error, DownloadTimeoutError | TimeoutError):
        return "timeout"
    if isinstance(error, CannotResolveHostError):
        return "dns"
    if isinstance(error, DownloadConnectionRefusedError | DownloadFailedError |
                  ResponseDataLossError | ConnectionError):
        return "connection"
    return "other"


def count_failure(stats: Any, failure: Any) -> None:
    """Count one failed request under ``errors/<kind>``, a broken link under ``pages/not_found``."""
    if _is_broken_link(failure):
        stats.inc_value("pages/not_found")
        return
    kind = failure_kind(failure)
    if kind is not None:
        stats.inc_value(f"errors/{kind}")


def _is_broken_link(failure: Any) -> bool:
    """A 404 or 410 answer to a page the crawl found (not to a seed the user gave)."""
    error = failure.value
    if not isinstance(error, HttpError) or error.response.status not in NOT_FOUND:
        return False
    task = failure.request.meta.get(TASK_META_KEY) if getattr(failure, "request", None) else None
    role = getattr(task, "role", None)
    return role != "seed" and role not in FREE_ROLES  # robots.txt is optional


def seed_problem(url: str, failure: Any) -> str:
    """The one-line problem of a seed that could not be fetched, with its fix."""
    response = getattr(failure.value, "response", None)
    if response is not None:
        return f"seed {url} answered HTTP {response.status}: check the URL"
    if "robots.txt" in (failure.getErrorMessage() or ""):
        return f"seed {url} is disallowed by the site's robots.txt: pick another seed"
    kind = failure.type.__name__ if failure.type is not None else "error"
    message = (failure.getErrorMessage() or kind).rstrip(".")
    return (f"could not fetch seed {url} ({message}): check the address and that the site is "
            "reachable")


def error_label(kind: str) -> str:
    """The display name of an error kind: ``http-404`` is ``HTTP 404``, ``dns`` is ``DNS``."""
    base, _, status = kind.partition("-")
    return f"{KIND_LABELS.get(base, base)} {status}".strip()


def error_counts(stats: dict[str, Any]) -> dict[str, int]:
    """Errors by display kind (``HTTP 404``, ``timeout``...), from a crawl's stats."""
    counts: dict[str, int] = {}
    for key, value in sorted(stats.items()):
        if not key.startswith("errors/") or not value:
            continue
        label = error_label(key.split("/", 1)[1])
        counts[label] = counts.get(label, 0) + int(value)
    return counts
