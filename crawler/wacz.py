"""Package an archive folder as one WACZ file (WACZ 1.1.1), streaming entry by entry.

Layout written: ``archive/*.warc.gz`` (stored, not recompressed, so readers can seek),
``indexes/index.cdx.gz`` + ``indexes/index.idx`` (a compressed ZipNum CDXJ index, as py-wacz and
Browsertrix write it), ``pages/pages.jsonl`` (articles with titles from the text store),
``datapackage.json`` (every file with its size and SHA-256) and ``datapackage-digest.json``.
Nothing is held in memory beyond one copy buffer and cdxj-indexer's bounded sort buffer.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from cdxj_indexer.main import write_cdx_index

from crawler import __version__
from crawler.exceptions import UserError
from crawler.replay.indexes import IndexRefresher
from crawler.replay.layout import ArchiveLayout
from crawler.replay.listing import ListedPage, articles_from_store, pages_from_indexes
from crawler.store.browse import open_readonly
from crawler.waczinput import check_warcs

WACZ_VERSION = "1.1.1"
_COPY_BUFFER = 1024 * 1024
#: Force ZIP64 headers for entries at least this big (zipfile needs to know before writing).
_ZIP64_FROM = 1 << 31
#: CDXJ lines per compressed block of index.cdx.gz (py-wacz and ArchiveWeb.page use 1024).
_INDEX_BLOCK_LINES = 1024


@dataclass
class WaczResult:
    """What was packaged."""

    path: Path
    warcs: int = 0
    pages: int = 0
    bytes: int = 0
    skipped_open: list[str] = field(default_factory=list)
    #: Bad records left out, files that are not WARCs, and the first problem seen.
    bad_records: int = 0
    bad_files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: Why the text store could not be read (pages then come from the indexes), if so.
    store_problem: str | None = None


class _HashingWriter:
    """File-like wrapper that hashes and counts what passes through to ``target``."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.target.write(data)

    def flush(self) -> None:
        self.target.flush()

    def resource(self, path: str) -> dict[str, Any]:
        """The datapackage.json entry of what was written."""
        return {
            "name": os.path.basename(path).lower(),
            "path": path,
            "hash": "sha256:" + self.sha256.hexdigest(),
            "bytes": self.size,
        }


class WaczBuilder:
    """Writes one WACZ file from an archive folder."""

    def __init__(self, layout: ArchiveLayout, say: Callable[[str], None] = lambda _: None):
        """Remember the folder; ``say`` receives progress lines."""
        self.layout = layout
        self.say = say
        self.resources: list[dict[str, Any]] = []

    def build(self, output: Path, title: str | None = None) -> WaczResult:
        """Write ``output`` (via a temporary file renamed at the end) and return a summary."""
        result = WaczResult(path=output)
        if self.layout.warc_dir.is_dir():
            result.skipped_open = sorted(p.name for p in self.layout.warc_dir.glob("*.open"))
        output.parent.mkdir(parents=True, exist_ok=True)
        result.store_problem = self._store_problem()
        tmp = output.with_name(output.name + ".tmp")
        # Sound copies of damaged WARCs go next to the output, not to a small /tmp.
        with tempfile.TemporaryDirectory(prefix=".wacz-", dir=output.parent) as scratch:
            found = self.layout.closed_warcs()
            self.say(f"checking {len(found)} WARC file(s)")
            checked = check_warcs(found, Path(scratch))
            warcs = checked.warcs
            result.warcs, result.bad_records = len(warcs), checked.bad_records
            result.bad_files, result.problems = checked.bad_files, checked.problems
            try:
                with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
                    self._add_warcs(zf, warcs)
                    self._add_index(zf, warcs)
                    result.pages = self._add_pages(zf, {w.name for w in warcs},
                                                   result.store_problem is None)
                    self._add_datapackage(zf, title or self.layout.root.name)
                os.replace(tmp, output)
            finally:
                tmp.unlink(missing_ok=True)
        result.bytes = output.stat().st_size
        return result

    def _open_entry(self, zf: zipfile.ZipFile, path: str, size: int, stored: bool) -> IO[bytes]:
        info = zipfile.ZipInfo(path, date_time=time.gmtime()[:6])
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        return zf.open(info, "w", force_zip64=size >= _ZIP64_FROM)

    def _add_warcs(self, zf: zipfile.ZipFile, warcs: list[Path]) -> None:
        for number, warc in enumerate(warcs, 1):
            size = warc.stat().st_size
            self.say(f"[{number}/{len(warcs)}] adding {warc.name} ({size / 1e6:.1f} MB)")
            path = f"archive/{warc.name}"
            with self._open_entry(zf, path, size, stored=True) as entry, open(warc, "rb") as src:
                writer = _HashingWriter(entry)
                shutil.copyfileobj(src, writer, _COPY_BUFFER)
            self.resources.append(writer.resource(path))

    def _add_index(self, zf: zipfile.ZipFile, warcs: list[Path]) -> None:
        self.say(f"indexing {len(warcs)} WARC file(s)")
        with tempfile.TemporaryDirectory(prefix="wacz-") as tmpdir:
            idx_path = Path(tmpdir) / "index.idx"
            path = "indexes/index.cdx.gz"
            with self._open_entry(zf, path, 0, stored=True) as entry:
                writer = _HashingWriter(entry)
                write_cdx_index(
                    str(idx_path),
                    [str(w) for w in warcs],
                    {
                        "sort": True,
                        "post_append": True,
                        "compress": writer,
                        "data_out_name": "index.cdx.gz",
                        "lines": _INDEX_BLOCK_LINES,
                        "digest_records": True,
                        "fields": "referrer",
                    },
                )
            self.resources.append(writer.resource(path))
            self._add_file(zf, idx_path, "indexes/index.idx")

    def _add_file(self, zf: zipfile.ZipFile, source: Path, path: str) -> None:
        with self._open_entry(zf, path, source.stat().st_size, stored=False) as entry:
            writer = _HashingWriter(entry)
            with open(source, "rb") as src:
                shutil.copyfileobj(src, writer, _COPY_BUFFER)
        self.resources.append(writer.resource(path))

    def _store_problem(self) -> str | None:
        """Why the text store cannot be read (read-only check), or None (also: no store)."""
        if not self.layout.store_path.exists():
            return None
        try:
            conn = open_readonly(self.layout.store_path)
            try:
                conn.execute("SELECT count(*) FROM articles").fetchone()
            finally:
                conn.close()
        except (sqlite3.Error, UserError) as exc:
            return str(exc)
        return None

    def _add_pages(self, zf: zipfile.ZipFile, packaged: set[str], use_store: bool) -> int:
        path = "pages/pages.jsonl"
        count = 0
        with self._open_entry(zf, path, 0, stored=False) as entry:
            writer = _HashingWriter(entry)
            header = {"format": "json-pages-1.0", "id": "pages", "title": "Archived articles"}
            writer.write((json.dumps(header) + "\n").encode())
            for page in self._pages(packaged, use_store):
                line = {"id": _page_id(page), "url": page.url, "ts": page.iso}
                if page.title:
                    line["title"] = page.title
                writer.write((json.dumps(line, ensure_ascii=False) + "\n").encode())
                count += 1
        self.resources.append(writer.resource(path))
        self.say(f"listed {count} page(s) in {path}")
        return count

    def _pages(self, packaged: set[str], use_store: bool) -> Iterator[ListedPage]:
        """Articles of the store whose capture is in the package; else the HTML captures."""
        articles = articles_from_store(self.layout) if use_store else None
        found = False
        if articles is not None:
            for page in articles:
                found = True
                if not page.warc or page.warc in packaged:
                    yield page
        if not found:
            IndexRefresher(self.layout).refresh()
            for page in pages_from_indexes(self.layout):
                if os.path.basename(page.warc) in packaged:
                    yield page

    def _add_datapackage(self, zf: zipfile.ZipFile, title: str) -> None:
        package = {
            "profile": "data-package",
            "resources": self.resources,
            "wacz_version": WACZ_VERSION,
            "software": f"newsarchiver {__version__}",
            "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "title": title,
        }
        data = json.dumps(package, indent=2).encode()
        zf.writestr(_deflated("datapackage.json"), data)
        digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(data).hexdigest()}
        zf.writestr(_deflated("datapackage-digest.json"), json.dumps(digest, indent=2))


def _deflated(path: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, date_time=time.gmtime()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _page_id(page: ListedPage) -> str:
    """A stable page id (same capture, same id in every package)."""
    return hashlib.sha1(f"{page.timestamp} {page.url}".encode()).hexdigest()[:22]
