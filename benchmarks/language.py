"""Score language identification: on paragraphs written in 34 languages, and on declared pages.

The development sets carry no language truth. Two stand-ins, both printed by
``python -m benchmarks.metadata``:

- **samples**: ``benchmarks.language_samples`` (news-like paragraphs written for this project),
  whole and cut to 120, 60 and 30 characters. Right = the guess is the sample's language.
- **declared**: development pages whose ``<html lang>`` is set and agrees with every other
  declaration present (``content-language``, ``og:locale``, JSON-LD ``inLanguage``), with at
  least 200 characters of extracted text; the guess is made on that text. A declaration can be
  wrong (an English article on a German site), so 100 % is not expected. In-sample figures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from benchmarks.devsets import DevPage
from benchmarks.language_samples import SAMPLES
from crawler.extract import extract, jsonld
from crawler.extract.language import guess_language
from crawler.extract.metadata import meta_tags
from crawler.extract.parse import parse_document

Guesser = Callable[[str], "str | None"]
CUTS = (None, 120, 60, 30)


def sample_scores(guess: Guesser = guess_language) -> dict[str, tuple[int, int, int]]:
    """``{cut: (right, answered, samples)}`` on the written samples, whole and cut short."""
    scores = {}
    for cut in CUTS:
        guesses = {lang: guess(text[:cut] if cut else text) for lang, text in SAMPLES.items()}
        right = sum(1 for lang, found in guesses.items() if found == lang)
        answered = sum(1 for found in guesses.values() if found)
        scores[f"{cut} chars" if cut else "whole"] = (right, answered, len(SAMPLES))
    return scores


def declared_language(html: bytes, url: str) -> str | None:
    """The page's declared primary language when all its declarations agree, else None."""
    tree = parse_document(html, url).tree
    if tree is None or not tree.get("lang"):
        return None
    meta = meta_tags(tree)
    article = jsonld.find_article(jsonld.json_ld_objects(tree))
    values = [
        tree.get("lang"),
        meta.get("content-language"),
        meta.get("og:locale"),
        jsonld.text_value(article.get("inLanguage")) if article else None,
    ]
    primary = {v.strip().replace("_", "-").split("-")[0].lower() for v in values if v and v.strip()}
    return primary.pop() if len(primary) == 1 else None


def declared_scores(
    pages: Iterable[DevPage], guess: Guesser = guess_language
) -> dict[str, tuple[int, int, int]]:
    """``{half: (right, answered, pages)}`` on pages with a consistent declared language."""
    counts: dict[str, list[int]] = {}
    for page in pages:
        truth = declared_language(page.html, page.url)
        text = extract(page.html, page.url).text
        if truth is None or len(text) < 200:
            continue
        found = guess(text)
        for half in (page.half, "all"):
            row = counts.setdefault(half, [0, 0, 0])
            row[0] += found == truth
            row[1] += found is not None
            row[2] += 1
    return {half: (row[0], row[1], row[2]) for half, row in sorted(counts.items())}


def format_language(
    samples: dict[str, tuple[int, int, int]], declared: dict[str, dict[str, tuple[int, int, int]]]
) -> list[str]:
    """Text lines of the language scores."""
    lines = ["language identification of the text (the sets have no language truth)"]
    cells = "  ".join(f"{cut}: {r}/{n} right ({a} answered)" for cut, (r, a, n) in samples.items())
    lines.append(f"  own samples, {len(SAMPLES)} languages: {cells}")
    for set_name, by_half in declared.items():
        for half, (right, answered, total) in by_half.items():
            lines.append(
                f"  {set_name} declared (in-sample) half {half}: {right}/{total} right"
                f" ({answered} answered)"
            )
    return lines
