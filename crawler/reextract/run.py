"""Re-extraction: every HTML response of the given WARCs, through the extractor, into the store.

Two passes over the WARCs (both streaming): the first learns each site's boilerplate from all
its pages (:class:`crawler.extract.SiteLearner`), the second extracts with what was learned and
writes to the store. Captures already in the store (same WARC record) are compared and only
rewritten when the result differs, so a second run changes nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from crawler import settings
from crawler.exceptions import UserError
from crawler.extract import (
    EXTRACTOR_VERSION,
    ExtractOptions,
    ExtractResult,
    SiteLearner,
    SiteProfile,
)
from crawler.extract.sitelearn import site_of
from crawler.reextract.scan import Capture, WarcScanner, file_problem
from crawler.reextract.worker import extract_capture, init_worker, ordered_map, signatures_of
from crawler.store import PageRecord, Store, WarcLocation
from crawler.store.sitenames import SiteNames

#: File names re-extraction picks up inside a folder (``.open`` files are still being written).
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")

#: Below this many bytes of WARCs, re-extraction runs in this process unless told ``jobs``.
SMALL_INPUT = 8 * 1024 * 1024

#: ``progress(phase, done_bytes, total_bytes)``: called as the scan advances.
ProgressFn = Callable[[str, int, int], None]


@dataclass
class ReextractReport:
    """What a re-extraction did: counts per store outcome and the bad records it skipped."""

    files: int = 0
    records: int = 0
    html: int = 0
    skipped: int = 0
    #: HTML responses left out as page requisites (marked so in a metadata record).
    requisites: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for the user."""
        out = self.outcomes
        articles = out["new_version"] + out["unchanged"] + out["updated"] + out["same_article"]
        return (
            f"{self.html} HTML pages in {self.records} records of {self.files} WARC file(s) "
            f"in {self.seconds:.1f}s: {articles} articles ({out['new_version']} new versions, "
            f"{out['updated']} re-extracted differently, "
            f"{out['unchanged'] + out['same_article']} unchanged), "
            f"{out['not_article'] + out['same_page']} other pages, "
            f"{self.skipped} cut or oversized responses skipped, {self.requisites} page "
            f"requisites left out, {len(self.errors)} bad records"
        )


def find_warcs(paths: list[str | Path]) -> list[Path]:
    """Expand files and folders (recursively) into WARC files, in name order per folder."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.name.endswith(WARC_SUFFIXES)))
        elif path.is_file():
            found.append(path)
        else:
            raise UserError(f"{path} does not exist: pass WARC files or folders that hold them")
    if not found:
        raise UserError(f"no WARC or ARC files (*.warc, *.warc.gz, *.arc, *.arc.gz) in "
                        f"{', '.join(map(str, paths))}")
    return found


def usable_files(files: list[Path]) -> tuple[list[Path], list[str]]:
    """The files that are WARC or ARC files, and one line for each that is not."""
    good, problems = [], []
    for path in files:
        problem = file_problem(path)
        if problem is None:
            good.append(path)
        else:
            problems.append(f"{path}: {problem}; skipped")
    return good, problems


def stored_name(path: Path, archive_dir: Path) -> str:
    """How the store names a WARC: its name if it is in ARCHIVE_DIR/warc, else its full path."""
    resolved = path.resolve()
    if resolved.parent == (archive_dir / "warc").resolve():
        return path.name
    return str(resolved)


class _Captures:
    """Chain the HTML responses of many WARCs, tracking bytes done and each file's errors."""

    def __init__(self, files: list[Path], progress: ProgressFn | None, phase: str) -> None:
        """Prepare to scan ``files`` (nothing is read yet)."""
        self.files = files
        self.progress = progress
        self.phase = phase
        self.total = sum(f.stat().st_size for f in files)
        self.scanners: list[WarcScanner] = []

    def __iter__(self) -> Iterator[Capture]:
        """Yield each capture, reporting progress after each one."""
        done = 0
        # The crawl drops pages that decode to more than DOWNLOAD_MAXSIZE; so does re-extraction.
        max_body = max(settings.DOWNLOAD_MAXSIZE, ExtractOptions().max_html_bytes)
        for path in self.files:
            scanner = WarcScanner(path, max_body)
            self.scanners.append(scanner)
            for capture in scanner:
                yield capture
                self._report(done + scanner.position)
            done += path.stat().st_size
            self._report(done)

    def _report(self, done: int) -> None:
        """Tell the progress callback how far the scan is."""
        if self.progress is not None:
            self.progress(self.phase, done, self.total)


def _distinct(captures: Iterable[Capture]) -> Iterator[Capture]:
    """Each page once: later captures of a URL, or of the same bytes elsewhere, are skipped.

    Learning counts on how many pages a block appears; an article captured on five days (or
    under five tracking URLs) must not count as five pages, or its own text looks like
    boilerplate. Memory: 8 bytes per URL or digest seen.
    """
    seen: set[bytes] = set()
    for capture in captures:
        keys = {_short_hash(capture.url.split("#", 1)[0])}
        if capture.payload_digest:
            keys.add(_short_hash(capture.payload_digest))
        if keys & seen:
            continue
        seen |= keys
        yield capture


def _short_hash(value: str) -> bytes:
    """An 8-byte hash (collisions only make learning skip a page)."""
    return hashlib.blake2b(value.encode("utf-8", "replace"), digest_size=8).digest()


def learn_profiles(
    files: list[Path], jobs: int, progress: ProgressFn | None,
    keep: Callable[[Capture], bool] | None = None,
) -> dict[str, SiteProfile]:
    """First pass: learn each site's boilerplate from the block signatures of its pages."""
    learner = SiteLearner()
    sites: set[str] = set()
    captures = _distinct(filter(keep, _Captures(files, progress, "learn")))
    for _, (url, signatures) in ordered_map(signatures_of, captures, jobs):
        learner.observe(url, signatures)
        sites.add(site_of(url))
    return {site: learner.profile(site) for site in sites}


def _page_record(
    capture: Capture, result: ExtractResult, warc_name: str, site: str
) -> PageRecord:
    """The store's input for one re-extracted capture."""
    return PageRecord.from_extraction(
        result,
        url=capture.url,
        site=site,
        fetched_at=capture.date,
        status=capture.status,
        extractor_version=EXTRACTOR_VERSION,
        warc=WarcLocation(
            filename=warc_name, offset=capture.offset, length=capture.length,
            record_id=capture.record_id, payload_digest=capture.payload_digest,
            date=capture.date, record_type="response",
        ),
        etag=capture.etag,
        last_modified=capture.last_modified,
        source="reextract",
    )


def reextract(
    paths: list[str | Path],
    archive_dir: str | Path,
    jobs: int | None = None,
    learn: bool = True,
    progress: ProgressFn | None = None,
    only_missing: bool = False,
) -> ReextractReport:
    """Re-extract every HTML response in ``paths`` (WARC files or folders) into the store.

    ``only_missing``: only the captures the store does not hold yet (resuming a dead crawl).
    """
    started = time.monotonic()
    archive = Path(archive_dir)
    files, problems = usable_files(find_warcs(paths))
    if not jobs and sum(f.stat().st_size for f in files) < SMALL_INPUT:
        jobs = 1  # starting worker processes takes longer than a few pages (15 s for 6)
    # More than 4 per core only thrashes; 10,000 would fork 10,000 processes.
    jobs = min(jobs or os.cpu_count() or 1, 4 * (os.cpu_count() or 1))
    report = ReextractReport(files=len(files), errors=problems)
    captures = _Captures(files, progress, "extract")
    names = {str(f): stored_name(f, archive) for f in files}
    with Store(archive, create=True) as store:
        keep = None
        if only_missing:
            def keep(capture: Capture) -> bool:
                return not store.has_capture(capture.record_id, names[capture.path],
                                             capture.offset)
        profiles = learn_profiles(files, jobs, progress, keep) if learn else {}
        site_names = SiteNames(store)
        for capture, (result, sketch) in ordered_map(extract_capture, filter(keep, captures),
                                                     jobs, init_worker, (profiles,)):
            record = _page_record(capture, result, names[capture.path], site_names(capture.url))
            record = dataclasses.replace(record, sketch=sketch)
            added = store.add_page(record)
            outcome = added.outcome
            if outcome == "same":
                outcome = "same_article" if added.version is not None else "same_page"
            report.outcomes[outcome] += 1
        store.prune_texts()
    for scanner in captures.scanners:
        report.records += scanner.stats.records
        report.html += scanner.stats.html
        report.skipped += scanner.stats.skipped
        report.requisites += scanner.stats.requisites
        report.errors.extend(scanner.stats.errors)
    report.seconds = time.monotonic() - started
    return report
