"""The learned block scorer: a gradient-boosted tree ensemble, shipped as JSON, run with numpy.

The model (``blockmodel.json`` beside this module) is trained offline with LightGBM by
``tools/train_block_model.py`` on the development sets' truth aligned to text blocks. Running it
needs only numpy: every tree is evaluated for every block at once, one tree level per step, so
a page costs ``depth`` rounds of array indexing whatever its size. Deterministic, single
threaded, no network and no training library at run time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

#: The shipped model file.
MODEL_PATH = Path(__file__).with_name("blockmodel.json")
_CHUNK_ROWS = 2048


@dataclass(frozen=True, slots=True)
class BlockModel:
    """A boosted tree ensemble packed into flat node arrays (``roots``: each tree's first node;
    a leaf's children are itself, so every block takes ``depth`` steps)."""

    features: tuple[str, ...]
    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    init: float
    learning_rate: float
    depth: int
    cutoff: float

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        """Probability that each row (block) is main text."""
        if matrix.shape[0] <= _CHUNK_ROWS:
            return self._probabilities(matrix)
        # A hostile page can hold 10^5 blocks: bound the (rows x trees) work arrays.
        parts = [
            self._probabilities(matrix[start : start + _CHUNK_ROWS])
            for start in range(0, matrix.shape[0], _CHUNK_ROWS)
        ]
        return np.concatenate(parts)

    def _probabilities(self, matrix: np.ndarray) -> np.ndarray:
        count, width = matrix.shape
        if count == 0:
            return np.zeros(0, dtype=np.float64)
        # Nodes are addressed in the flattened (tree, node) arrays; children indices are
        # stored flat already, so one gather per array and level walks every tree at once.
        node = np.broadcast_to(self.roots, (count, len(self.roots))).copy()
        row_base = (np.arange(count, dtype=np.int64) * width)[:, None]
        flat = matrix.ravel()
        for _ in range(self.depth):
            values = flat[row_base + self.feature[node]]
            node = np.where(values <= self.threshold[node], self.left[node], self.right[node])
        raw = self.init + self.learning_rate * self.value[node].sum(axis=1)
        probabilities: np.ndarray = 1.0 / (1.0 + np.exp(-raw))
        return probabilities


def from_dict(data: dict[str, Any]) -> BlockModel:
    """Build a model from its JSON form (``trees``: per tree, node arrays where a leaf has
    ``left == right == -1``)."""
    trees = data["trees"]
    sizes = [len(tree["feature"]) for tree in trees]
    roots = np.cumsum([0, *sizes[:-1]]).astype(np.int64)

    def joined(key: str, dtype: type) -> np.ndarray:
        return np.concatenate([np.asarray(tree[key], dtype=dtype) for tree in trees])

    left, right = joined("left", np.int64), joined("right", np.int64)
    leaves = left < 0
    offsets = np.repeat(roots, sizes)
    own = np.arange(len(left), dtype=np.int64)
    left = np.where(leaves, own, left + offsets)
    right = np.where(leaves, own, right + offsets)
    feature = np.where(leaves, 0, joined("feature", np.int64))
    threshold = np.where(leaves, np.inf, joined("threshold", np.float64))
    return BlockModel(
        features=tuple(data["features"]),
        roots=roots,
        feature=feature,
        threshold=threshold,
        left=left,
        right=right,
        value=joined("value", np.float64),
        init=float(data["init"]),
        learning_rate=float(data["learning_rate"]),
        depth=int(data["depth"]),
        cutoff=float(data["cutoff"]),
    )


@lru_cache(maxsize=1)
def load_model(path: str | None = None) -> BlockModel | None:
    """The shipped model (cached per process), or None when the file is missing."""
    target = Path(path) if path else MODEL_PATH
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return from_dict(data)
