"""Held-out figures: block models trained on one half of the development sets, scoring the other."""

from __future__ import annotations

from collections.abc import Callable

from benchmarks.devsets import DevPage
from crawler.extract import ExtractResult, extract, extract_document, parse_document
from crawler.extract.scorer import BlockModel


def held_out_models() -> dict[str, BlockModel]:
    """Block models trained on each half: ``{"A": trained on B, "B": trained on A}``
    (LightGBM: ``pip install -e '.[train]'``)."""
    from crawler.extract.scorer import from_dict
    from tools.train_block_model import export, iter_rows, train

    rows = list(iter_rows())
    return {
        scored: from_dict(export(train([r for r in rows if r.page.half == trained]), 0.5))
        for scored, trained in (("A", "B"), ("B", "A"))
    }


def ours_with(models: dict[str, BlockModel] | None) -> Callable[[DevPage], ExtractResult]:
    """Our extractor: the shipped model, or the model trained on the page's other half."""
    if models is None:
        return lambda page: extract(page.html, page.url)

    def run(page: DevPage) -> ExtractResult:
        return extract_document(parse_document(page.html, page.url), page.url,
                                model=models[page.half])

    return run
