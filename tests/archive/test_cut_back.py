"""A record whose write fails half-way (a full disk) is cut off, buffered bytes included."""

from __future__ import annotations

import errno

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.archive import files as files_module
from crawler.archive.files import WarcFileSet
from crawler.archive.records import Record
from crawler.exceptions import ArchiveError


def _record(n: int) -> Record:
    return Record("resource", "text/plain", f"record {n} ".encode() * 50, f"urn:test:{n}")


def test_failed_write_leaves_the_file_at_its_last_whole_record(tmp_path, monkeypatch):
    files = WarcFileSet(tmp_path, prefix="t")
    files.append([_record(1)])
    good = files.current_size
    real = files_module.write_member

    def half_then_full(fh, chunks, gzip):
        fh.write(b"\x1f\x8b\x08 half a gzip member, still in the write buffer")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files_module, "write_member", half_then_full)
    with pytest.raises(ArchiveError, match="No space left"):
        files.append([_record(2)])
    monkeypatch.setattr(files_module, "write_member", real)
    assert files.current_size == good
    files.append([_record(3)])  # room again: the next record follows the last whole one
    path = files.close_current()
    with open(path, "rb") as stream:
        uris = [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(stream)]
    assert uris == ["urn:test:1", "urn:test:3"]
