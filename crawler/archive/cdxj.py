"""CDXJ indexes of finished WARC files, built with cdxj-indexer, one ``.cdxj`` per WARC."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from cdxj_indexer.main import CDXJIndexer

from crawler.archive.naming import is_warc_name


def index_path(warc_path: str | Path, index_dir: str | Path) -> Path:
    """Where the CDXJ index of a WARC file lives."""
    return Path(index_dir) / (Path(warc_path).name + ".cdxj")


def index_warc(warc_path: str | Path, index_dir: str | Path) -> Path:
    """(Re)build the sorted CDXJ index of one WARC file; written atomically."""
    target = index_path(warc_path, index_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    # A unique temp name: replay and a crawl may index the same WARC at the same moment.
    tmp = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        CDXJIndexer(output=str(tmp), inputs=[str(warc_path)], sort=True,
                    post_append=True).process_all()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)  # a WARC that cannot be indexed leaves no .tmp behind
    return target


def refresh_indexes(warc_dir: str | Path, index_dir: str | Path) -> list[Path]:
    """Index every finished WARC in ``warc_dir`` whose index is missing or older than it."""
    built: list[Path] = []
    if not Path(warc_dir).is_dir():
        return built
    for warc in sorted(Path(warc_dir).iterdir()):
        if not is_warc_name(warc.name):
            continue
        target = index_path(warc, index_dir)
        if not target.exists() or target.stat().st_mtime < warc.stat().st_mtime:
            built.append(index_warc(warc, index_dir))
    return built
