"""Caps on what reading a hostile WARC costs: decoded brotli bodies and header blocks.

warcio (and pywb and cdxj-indexer, which read records through it) decode ``Content-Encoding``
block by block with ``decompress(data)`` and no output limit. gzip and deflate are bounded by
their format (at most ~1,030 bytes out per byte in, ~17 MB per 16 kB block), but brotli is not:
13.5 kB of brotli decode to 1 GiB of spaces in one call. ``install()`` replaces warcio's brotli
decoder with the capped one of crawler.archive.brotlidecode (the crawl's too), stopped at
``MAX_DECODED_BYTES`` per body, so every reader of the archive
(``crawler extract``, CDXJ indexing, replay) holds at most that much of a hostile body.
"""

from __future__ import annotations

from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParser

from crawler.archive.brotlidecode import BrotliDecoder

#: A page the crawl keeps is at most DOWNLOAD_MAXSIZE (16 MiB) decoded; one byte more tells a
#: reader the body was bigger (crawler extract then skips it, as the crawl did).
MAX_DECODED_BYTES = 16 * 1024 * 1024 + 1


class CappedBrotli(BrotliDecoder):
    """warcio's brotli decompressor (made with no arguments): capped at MAX_DECODED_BYTES."""

    def __init__(self, limit: int = MAX_DECODED_BYTES) -> None:
        """Decode at most ``limit`` bytes of one body."""
        super().__init__(limit)


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
