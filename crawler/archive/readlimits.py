"""Caps on what reading a hostile WARC costs: decoded brotli bodies and header blocks.

warcio (and pywb and cdxj-indexer, which read records through it) decode ``Content-Encoding``
block by block with ``decompress(data)`` and no output limit. gzip and deflate are bounded by
their format (at most ~1,030 bytes out per byte in, ~17 MB per 16 kB block), but brotli is not:
13.5 kB of brotli decode to 1 GiB of spaces in one call. ``install()`` replaces warcio's brotli
decoder with one that stops at ``MAX_DECODED_BYTES`` per body, so every reader of the archive
(``crawler extract``, CDXJ indexing, replay) holds at most that much of a hostile body.
"""

from __future__ import annotations

import functools
import importlib.machinery
import importlib.util
import sys
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParser

#: A page the crawl keeps is at most DOWNLOAD_MAXSIZE (16 MiB) decoded; one byte more tells a
#: reader the body was bigger (crawler extract then skips it, as the crawl did).
MAX_DECODED_BYTES = 16 * 1024 * 1024 + 1
#: Input fed per call to a decoder that has no output limit (brotlipy): bounds each call's output.
_SLICE = 64


@functools.cache
def native_brotli() -> Any:
    """Brotli's own C module (its decoder takes an output limit), or None if not installed.

    pywb pulls in brotlipy, whose ``brotli`` package shadows Brotli's ``brotli.py`` and whose
    cffi module registers itself as ``_brotli``; Brotli's own C module is found on the path.
    """
    loaded = sys.modules.get("_brotli")
    if hasattr(getattr(loaded, "Decompressor", None), "process"):
        return loaded
    spec = importlib.machinery.PathFinder.find_spec("_brotli")
    if spec is None or spec.loader is None:
        return None
    try:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except ImportError:
        return None
    return module if hasattr(getattr(module, "Decompressor", None), "process") else None


def _native_decoder() -> Any:
    """Brotli's decoder class, or None (then brotlipy's is fed in slices)."""
    module = native_brotli()
    return None if module is None else module.Decompressor


class CappedBrotli:
    """warcio's decompressor interface (``decompress``, ``unused_data``) for brotli, capped."""

    def __init__(self, limit: int = MAX_DECODED_BYTES) -> None:
        """Decode at most ``limit`` bytes of output; input past that is dropped."""
        native = _native_decoder()
        if native is not None:
            self._native: Any = native()
        else:
            import brotli  # type: ignore[import-untyped]

            self._native = None
            self._fallback: Any = brotli.Decompressor()
        self.remaining = limit
        #: warcio reads it to find the end of a gzip member; a brotli body never has one.
        self.unused_data: bytes | None = None
        #: True once output was cut at the limit.
        self.capped = False

    def decompress(self, data: bytes) -> bytes:
        """Decoded output of ``data``, never more than the bytes left under the limit."""
        if self.remaining <= 0:
            self.capped = True
            return b""
        if self._native is not None:
            out: bytes = self._native.process(data, output_buffer_limit=self.remaining)
        else:
            out = self._slices(data)
        out = out[: self.remaining]
        self.remaining -= len(out)
        return out

    def _slices(self, data: bytes) -> bytes:
        """brotlipy has no output limit: feed it a few bytes at a time, stop at the limit."""
        parts: list[bytes] = []
        size = 0
        for start in range(0, len(data), _SLICE):
            part = self._fallback.decompress(data[start:start + _SLICE])
            parts.append(part)
            size += len(part)
            if size >= self.remaining:
                break
        return b"".join(parts)


#: A WARC or HTTP header block longer than this is not a record: real ones are a few kB (a
#: server's whole response header is usually capped at 8-64 kB). 8 MB of header lines took
#: 421 MB to parse.
MAX_HEADER_BYTES = 256 * 1024
MAX_HEADER_LINES = 1000


class HeaderLimitExceeded(ArchiveLoadFailed):  # type: ignore[misc]  # warcio is untyped
    """A header block past the caps (warcio would try it as another format: it is not one)."""


class _CappedLines:
    """The ``readline`` of a stream, refusing more than the header caps allow."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.left = MAX_HEADER_BYTES
        self.lines = MAX_HEADER_LINES

    def readline(self, length: int | None = None) -> Any:
        """One line, counted against the caps (StatusAndHeadersParserException past them)."""
        if self.lines <= 0:
            raise HeaderLimitExceeded(f"more than {MAX_HEADER_LINES} header lines")
        self.lines -= 1
        limit = self.left + 1 if length is None else min(length, self.left + 1)
        line = self.stream.readline(limit)
        self.left -= len(line)
        if self.left < 0:
            raise HeaderLimitExceeded(f"header block longer than {MAX_HEADER_BYTES} bytes")
        return line


class CappedParser(StatusAndHeadersParser):  # type: ignore[misc]  # warcio is untyped
    """warcio's header parser, giving up past MAX_HEADER_LINES lines or MAX_HEADER_BYTES."""

    def parse(self, stream: Any, full_statusline: Any = None) -> Any:
        """Parse a status line and headers from ``stream``, within the caps."""
        return super().parse(_CappedLines(stream), full_statusline)


def cap_headers(iterator: ArchiveIterator) -> ArchiveIterator:
    """Make ``iterator`` parse WARC and HTTP header blocks within the caps; return it."""
    loader = iterator.loader
    for name in ("warc_parser", "http_parser", "http_req_parser"):
        parser = getattr(loader, name)
        setattr(loader, name, CappedParser(parser.statuslist, parser.verify))
    return iterator


def install() -> None:
    """Make warcio (and everything reading through it in this process) use the capped decoder."""
    BufferedReader.DECOMPRESSORS["br"] = CappedBrotli


install()
