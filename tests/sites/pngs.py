"""Small real PNG and ICO images made in pure Python (zlib), so the test site needs no Pillow."""

from __future__ import annotations

import hashlib
import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png(width: int, height: int, seed: str) -> bytes:
    """An RGB PNG of ``width`` x ``height``: two colours from ``seed`` in diagonal stripes.

    Deterministic (same seed, same bytes), distinct per seed, so every URL has its own payload.
    """
    digest = hashlib.sha1(seed.encode()).digest()
    first, second = digest[:3], digest[3:6]
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            rows += first if ((x + y) // 8) % 2 else second
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + _chunk(b"IEND", b""))


def ico(seed: str) -> bytes:
    """A 16x16 .ico holding one PNG image (valid for every browser since Windows Vista's format)."""
    image = png(16, 16, seed)
    entry = struct.pack("<BBBBHHII", 16, 16, 0, 0, 1, 32, len(image), 6 + 16)
    return struct.pack("<HHH", 0, 1, 1) + entry + image


def noise_png(width: int, height: int, seed: str) -> bytes:
    """An RGB PNG of deterministic noise: it does not compress (a big image for size limits)."""
    stream = bytearray()
    counter = 0
    need = height * width * 3
    while len(stream) < need:
        stream += hashlib.sha256(f"{seed}-{counter}".encode()).digest()
        counter += 1
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        rows += stream[y * width * 3:(y + 1) * width * 3]
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(bytes(rows), 1)) + _chunk(b"IEND", b""))
