"""MinHash sketches of cleaned text (datasketch), their LSH band keys and similarity estimates.

A text becomes the set of its word 5-grams after Unicode, case, quote and dash differences are
washed out (only runs of letters and digits count as words), so another site's typography or
a re-typed headline does not make a copy look new. datasketch computes the MinHash signature;
its LSH parameter optimiser chose the banding for the candidate threshold (a test checks the
constants still match it); the bands are reduced to 64-bit keys so they can live in an
indexed SQLite column (see :mod:`crawler.syndication.index`). datasketch is imported only
where a sketch is computed: importing it takes most of a second (it loads scipy), which
commands that only read the store should not pay.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

#: Words per shingle: 5-word phrases survive a few edited words and rarely repeat by chance.
SHINGLE_WORDS = 5
#: MinHash permutations: the similarity estimate's standard error is about 0.04 at 0.5.
NUM_PERM = 128
#: datasketch's permutation scheme and seed: part of the index format (see ``FORMAT``).
SCHEME = "affine32"
SEED = 1
#: LSH candidate threshold (Jaccard): low, so a copy cut to half its length is still found;
#: candidates are then checked against :data:`THRESHOLD` on the estimated overlap.
LSH_THRESHOLD = 0.25
#: Weights of false positives and false negatives given to datasketch's optimiser.
LSH_WEIGHTS = (0.3, 0.7)
#: Bands and rows per band datasketch's ``MinHashLSH`` picks for the threshold and weights.
BANDS, ROWS = 28, 2
#: Texts with fewer words are never clustered (a caption or a teaser is not a story).
MIN_WORDS = 40
#: Shipped decision threshold on :func:`similarity` (tuned on half A of benchmarks/syndication).
THRESHOLD = 0.6
#: A copy shares at least this Jaccard with the story: a short text inside a long one is a
#: quotation (a follow-up quoting the first story), not a copy.
MIN_JACCARD = 0.2

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Sketch:
    """The MinHash signature of a text's shingle set and the set's size."""

    signature: np.ndarray
    size: int

    def to_bytes(self) -> bytes:
        """The signature as little-endian uint32 values (how the store keeps it)."""
        return self.signature.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, size: int) -> Sketch:
        """Read a signature written by :meth:`to_bytes`."""
        return cls(np.frombuffer(data, dtype="<u4").astype(np.uint32), size)


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's permutation parameters, generated once per process (they are costly)."""
    from datasketch import MinHash

    permutations: tuple[np.ndarray, np.ndarray] = MinHash(
        num_perm=NUM_PERM, seed=SEED, scheme=SCHEME
    ).permutations
    return permutations


def banding() -> tuple[int, int]:
    """LSH bands and rows per band (see :data:`BANDS`)."""
    return BANDS, ROWS


def words(text: str) -> list[str]:
    """The text's words: NFKC, case-folded, punctuation (quotes, dashes...) dropped."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(tokens: list[str]) -> set[bytes]:
    """The set of word ``SHINGLE_WORDS``-grams of a text's words, UTF-8 encoded."""
    if len(tokens) < SHINGLE_WORDS:
        return {" ".join(tokens).encode()}
    grams = zip(*(tokens[i:] for i in range(SHINGLE_WORDS)), strict=False)
    return set(" ".join(gram).encode() for gram in grams)


def sketch_text(text: str) -> Sketch | None:
    """The text's sketch, or None when it is too short to be clustered."""
    tokens = words(text)
    if len(tokens) < MIN_WORDS:
        return None
    found = shingles(tokens)
    from datasketch import MinHash

    # crc32 is a fast C hash; datasketch mixes it (MurmurHash3 finaliser) before permuting.
    minhash = MinHash(permutations=_permutations(), seed=SEED, scheme=SCHEME,
                      hashfunc=zlib.crc32)
    minhash.update_batch(found)
    return Sketch(minhash.hashvalues.astype(np.uint32), len(found))


def band_keys(sketch: Sketch) -> list[int]:
    """One signed 64-bit key per LSH band (band number included, so bands never collide)."""
    return list(_band_keys(sketch.to_bytes()))


@lru_cache(maxsize=16)
def _band_keys(data: bytes) -> tuple[int, ...]:
    """Band keys of a signature's bytes (cached: a new text's keys are indexed and queried)."""
    bands, rows = banding()
    width = rows * 4
    keys = []
    for band in range(bands):
        digest = hashlib.blake2b(data[band * width:(band + 1) * width],
                                 digest_size=8, salt=band.to_bytes(2, "little")).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return tuple(keys)


def jaccard(a: Sketch, b: Sketch) -> float:
    """Estimated Jaccard similarity of the two shingle sets (share of equal MinHash values)."""
    return float(np.count_nonzero(a.signature == b.signature)) / len(a.signature)


def similarity(a: Sketch, b: Sketch) -> float:
    """Estimated share of the shorter text's shingles that the other text has too (0..1).

    From the Jaccard estimate J and the set sizes: |A∩B| = J(|A|+|B|)/(1+J). A copy with its
    last paragraphs cut scores near 1 (it is contained in the story); so does an exact copy.
    """
    j = jaccard(a, b)
    common = j * (a.size + b.size) / (1.0 + j)
    return min(1.0, common / max(1, min(a.size, b.size)))


def is_copy(a: Sketch, b: Sketch) -> bool:
    """Whether two texts are copies of one story: enough overlap, and not a mere quotation."""
    return jaccard(a, b) >= MIN_JACCARD and similarity(a, b) >= THRESHOLD


#: Everything the stored index depends on; a store built with another format is re-indexed.
FORMAT = (f"minhash:{SCHEME}:{NUM_PERM}:{SEED}:crc32 shingle:{SHINGLE_WORDS}w "
          f"lsh:{LSH_THRESHOLD} min:{MIN_WORDS} copy:{THRESHOLD}/{MIN_JACCARD}")
