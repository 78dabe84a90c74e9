"""A fixed-size Bloom filter: has this key been seen before (in the current window)?"""

from __future__ import annotations


class SeenOnce:
    """Remembers 64-bit keys in ``2**bits`` bits, two bit positions per key.

    Used to keep keys seen only once (an article's own text, most of what a site shows) out of
    the exact counts: a key is counted from its second sighting. A false "seen" (one in a few
    hundred at the designed load) only starts a count early; :meth:`clear` empties the filter
    at each window's end, so its load never grows with the crawl.
    """

    def __init__(self, bits: int = 17) -> None:
        """``bits``: log2 of the filter's size in bits (17: 16 kB)."""
        self._mask = (1 << bits) - 1
        self._shift = bits
        self._bits = bytearray((1 << bits) // 8)

    def check_and_add(self, key: int) -> bool:
        """True if ``key`` was (probably) added before; adds it either way."""
        seen = True
        for position in (key & self._mask, (key >> self._shift) & self._mask):
            byte, bit = position >> 3, 1 << (position & 7)
            if not self._bits[byte] & bit:
                seen = False
                self._bits[byte] |= bit
        return seen

    def clear(self) -> None:
        """Forget every key."""
        self._bits = bytearray(len(self._bits))
