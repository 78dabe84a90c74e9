"""A growable byte buffer that spills to a temporary file, so big bodies stay off the heap."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO

#: Bytes kept in memory before the spool moves to a temporary file.
DEFAULT_MEMORY_LIMIT = 1024 * 1024
_READ_SIZE = 64 * 1024


class ByteSpool:
    """Append-only bytes, kept in memory up to a limit and on disk past it."""

    def __init__(self, memory_limit: int = DEFAULT_MEMORY_LIMIT) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=memory_limit)  # noqa: SIM115
        self._size = 0
        self._closed = False
        # Reads move the file position; appends only seek back to the end after a read.
        self._at_end = True

    def __len__(self) -> int:
        return self._size

    def write(self, data: bytes) -> None:
        """Append ``data`` at the end."""
        if self._closed or not data:
            return
        if not self._at_end:
            self._file.seek(0, 2)
            self._at_end = True
        self._file.write(data)
        self._size += len(data)

    def truncate_tail(self, count: int) -> None:
        """Drop the last ``count`` bytes (bytes that turned out not to belong to this message)."""
        if count <= 0 or self._closed:
            return
        self._size = max(0, self._size - count)
        self._file.truncate(self._size)
        self._at_end = False

    def open(self) -> IO[bytes]:
        """Return the underlying file positioned at the start (read it, don't close it)."""
        self._at_end = False
        self._file.seek(0)
        return self._file

    def iter_chunks(self, start: int = 0, size: int = _READ_SIZE) -> Iterator[bytes]:
        """Yield the content from offset ``start`` in chunks of at most ``size`` bytes."""
        self._at_end = False
        self._file.seek(start)
        remaining = self._size - start
        while remaining > 0:
            chunk = self._file.read(min(size, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk

    def read_prefix(self, count: int) -> bytes:
        """Return the first ``count`` bytes (used for small header blocks)."""
        self._at_end = False
        self._file.seek(0)
        return self._file.read(min(count, self._size))

    def getvalue(self) -> bytes:
        """Return the whole content (for tests and small messages only)."""
        return b"".join(self.iter_chunks())

    def close(self) -> None:
        """Free the memory or temporary file."""
        if not self._closed:
            self._closed = True
            self._file.close()
