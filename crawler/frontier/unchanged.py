"""The requisites of a page answered ``304 Not Modified``: read from its archived capture.

An unchanged page still needs its requisites checked: they may have changed, or never been
fetched (an archive crawled with ``CRAWL_REQUISITES=off``, a requisite that failed). A 304
carries no body, so the page's requisites are found in the body the archive already holds:
the latest stored capture of the URL (the store's WARC provenance), read back from its WARC
in the analysis pool (:func:`archived_requisites`, off the reactor thread). The frontier then
admits them as it admits any page's: fresh ones are reused, stale ones asked for with their
validators, missing ones fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.analysis import page_requisites
from crawler.discovery import Requisite, RequisiteOptions
from crawler.store.warcrecord import read_warc_record


@dataclass(frozen=True, slots=True)
class ArchivedPage:
    """Where a page's latest capture with a body is archived (picklable, for the pool)."""

    url: str
    warc_filename: str
    warc_offset: int
    archive_dir: str


def archived_page(store: Any, url: str) -> ArchivedPage | None:
    """The archived capture of ``url`` in ``store`` (a :class:`crawler.store.Store`), or None."""
    if store is None:
        return None
    where = store.last_capture(url)
    if where is None:
        return None
    return ArchivedPage(url, where.filename, where.offset, str(store.path.parent))


def archived_requisites(page: ArchivedPage, options: RequisiteOptions) -> tuple[Requisite, ...]:
    """The requisites of the page's archived body (a revisit record is followed to its
    original); ArchiveError if the record cannot be read."""
    record = read_warc_record(page, page.archive_dir)
    ctype = next((v for k, v in record.http_headers if k.lower() == "content-type"), None)
    return page_requisites(record.payload, page.url, ctype, options)
