"""Brotli decoding with a cap on the decoded size, on ``brotlicffi`` (nothing shadows it).

pywb requires ``brotlipy``, whose ``brotli/`` package shadows Google's ``brotli.py`` module
(both are named ``brotli``; brotlipy's cffi module even takes the name ``_brotli`` of Google's
C extension), and brotlipy's ``Decompressor`` has neither ``process`` nor an output limit:
Scrapy's decoder failed on every ``br`` page. warcio and pywb are written for brotlipy's API,
so it stays installed for them; the crawl decodes ``br`` with ``brotlicffi`` (brotlipy's
maintained successor, a name of its own), which has the output limit a capped decode needs.
"""

from __future__ import annotations

import importlib
from io import BytesIO
from types import ModuleType

#: Bytes asked of the decoder at a time (so the cap is checked every 64 kB of output).
CHUNK = 65536


class DecodedTooLarge(ValueError):
    """The decoded body went past the cap (a decompression bomb, or just too big)."""


def brotli_module() -> ModuleType:
    """A Brotli binding with ``Decompressor.process(data, output_buffer_limit=...)``."""
    for name in ("brotlicffi", "brotli"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        decompressor = getattr(module, "Decompressor", None)
        if decompressor is not None and hasattr(decompressor, "process") and hasattr(
            decompressor, "can_accept_more_data"
        ):
            return module
    raise ImportError("no Brotli decoder with an output limit (pip install 'brotlicffi>=1.2')")


def unbrotli(data: bytes, max_size: int = 0) -> bytes:
    """Decode a ``br`` body; DecodedTooLarge past ``max_size`` bytes (0: no cap).

    A truncated or corrupt stream raises the library's error (``brotli.error``).
    """
    decompressor = brotli_module().Decompressor()
    out = BytesIO()
    chunk = decompressor.process(data, output_buffer_limit=CHUNK)
    while chunk:
        out.write(chunk)
        if max_size and out.tell() > max_size:
            raise DecodedTooLarge(f"more than {max_size} bytes decoded")
        if decompressor.is_finished():
            break
        chunk = decompressor.process(b"", output_buffer_limit=CHUNK)
    if not decompressor.is_finished():
        raise ValueError("the brotli stream is truncated")
    return out.getvalue()
