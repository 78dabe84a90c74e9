"""Brotli decoding with a cap on the decoded size: the crawl's ``br`` bodies and warcio's reads.

pywb requires ``brotlipy``, whose ``brotli/`` package shadows Google's ``brotli.py`` module
(both are named ``brotli``), and brotlipy's ``Decompressor`` has no output limit: 13.5 kB of
brotli decode to 1 GiB in one call, and Scrapy's decoder failed on every ``br`` page. So
``import brotli`` is never used here: the binding is ``brotlicffi`` (brotlipy's maintained
successor, a name of its own, a dependency of ours), else Google's C module ``_brotli`` found
on the path. Both decode with an output limit, so a hostile body never costs more than the cap.
One decoder, :class:`BrotliDecoder`, serves the crawl (:func:`unbrotli`, capped at
``DOWNLOAD_MAXSIZE``) and every reader of the archive (crawler.archive.readlimits).
"""

from __future__ import annotations

import functools
import importlib
import importlib.machinery
import importlib.util
import sys
from typing import Any

#: Bytes asked of the decoder at a time: the cap is checked every 64 kB of output.
CHUNK = 65536


class DecodedTooLarge(ValueError):
    """The decoded body went past the cap (a decompression bomb, or just too big)."""


def _has_output_limit(module: Any) -> bool:
    """True if the module's decoder takes ``process(data, output_buffer_limit=...)``."""
    decompressor = getattr(module, "Decompressor", None)
    return all(hasattr(decompressor, name)
               for name in ("process", "can_accept_more_data", "is_finished"))


def _google_native() -> Any:
    """Google Brotli's C module, loaded from the path even where brotlipy shadows ``brotli``."""
    loaded = sys.modules.get("_brotli")
    if _has_output_limit(loaded):
        return loaded
    spec = importlib.machinery.PathFinder.find_spec("_brotli")
    if spec is None or spec.loader is None:
        return None
    try:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except ImportError:
        return None
    return module if _has_output_limit(module) else None


@functools.cache
def brotli_module() -> Any:
    """A Brotli binding whose decoder has an output limit (and a ``Compressor``).

    ImportError, naming the fix, when none is installed.
    """
    try:
        module: Any = importlib.import_module("brotlicffi")
    except ImportError:
        module = None
    if module is not None and _has_output_limit(module):
        return module
    native = _google_native()
    if native is not None:
        return native
    raise ImportError("no Brotli decoder with an output limit: pip install 'brotlicffi>=1.2'")


class BrotliDecoder:
    """A streaming brotli decoder that yields at most ``limit`` bytes in all.

    Its ``decompress``/``unused_data`` are warcio's decompressor interface; output past the
    limit is never produced (``capped`` says it was cut there).
    """

    def __init__(self, limit: int) -> None:
        """Decode at most ``limit`` bytes of output; input past that is dropped."""
        self._decoder = brotli_module().Decompressor()
        self.remaining = limit
        #: warcio reads it to find the end of a gzip member; a brotli body never has one.
        self.unused_data: bytes | None = None
        #: True once output was cut at the limit.
        self.capped = False

    def decompress(self, data: bytes) -> bytes:
        """Decoded output of ``data``, never more than the bytes left under the limit."""
        if self.remaining <= 0:
            self.capped = self.capped or bool(data) or not self.is_finished()
            return b""
        parts: list[bytes] = []
        chunk = self._decoder.process(data, output_buffer_limit=self._ask())
        while True:
            if len(chunk) > self.remaining:  # a binding may overshoot its limit a little
                chunk, self.capped = chunk[: self.remaining], True
            parts.append(chunk)
            self.remaining -= len(chunk)
            if self.capped:
                break
            if self._decoder.is_finished() or self._decoder.can_accept_more_data():
                break  # the input is used up: the rest comes with more input
            if self.remaining <= 0:
                self.capped = True  # more output is waiting: the body is bigger than the cap
                break
            chunk = self._decoder.process(b"", output_buffer_limit=self._ask())
        return b"".join(parts)

    def _ask(self) -> int:
        """Output to ask for next: a chunk, or what is left under the limit."""
        return max(1, min(CHUNK, self.remaining))

    def is_finished(self) -> bool:
        """True once the whole brotli stream was decoded."""
        return bool(self._decoder.is_finished())


def unbrotli(data: bytes, max_size: int = 0) -> bytes:
    """Decode a whole ``br`` body; DecodedTooLarge past ``max_size`` bytes (0: no cap).

    A truncated stream is a ValueError; a corrupt one raises the binding's error.
    """
    decoder = BrotliDecoder(max_size + 1 if max_size else sys.maxsize)
    out = decoder.decompress(data)
    if max_size and len(out) > max_size:
        raise DecodedTooLarge(f"more than {max_size} bytes decoded")
    if not decoder.is_finished():
        raise ValueError("the brotli stream is truncated")
    return out
