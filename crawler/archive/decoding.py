"""Caps on what warcio decodes: a brotli body never decodes to more than a page may hold.

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

from warcio.bufferedreaders import BufferedReader

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


def install() -> None:
    """Make warcio (and everything reading through it in this process) use the capped decoder."""
    BufferedReader.DECOMPRESSORS["br"] = CappedBrotli


install()
