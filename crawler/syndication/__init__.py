"""Syndicated copies: near-duplicate detection of cleaned article text (pure, no scrapy).

:func:`sketch_text` turns a text into a MinHash sketch (datasketch) of its word 5-grams;
:class:`SketchIndex` keeps sketches and LSH bands in SQLite tables so every process that writes
a store extends the same index; :func:`is_copy` and :func:`similarity` compare two sketches;
:func:`choose_cluster` decides which story a new article version belongs to.

Layer: pure core. It may import ``crawler.common`` and ``crawler.exceptions`` only.
"""

from crawler.syndication.cluster import Match, choose_cluster
from crawler.syndication.index import SketchIndex, create_tables
from crawler.syndication.sketch import (
    FORMAT,
    THRESHOLD,
    Sketch,
    is_copy,
    jaccard,
    similarity,
    sketch_text,
)

__all__ = [
    "FORMAT",
    "THRESHOLD",
    "Match",
    "Sketch",
    "SketchIndex",
    "choose_cluster",
    "create_tables",
    "is_copy",
    "jaccard",
    "similarity",
    "sketch_text",
]
