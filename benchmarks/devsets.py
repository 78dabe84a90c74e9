"""The development sets in ``../shared/data``: loading, and the fixed split into halves.

Every figure on these sets is in-sample: the extractor was tuned on them. Each set is split in
two halves by a hash of the page id (``A`` and ``B``), so a change can be tuned on one half and
confirmed on the other; benchmarks report both.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: ``../shared/data`` beside the checkout, or where ``CRAWLER_SHARED_DATA`` says (a worktree).
SHARED_DATA = Path(os.environ.get("CRAWLER_SHARED_DATA") or ROOT.parent / "shared" / "data")

#: Set name -> folder under ``SHARED_DATA``.
SETS = {
    "aeb181": "article-extraction-benchmark",
    "modern": "modern-web-2026-dev",
}
#: Page types of modern-web-2026-dev that are articles (the "articles and blogs" subset).
ARTICLE_TYPES = frozenset({"article", "blog"})


@dataclass(frozen=True, slots=True)
class DevPage:
    """One development page with its truth (fields absent from a set are ``None``)."""

    set_name: str
    key: str
    html: bytes
    url: str
    body: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    page_type: str | None = None

    @property
    def half(self) -> str:
        """``A`` or ``B``: the page's fixed half of its set (tune on one, confirm on the other)."""
        return "A" if hashlib.sha1(self.key.encode()).digest()[0] % 2 == 0 else "B"


def data_dir(set_name: str, root: Path = SHARED_DATA) -> Path:
    """The folder of one development set."""
    return root / SETS[set_name]


def available(set_name: str, root: Path = SHARED_DATA) -> bool:
    """Whether the set is on this machine (a user's machine has none)."""
    return (data_dir(set_name, root) / "ground-truth.json").exists()


def iter_pages(
    set_name: str, root: Path = SHARED_DATA, limit: int | None = None
) -> Iterator[DevPage]:
    """The pages of one set, sorted by id, one at a time."""
    folder = data_dir(set_name, root)
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    for key in sorted(truth)[:limit]:
        item = truth[key]
        html = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())
        yield DevPage(
            set_name=set_name,
            key=key,
            html=html,
            url=item.get("url") or "",
            body=item.get("articleBody") or "",
            title=item.get("headline"),
            author=item.get("author"),
            date=item.get("datePublished"),
            page_type=item.get("pageType"),
        )


def add_set_options(parser: argparse.ArgumentParser) -> None:
    """The options every development-set benchmark takes: ``--data``, ``--sets``, ``--limit``."""
    parser.add_argument("--data", type=Path, default=SHARED_DATA, help="folder of the sets")
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated: aeb181,modern")
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each set")


def chosen_sets(args: argparse.Namespace) -> list[str]:
    """The sets named by ``--sets`` that are on this machine; says so when there are none."""
    chosen = [s for s in args.sets.split(",") if s in SETS and available(s, args.data)]
    if not chosen:
        print(f"no development set found under {args.data}: pass --data DIR")
    return chosen
