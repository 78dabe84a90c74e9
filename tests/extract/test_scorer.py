"""The learned block scorer: the shipped model, its tree evaluation, and what it chooses."""

from __future__ import annotations

import json

import numpy as np
import pytest

from crawler.extract import extract
from crawler.extract.features import FEATURE_NAMES
from crawler.extract.scorer import MODEL_PATH, from_dict, load_model

URL = "https://news.example/2024/05/02/council-approves-flood-plan"


def _tree(feature: int, threshold: float, low: float, high: float) -> dict:
    """A one-split tree: ``low`` when row[feature] <= threshold, else ``high``."""
    return {
        "feature": [feature, 0, 0],
        "threshold": [threshold, 0.0, 0.0],
        "left": [1, -1, -1],
        "right": [2, -1, -1],
        "value": [0.0, low, high],
    }


def _two_level_tree() -> dict:
    """Root splits on f0 <= 0.5; its left child splits on f1 <= 2.0 (depth 2, unbalanced)."""
    return {
        "feature": [0, 1, 0, 0, 0],
        "threshold": [0.5, 2.0, 0.0, 0.0, 0.0],
        "left": [1, 3, -1, -1, -1],
        "right": [2, 4, -1, -1, -1],
        "value": [0.0, 0.0, 5.0, -1.0, 1.0],
    }


def _reference(trees: list[dict], row: list[float]) -> float:
    """Walk each tree node by node: the plain definition of a tree ensemble's raw score."""
    total = 0.0
    for tree in trees:
        node = 0
        while tree["left"][node] >= 0:
            go_left = row[tree["feature"][node]] <= tree["threshold"][node]
            node = tree["left"][node] if go_left else tree["right"][node]
        total += tree["value"][node]
    return total


def test_vectorized_trees_match_a_node_by_node_walk() -> None:
    trees = [_two_level_tree(), _tree(1, 0.0, -2.0, 0.5), _tree(0, 3.0, 0.25, -0.25)]
    model = from_dict({"features": ["a", "b"], "init": 0.0, "learning_rate": 1.0,
                       "depth": 2, "cutoff": 0.5, "trees": trees})  # fmt: skip
    rng = np.random.default_rng(7)
    rows = rng.uniform(-1, 5, size=(300, 2)).astype(np.float32)
    rows[:5] = [[0.5, 2.0], [0.5, 2.1], [0.51, 0.0], [3.0, 0.0], [-1, -1]]  # on the thresholds
    expected = [1 / (1 + np.exp(-_reference(trees, list(map(float, r))))) for r in rows]
    assert np.allclose(model.probabilities(rows), expected)


def test_large_inputs_are_scored_in_bounded_chunks() -> None:
    model = from_dict({"features": ["a", "b"], "init": 0.0, "learning_rate": 1.0, "depth": 2,
                       "cutoff": 0.5, "trees": [_two_level_tree()]})  # fmt: skip
    rows = np.tile(np.array([[0.0, 3.0], [1.0, 0.0]], dtype=np.float32), (5000, 1))
    scores = model.probabilities(rows)
    assert scores.shape == (10000,)
    assert np.allclose(scores[::2], 1 / (1 + np.exp(-1.0)))
    assert np.allclose(scores[1::2], 1 / (1 + np.exp(-5.0)))


def test_shipped_model_matches_the_feature_layout() -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert data["features"] == list(FEATURE_NAMES)
    model = load_model()
    assert model is not None
    assert int(model.feature.max()) < len(FEATURE_NAMES)
    assert 0.0 < model.cutoff < 1.0


def _page(sidebar: str) -> str:
    story = "".join(
        f"<p>Paragraph {i}: the council voted on Tuesday to approve the flood defence plan, "
        "after residents spoke for hours about the cost, the route and the timetable.</p>"
        for i in range(6)
    )
    return (
        "<html><head><title>Council approves flood plan</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world/'>World</a></nav>"
        f"<article><h1>Council approves flood plan</h1>{story}</article>{sidebar}"
        "<footer>About us. Contact. Terms.</footer></body></html>"
    )


@pytest.mark.parametrize(
    "sidebar",
    [
        "",
        "<aside><h3>Opinion</h3><ul>"
        + "".join(f"<li><a href='/o/{i}'>An opinion column headline number {i}</a></li>"
                  for i in range(6))  # fmt: skip
        + "</ul></aside>",
    ],
)
def test_article_text_is_the_story_only(sidebar: str) -> None:
    result = extract(_page(sidebar), URL)
    assert result.is_article
    paragraphs = result.text.split("\n\n")
    assert paragraphs[0].startswith("Paragraph 0") and paragraphs[-1].startswith("Paragraph 5")
    assert "opinion column" not in result.text and "Home" not in result.text


def test_extraction_is_deterministic() -> None:
    html = _page("<div class='promo'><p>Subscribe to our newsletter today.</p></div>")
    assert len({extract(html, URL).text for _ in range(3)}) == 1


def test_text_columns_see_capitals_in_every_cased_script_and_none_in_caseless_ones():
    from lxml.html import fragment_fromstring

    from crawler.extract.text import Block
    from crawler.extract.textstats import TEXT_COLUMNS, text_columns

    texts = {
        "latin": "Der Rat hat am Montag beschlossen, dass die Brücke im Mai gesperrt wird.",
        "cyrillic": "Совет решил в Понедельник, что Мост будет закрыт в Мае для ремонта.",
        "greek": "Το Συμβούλιο αποφάσισε τη Δευτέρα ότι η Γέφυρα θα κλείσει τον Μάιο.",
        "arabic": "قرر المجلس يوم الاثنين أن الجسر سيغلق في شهر مايو من أجل الإصلاح.",
        "lowercase": "the council decided on monday that the bridge will close in may.",
    }
    blocks = [Block(fragment_fromstring("<p>x</p>"), text) for text in texts.values()]
    rows = text_columns(blocks, [0.0] * len(blocks), None, frozenset())
    capital = dict(zip(texts, rows[:, TEXT_COLUMNS.index("capital_rate")], strict=True))
    for cased in ("latin", "cyrillic", "greek"):
        assert 0.2 < capital[cased] < 0.6, (cased, capital[cased])
    assert capital["lowercase"] == 0.0
    # A script without capitals neither looks like shouting nor like lower-case junk: it
    # gets the share of ordinary prose.
    assert 0.05 < capital["arabic"] < 0.2


def test_trees_in_any_node_order_score_as_walked() -> None:
    # Children listed apart and after unrelated nodes (the scorer lays them side by side).
    tree = {
        "feature": [0, 0, 1, 0, 0],
        "threshold": [0.5, 0.0, 2.0, 0.0, 0.0],
        "left": [2, -1, 4, -1, -1],
        "right": [1, -1, 3, -1, -1],
        "value": [0.0, 5.0, 1.0, 0.0, -1.0],
    }
    model = from_dict({"features": ["a", "b"], "init": 0.0, "learning_rate": 1.0,
                       "depth": 2, "cutoff": 0.5, "trees": [tree]})  # fmt: skip
    rows = np.array([[0.0, 1.0], [0.0, 3.0], [1.0, 0.0], [0.5, 2.0]], dtype=np.float32)
    expected = [1 / (1 + np.exp(-_reference([tree], list(map(float, r))))) for r in rows]
    assert np.allclose(model.probabilities(rows), expected)
    assert np.allclose(model.probabilities(rows), 1 / (1 + np.exp(-np.array([-1, 0, 5, -1]))))


def test_block_ancestry_agrees_with_the_element_paths_and_depths() -> None:
    from crawler.extract import parse_document
    from crawler.extract.features import _Ancestry
    from crawler.extract.sitelearn import element_path
    from crawler.extract.text import iter_blocks

    tree = parse_document(_page("<aside class='rail ad-3'><p>Side note here.</p></aside>")).tree
    assert tree is not None
    blocks = iter_blocks(tree)
    ancestry = _Ancestry(blocks, {})
    assert ancestry.paths == [element_path(b.element) for b in blocks]
    depths = [len(list(b.element.iterancestors())) for b in blocks]
    assert ancestry.depths.tolist() == depths
    aside = [i for i, b in enumerate(blocks) if b.text == "Side note here."]
    assert aside and ancestry.masks[aside[0]] != 0  # in furniture, under a weak junk name
