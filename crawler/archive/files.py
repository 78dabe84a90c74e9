"""The WARC files of one writer: warcinfo first, ``.open`` while written, rotation by size."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from crawler.archive.naming import OPEN_SUFFIX, warc_filename
from crawler.archive.records import Record, iter_record_bytes, write_member
from crawler.exceptions import ArchiveError

DEFAULT_MAX_SIZE = 1024**3


class WarcFileSet:
    """Appends records to the current WARC file and rolls over to a new one past ``max_size``.

    Each record is one gzip member, flushed to the OS as soon as it is written, so a crash
    loses at most the record being written.
    """

    def __init__(
        self,
        directory: str | Path,
        prefix: str = "crawl",
        max_size: int = DEFAULT_MAX_SIZE,
        gzip: bool = True,
        warcinfo: Callable[[str], Record] | None = None,
        fsync: bool = False,
    ) -> None:
        self.directory = Path(directory)
        self.prefix = prefix
        self.max_size = max_size
        self.gzip = gzip
        self.fsync = fsync
        self._warcinfo = warcinfo
        self._serial = -1
        self._fh: BinaryIO | None = None
        self._name = ""
        self.warcinfo_id: str | None = None
        self.finished: list[Path] = []
        self.on_finished: Callable[[Path], None] | None = None

    @property
    def current_name(self) -> str:
        """Final name of the file being written ('' when none is open)."""
        return self._name

    @property
    def current_size(self) -> int:
        """Bytes written to the current file so far."""
        return self._fh.tell() if self._fh else 0

    def check_writable(self) -> None:
        """Create the directory and prove a file can be written there, or raise ArchiveError."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            probe = self.directory / f".write-test-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise ArchiveError(
                f"cannot write WARC files to {self.directory}: {exc.strerror or exc}; "
                "choose a writable ARCHIVE_DIR"
            ) from exc

    def append(self, records: Sequence[Record]) -> list[tuple[int, int]]:
        """Write records together into one file; return (offset, length) of each."""
        if self._fh is not None and self.current_size >= self.max_size:
            self.close_current()
        if self._fh is None:
            self._open_next()
        return [self._write(record) for record in records]

    def _write(self, record: Record) -> tuple[int, int]:
        assert self._fh is not None
        if self.warcinfo_id and record.rec_type != "warcinfo":
            record.headers.append(("WARC-Warcinfo-ID", self.warcinfo_id))
        offset = self._fh.tell()
        try:
            length = write_member(self._fh, iter_record_bytes(record), self.gzip)
            self._fh.flush()
            if self.fsync:
                os.fsync(self._fh.fileno())
        except (OSError, ValueError) as exc:
            self._cut_back(offset)
            raise ArchiveError(f"cannot write to {self._name}{OPEN_SUFFIX}: {exc}") from exc
        return offset, length

    def _cut_back(self, offset: int) -> None:
        """Drop a half-written record so the records after it stay readable.

        The file object may still buffer part of the record (its flush is what failed, on a
        full disk): close it, cut the file on disk, and reopen it for appending.
        """
        assert self._fh is not None
        path = self.directory / (self._name + OPEN_SUFFIX)
        try:
            self._fh.close()
        except (OSError, ValueError):
            pass
        self._fh = None
        try:
            os.truncate(path, offset)
            self._fh = open(path, "ab")  # noqa: SIM115 - lives while the file is current
        except OSError:
            self._name = ""  # left .open and cut by the next crawl's recovery

    def _open_next(self) -> None:
        # Several crawlers in one process may open a file in the same millisecond: a name
        # that is taken just moves on to the next serial.
        for _attempt in range(100):
            self._serial += 1
            self._name = warc_filename(self.prefix, self._serial, self.gzip, datetime.now(UTC))
            path = self.directory / (self._name + OPEN_SUFFIX)
            try:
                self._fh = open(path, "xb")  # noqa: SIM115 - lives while the file is current
                break
            except FileExistsError:
                continue
            except OSError as exc:
                raise ArchiveError(f"cannot create {path}: {exc}") from exc
        else:
            raise ArchiveError(f"cannot find a free WARC file name in {self.directory}")
        self.warcinfo_id = None
        if self._warcinfo is not None:
            info = self._warcinfo(self._name)
            self._write(info)
            self.warcinfo_id = info.record_id

    def close_current(self) -> Path | None:
        """Close the current file and rename it to its final name."""
        if self._fh is None:
            return None
        self._fh.close()
        self._fh = None
        final = self.directory / self._name
        os.replace(self.directory / (self._name + OPEN_SUFFIX), final)
        self._name = ""
        self.finished.append(final)
        if self.on_finished is not None:
            self.on_finished(final)
        return final
