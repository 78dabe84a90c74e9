"""Extraction in worker processes: an in-order map over a process pool with a bounded window."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

from crawler.common.lifeline import start_worker
from crawler.extract import ExtractOptions, ExtractResult, SiteProfile, extract
from crawler.extract.sitelearn import site_of
from crawler.reextract.scan import Capture
from crawler.store.dates import parse_timestamp
from crawler.syndication import Sketch, sketch_text

T = TypeVar("T")
R = TypeVar("R")

#: Site profiles learned in the first pass, installed in each worker by :func:`init_worker`.
_PROFILES: dict[str, SiteProfile] = {}


def init_worker(profiles: dict[str, SiteProfile]) -> None:
    """Install the learned site profiles in this process (pool initializer)."""
    global _PROFILES
    _PROFILES = profiles


def _options(capture: Capture, profile: SiteProfile | None) -> ExtractOptions:
    """Extractor options for one capture: its capture time, HTTP charset and site profile."""
    return ExtractOptions(
        capture_time=parse_timestamp(capture.date),
        http_encoding=capture.charset,
        site_profile=profile,
    )


def _safe_extract(capture: Capture, profile: SiteProfile | None) -> ExtractResult:
    """Extract one page; an extractor bug on one hostile page must not end a long run."""
    try:
        return extract(capture.body, capture.url, _options(capture, profile))
    except Exception as exc:  # noqa: BLE001 - reported as the page's discard reason
        reason = f"extractor failed: {type(exc).__name__}: {exc}"[:200]
        return ExtractResult(discard_reason=reason, page_reason=reason)


def signatures_of(capture: Capture) -> tuple[str, tuple[str, ...]]:
    """First pass: the page's block signatures, for learning its site's boilerplate."""
    return capture.url, _safe_extract(capture, None).block_signatures


def extract_capture(capture: Capture) -> tuple[ExtractResult, Sketch | None]:
    """Second pass: extract with the site's learned profile (signatures dropped: not needed),
    and sketch an article's text for syndication clusters here, in parallel."""
    result = _safe_extract(capture, _PROFILES.get(site_of(capture.url)))
    sketch = sketch_text(result.text) if result.is_article and result.text else None
    return dataclasses.replace(result, block_signatures=()), sketch


def ordered_map(
    fn: Callable[[T], R],
    items: Iterable[T],
    jobs: int,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Iterator[tuple[T, R]]:
    """Yield ``(item, fn(item))`` in input order, computing on ``jobs`` processes.

    At most ``4 * jobs`` items are in flight, so memory stays bounded however long the input.
    """
    if jobs <= 1:
        if initializer is not None:
            initializer(*initargs)
        for item in items:
            yield item, fn(item)
        return
    # spawn, not fork: the parent holds an SQLite connection and a progress thread.
    context = multiprocessing.get_context("spawn")
    window: deque[tuple[T, Future[R]]] = deque()
    # Workers watch this process: killed, it leaves no worker behind (crawler.common.lifeline).
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=start_worker,
                             initargs=(os.getpid(), initializer, initargs)) as pool:
        for item in items:
            window.append((item, pool.submit(fn, item)))
            if len(window) >= 4 * jobs:
                done, future = window.popleft()
                yield done, future.result()
        while window:
            done, future = window.popleft()
            yield done, future.result()
