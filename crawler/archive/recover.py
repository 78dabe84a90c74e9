"""Finish WARC files left ``.open`` by a crawl that died: cut a torn last record, rename, index."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawler.archive.naming import OPEN_SUFFIX, safe_hostname
from crawler.archive.readlimits import cap_headers

logger = logging.getLogger(__name__)
_OWNER = re.compile(r"-(?P<host>[^-]+)-(?P<pid>\d+)\.warc(\.gz)?\.open$")


def owner_is_gone(name: str) -> bool:
    """True when the ``.open`` file was written by a process of this host that no longer runs."""
    match = _OWNER.search(name)
    if not match or match.group("host") != safe_hostname():
        return False  # another machine's file (shared disk): not ours to judge
    pid = int(match.group("pid"))
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def complete_length(path: str | Path) -> int:
    """Bytes of ``path`` taken by whole records (a torn last record is not counted)."""
    end = 0
    with open(path, "rb") as fh:
        iterator = cap_headers(ArchiveIterator(fh, no_record_parse=True))
        try:
            for record in iterator:
                expected = int(record.rec_headers.get_header("Content-Length") or 0)
                got = 0
                while chunk := record.raw_stream.read(65536):
                    got += len(chunk)
                if got != expected:
                    break
                end = iterator.get_record_offset() + iterator.get_record_length()
        except Exception as exc:  # noqa: BLE001 - any decoding error marks the torn tail
            logger.debug("WARC %s ends with a torn record: %s", path, exc)
    return end


def recover_open_files(warc_dir: str | Path) -> list[Path]:
    """Close the ``.open`` files of dead crawls in ``warc_dir``; return the finished paths."""
    finished: list[Path] = []
    folder = Path(warc_dir)
    if not folder.is_dir():
        return finished
    for path in sorted(folder.glob("*" + OPEN_SUFFIX)):
        if not owner_is_gone(path.name):
            continue
        end = complete_length(path)
        if end == 0:
            logger.warning("WARC %s holds no complete record; left as is", path)
            continue
        with open(path, "r+b") as fh:
            fh.truncate(end)
        final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
        os.replace(path, final)
        logger.warning("WARC %s was left open by a crawl that died; closed it", final.name)
        finished.append(final)
    return finished
