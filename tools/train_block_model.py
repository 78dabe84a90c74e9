"""Train the learned block scorer on the development sets and write ``blockmodel.json``.

Run: ``.venv/bin/python -m tools.train_block_model [--cross] [--train-half all|A|B] [--out PATH]``
(needs LightGBM: ``pip install -e '.[train]'``, and ``../shared/data``).

Each development page is cleaned and cut into text blocks exactly as the extractor does
(:func:`crawler.extract.core.candidates`); a block is labelled main text when most of its word
trigrams occur in the page's true body. A gradient-boosted tree ensemble learns the label from
the block's features (:mod:`crawler.extract.features`); every page weighs the same (the 181
hand-checked article pages three times as much as the noisier modern-web pages), and inside a
page a block weighs by its words, as the benchmark's word-shingle metric does.

``--cross`` is the out-of-sample check: it trains on half A and scores half B, then the
reverse, and prints both (the shipped model is trained on both halves, so every figure
``benchmarks.extraction`` prints for it is in-sample).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.devsets import (  # noqa: E402
    ARTICLE_TYPES,
    SETS,
    SHARED_DATA,
    DevPage,
    available,
    iter_pages,
)
from crawler.extract import ExtractOptions, parse_document  # noqa: E402
from crawler.extract.core import candidates, page_context, scored_blocks  # noqa: E402
from crawler.extract.features import FEATURE_NAMES, block_features  # noqa: E402
from crawler.extract.scorer import MODEL_PATH, BlockModel  # noqa: E402
from crawler.extract.text import join_paragraphs  # noqa: E402

_WORD = re.compile(r"\w+")
#: Share of a block's word trigrams found in the truth for the block to count as main text.
LABEL_SHARE = 0.5
#: Weight of a page of the hand-checked article set relative to a modern-web page.
SET_WEIGHTS = {"aeb181": 3.0, "modern": 1.0}
#: LightGBM settings, chosen by --cross (depth bounded: run time grows with it).
PARAMS: dict[str, Any] = {
    "n_estimators": 150, "learning_rate": 0.07, "num_leaves": 31, "max_depth": 6,
    "min_child_samples": 40, "subsample": 0.8, "subsample_freq": 1, "colsample_bytree": 0.8,
    "reg_lambda": 1.0, "random_state": 0, "deterministic": True, "n_jobs": 1, "verbose": -1,
}  # fmt: skip


@dataclass
class PageRows:
    """One development page as training rows."""

    page: DevPage
    features: np.ndarray
    labels: np.ndarray
    weights: np.ndarray


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def block_labels(texts: list[str], truth: str) -> tuple[np.ndarray, np.ndarray]:
    """Per block: the share of its word trigrams in ``truth`` (short blocks: found or not),
    and its weight (its number of words)."""
    words = _words(truth)
    trigrams = set(zip(words, words[1:], words[2:], strict=False))
    joined = f" {' '.join(words)} "
    shares, weights = [], []
    for text in texts:
        tokens = _words(text)
        if len(tokens) >= 3:
            grams = list(zip(tokens, tokens[1:], tokens[2:], strict=False))
            shares.append(sum(g in trigrams for g in grams) / len(grams))
        else:
            shares.append(1.0 if tokens and f" {' '.join(tokens)} " in joined else 0.0)
        weights.append(len(tokens))
    return np.array(shares, dtype=np.float32), np.array(weights, dtype=np.float32)


def page_rows(page: DevPage) -> PageRows | None:
    """The features, labels and weights of one page's blocks (None when it has none)."""
    options = ExtractOptions()
    found = candidates(parse_document(page.html, page.url, options), page.url, options)
    if found is None or not found.blocks:
        return None
    matrix = block_features(found.blocks, found.selection, page_context(found))
    labels, weights = block_labels([block.text for block in found.blocks], page.body)
    return PageRows(page, matrix, labels, weights)


def iter_rows(root: Path | None = None) -> Iterator[PageRows]:
    """Rows of every page of every development set on this machine."""
    folder = root or SHARED_DATA
    for set_name in SETS:
        if not available(set_name, folder):
            continue
        for page in iter_pages(set_name, folder):
            rows = page_rows(page)
            if rows is not None:
                yield rows


def stack(pages: list[PageRows]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One training matrix: each page weighs its set's weight, shared by its blocks' words."""
    matrix = np.vstack([p.features for p in pages])
    labels = np.concatenate([p.labels for p in pages]) >= LABEL_SHARE
    weights = np.concatenate([
        p.weights / max(1.0, float(p.weights.sum())) * SET_WEIGHTS.get(p.page.set_name, 1.0)
        for p in pages
    ])  # fmt: skip
    return matrix, labels, weights * len(pages)


def export(booster: object, cutoff: float) -> dict:
    """The JSON form of a trained LightGBM booster, as :mod:`crawler.extract.scorer` reads it."""
    dump = booster.dump_model()  # type: ignore[attr-defined]
    trees = [_flatten(info["tree_structure"]) for info in dump["tree_info"]]
    return {
        "features": list(FEATURE_NAMES),
        "init": 0.0,  # LightGBM folds the prior into the first tree's leaves
        "learning_rate": 1.0,  # and the shrinkage into every leaf value
        "depth": max(tree.pop("depth") for tree in trees),
        "cutoff": cutoff,
        "trees": trees,
    }


def model_json(model: dict) -> str:
    """The model file's text: the settings, then one tree per line (readable diffs)."""
    compact = {"separators": (",", ":")}
    head = {key: value for key, value in model.items() if key != "trees"}
    trees = ",\n".join(json.dumps(tree, **compact) for tree in model["trees"])  # type: ignore[arg-type]
    return json.dumps(head, **compact)[:-1] + ',"trees":[\n' + trees + "\n]}\n"  # type: ignore[arg-type]


def _flatten(root: dict) -> dict:
    """One tree as node arrays (breadth first; a leaf has ``left == right == -1``)."""
    arrays: dict = {"feature": [], "threshold": [], "left": [], "right": [], "value": []}
    queue = [(root, 0)]
    depth = 0
    for node, level in queue:  # the queue grows while it is walked
        depth = max(depth, level)
        if "leaf_value" in node:
            for key, value in zip(arrays, (0, 0.0, -1, -1, node["leaf_value"]), strict=True):
                arrays[key].append(value)
            continue
        if node.get("decision_type", "<=") != "<=":
            raise ValueError(f"unsupported split {node['decision_type']}")
        arrays["feature"].append(int(node["split_feature"]))
        arrays["threshold"].append(float(node["threshold"]))
        arrays["left"].append(len(queue))
        queue.append((node["left_child"], level + 1))
        arrays["right"].append(len(queue))
        queue.append((node["right_child"], level + 1))
        arrays["value"].append(0.0)
    return {**arrays, "depth": depth}


def train(pages: list[PageRows]) -> object:
    """Fit the ensemble (deterministic: fixed seed, one thread); returns the booster."""
    import lightgbm

    matrix, labels, weights = stack(pages)
    model = lightgbm.LGBMClassifier(**PARAMS)
    model.fit(matrix, labels, sample_weight=weights)
    return model.booster_


def held_out_report(pages: list[PageRows], cutoff: float) -> list[str]:
    """Train on each half, score the other with the benchmark's metric; one line per group."""
    from benchmarks.extraction import score, tp_fp_fn
    from crawler.extract.scorer import from_dict

    lines = []
    for train_half, test_half in (("A", "B"), ("B", "A")):
        model = from_dict(export(train([p for p in pages if p.page.half == train_half]), cutoff))
        groups: dict[str, list] = {}
        for rows in (p for p in pages if p.page.half == test_half):
            text = _text_with(model, rows.page)
            for group in _groups(rows.page):
                groups.setdefault(group, []).append(tp_fp_fn(rows.page.body, text))
        for group, results in sorted(groups.items()):
            m = score(results)
            lines.append(
                f"trained on {train_half}, scored on {test_half} (held out): {group:<16} "
                f"F1 {m['f1']:.3f} (P {m['precision']:.3f} / R {m['recall']:.3f}), "
                f"{len(results)} pages"
            )
    return lines


def _text_with(model: BlockModel, page: DevPage) -> str:
    """The page's text as the extractor gives it with ``model`` (first, strict reading)."""
    options = ExtractOptions()
    found = candidates(parse_document(page.html, page.url, options), page.url, options)
    if found is None:
        return ""
    blocks = scored_blocks(found, model) or []
    return join_paragraphs([block.text for block in blocks])


def _groups(page: DevPage) -> list[str]:
    groups = [page.set_name]
    if page.set_name == "modern" and page.page_type in ARTICLE_TYPES:
        groups.append("modern-articles")
    return groups


def main(argv: list[str] | None = None) -> int:
    """Build the rows, train on one half, write the model file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-half", choices=("A", "B", "all"), default="all")
    parser.add_argument("--cutoff", type=float, default=0.5)
    parser.add_argument("--cross", action="store_true", help="print held-out scores, write nothing")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    pages = list(iter_rows())
    if not pages:
        print("no development data found under ../shared/data", file=sys.stderr)
        return 2
    if args.cross:
        print("\n".join(held_out_report(pages, args.cutoff)))
        return 0
    chosen = [p for p in pages if args.train_half in ("all", p.page.half)]
    args.out.write_text(model_json(export(train(chosen), args.cutoff)), encoding="utf-8")
    print(f"trained on {len(chosen)} pages (half {args.train_half}); wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
