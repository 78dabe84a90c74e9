"""The demo site's images: a logo, a masthead stripe and a favicon, made in pure Python (zlib)."""

from __future__ import annotations

import struct
import zlib
from functools import cache

#: Paths of the demo site's requisites besides its stylesheet.
LOGO, MASTHEAD, FAVICON = "/static/logo.png", "/static/masthead.png", "/favicon.ico"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png(width: int, height: int, ink: bytes, paper: bytes) -> bytes:
    """An RGB PNG: ``ink`` blocks on ``paper``, in a checker of 8-pixel squares."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            rows += ink if (x // 8 + y // 8) % 2 else paper
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + _chunk(b"IEND", b""))


@cache
def image(path: str) -> tuple[str, bytes] | None:
    """(content type, bytes) of one of the demo's images, or None."""
    if path == LOGO:
        return "image/png", png(96, 24, b"\x1a\x3a\x6e", b"\xff\xff\xff")
    if path == MASTHEAD:
        return "image/png", png(16, 4, b"\xb0\x1e\x1e", b"\xe0\xe0\xe0")
    if path == FAVICON:
        icon = png(16, 16, b"\x1a\x3a\x6e", b"\xff\xff\xff")
        entry = struct.pack("<BBBBHHII", 16, 16, 0, 0, 1, 32, len(icon), 22)
        return "image/x-icon", struct.pack("<HHH", 0, 1, 1) + entry + icon
    return None
