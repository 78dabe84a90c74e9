"""The learned block scorer: a gradient-boosted tree ensemble, shipped as JSON, run with numpy.

The model (``blockmodel.json`` beside this module) is trained offline with LightGBM by
``tools/train_block_model.py`` on the development sets' truth aligned to text blocks. Running it
needs only numpy: every tree is evaluated for every block at once, one tree level per step, so
a page costs ``depth`` rounds of array indexing whatever its size. The nodes are laid out so
that a node's two children are neighbours: a step is ``child + (value > threshold)``, four
gathers and no select. Deterministic, single threaded, no network and no training library at
run time.
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
    ``left``: a split's left child, its right child is the next node; a leaf's ``left`` is
    itself and its threshold infinite, so every block takes ``depth`` steps)."""

    features: tuple[str, ...]
    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
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
        # A value that is not a number goes left (LightGBM's default for missing values).
        node = np.broadcast_to(self.roots, (count, len(self.roots))).copy()
        row_base = (np.arange(count, dtype=np.intp) * width)[:, None]
        flat = matrix.ravel()
        for _ in range(self.depth):
            values = flat[row_base + self.feature[node]]
            node = self.left[node] + (values > self.threshold[node])
        raw = self.init + self.learning_rate * self.value[node].sum(axis=1)
        probabilities: np.ndarray = 1.0 / (1.0 + np.exp(-raw))
        return probabilities


def from_dict(data: dict[str, Any]) -> BlockModel:
    """Build a model from its JSON form (``trees``: per tree, node arrays where a leaf has
    ``left == right == -1``; any node order)."""
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    value: list[float] = []
    roots = []
    for tree in data["trees"]:
        roots.append(len(feature))
        # Breadth first from the root, each split's children placed side by side.
        order = [0]
        for node in order:  # the order grows while it is walked
            if tree["left"][node] >= 0:
                order += (tree["left"][node], tree["right"][node])
        place = {node: roots[-1] + index for index, node in enumerate(order)}
        for node in order:
            child = tree["left"][node]
            leaf = child < 0
            feature.append(0 if leaf else int(tree["feature"][node]))
            threshold.append(np.inf if leaf else float(tree["threshold"][node]))
            left.append(place[node] if leaf else place[child])
            value.append(float(tree["value"][node]))
    return BlockModel(
        features=tuple(data["features"]),
        roots=np.asarray(roots, dtype=np.intp),
        feature=np.asarray(feature, dtype=np.intp),
        threshold=np.asarray(threshold, dtype=np.float64),
        left=np.asarray(left, dtype=np.intp),
        value=np.asarray(value, dtype=np.float64),
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
