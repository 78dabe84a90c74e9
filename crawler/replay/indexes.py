"""Keep the CDXJ indexes pywb reads current: every closed WARC indexed exactly once.

The crawl writes one CDXJ per WARC into ``ARCHIVE_DIR/indexes/`` after every crawl. A WARC can
still lack one (a crawl that was killed, WARCs copied in by hand): replay first runs the crawl's
own indexer (:func:`crawler.archive.refresh_indexes`) on the folder; whatever that cannot cover
(a read-only ``indexes/``, an index that names other files) replay indexes with cdxj-indexer into
its own folder ``ARCHIVE_DIR/replay/indexes/``, and drops that copy again once a crawl index
covers the WARC, so pywb never sees a capture twice.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from crawler.archive import refresh_indexes as refresh_crawl_indexes
from crawler.archive.cdxj import describe, write_index
from crawler.replay.layout import ArchiveLayout

#: The ``filename`` field of a CDXJ line (read with a regex: a full JSON parse per line is slow).
_FILENAME_RE = re.compile(rb'"filename":\s*"((?:[^"\\]|\\.)*)"')


@dataclass
class RefreshResult:
    """What one refresh did."""

    warcs: int = 0
    indexed: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    #: WARCs indexed with damaged records skipped (name: what was skipped).
    damaged: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        """True when pywb's view of the archive changed."""
        return bool(self.indexed or self.dropped)


def indexed_warc_names(index_file: Path) -> set[str]:
    """Base names of the WARC files an index file refers to (streamed line by line)."""
    names: set[str] = set()
    with open(index_file, "rb") as fh:
        for line in fh:
            match = _FILENAME_RE.search(line)
            if match:
                name = json.loads(b'"' + match.group(1) + b'"')
                names.add(os.path.basename(name))
    return names


def index_warc(warc: Path, output: Path) -> str | None:
    """Write a sorted CDXJ index of one WARC to ``output`` (atomically: temp file, then rename).

    Damaged records are skipped (the rest of the file stays replayable); returns what was
    skipped, or None.
    """
    report = write_index(warc, output)
    return describe(report) if report.skipped else None


class IndexRefresher:
    """Brings an archive folder's indexes up to date; cheap to call repeatedly."""

    def __init__(self, layout: ArchiveLayout, use_crawl_indexer: bool = True) -> None:
        """Remember the layout; index coverage is cached per index file (size, mtime)."""
        self.layout = layout
        self.use_crawl_indexer = use_crawl_indexer
        self._coverage: dict[Path, tuple[tuple[int, int], set[str]]] = {}

    def covered_by_crawl(self) -> set[str]:
        """WARC base names the crawl's own index files cover."""
        covered: set[str] = set()
        current = self.layout.index_files()
        for path in current:
            stat = path.stat()
            key = (stat.st_size, stat.st_mtime_ns)
            cached = self._coverage.get(path)
            if cached is None or cached[0] != key:
                cached = (key, indexed_warc_names(path))
                self._coverage[path] = cached
            covered |= cached[1]
        for gone in set(self._coverage) - set(current):
            del self._coverage[gone]
        return covered

    def refresh(self) -> RefreshResult:
        """Index uncovered closed WARCs; drop replay's own indexes that are no longer needed."""
        result = RefreshResult()
        if self.use_crawl_indexer:
            try:
                built = refresh_crawl_indexes(self.layout.warc_dir, self.layout.index_dir,
                                              result.damaged)
                result.indexed.extend(p.name[: -len(".cdxj")] for p in built)
            except Exception:  # noqa: BLE001 - read-only folder, odd file: covered below
                pass
        warcs = self.layout.closed_warcs()
        result.warcs = len(warcs)
        covered = self.covered_by_crawl()
        extra_dir = self.layout.extra_index_dir
        extra_dir.mkdir(parents=True, exist_ok=True)
        wanted: set[str] = set()
        for warc in warcs:
            own = extra_dir / (warc.name + ".cdxj")
            if warc.name in covered:
                continue
            wanted.add(own.name)
            if own.exists() and own.stat().st_mtime_ns >= warc.stat().st_mtime_ns:
                continue
            try:
                problem = index_warc(warc, own)
                result.indexed.append(warc.name)
                if problem:
                    result.damaged[warc.name] = problem
            except Exception as exc:  # noqa: BLE001 - a broken WARC must not stop replay
                result.failed[warc.name] = f"{type(exc).__name__}: {exc}"
        for own in extra_dir.glob("*.cdxj"):
            if own.name not in wanted:
                own.unlink(missing_ok=True)
                result.dropped.append(own.name[: -len(".cdxj")])
        return result
