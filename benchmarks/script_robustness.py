"""Does body extraction depend on the script a page is written in? Transliterated dev pages.

Run: ``.venv/bin/python -m benchmarks.script_robustness [--sets aeb181,modern]``

The development sets are English. To see whether the block model learned English rather than
page structure, every page's visible text (and its truth) is rewritten letter for letter into
Cyrillic (with case), Arabic and Devanagari (no case): markup, class names, links and word
lengths stay; wording rules written for English no longer fire. Ours vs trafilatura on the
same rewritten pages, F1 (precision / recall) as ``benchmarks.extraction`` scores it. The
"latin" row is the untouched page. **In-sample** for ours (the model was trained on these
pages); the point is the drop from the latin row, not the level. Needs ../shared.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

import lxml.html

from benchmarks.devsets import available, iter_pages
from benchmarks.extraction import score, tp_fp_fn
from crawler.extract import extract

_LATIN = "abcdefghijklmnopqrstuvwxyz"
_TARGETS = {
    "cyrillic": ("абцдефгхийклмнопярстужвьыз", True),
    "arabic": ("ابتثجحخدذرزسشصضطظعغفقكلمنه", False),
    "devanagari": ("अआइईउऊऋएऐओऔकखगघङचछजझञटठडढण", False),
}


def letter_table(target: str, cased: bool) -> dict[int, str]:
    """``str.translate`` table from Latin letters to ``target``'s (upper case kept if ``cased``)."""
    table = {}
    for latin, other in zip(_LATIN, target, strict=True):
        table[ord(latin)] = other
        table[ord(latin.upper())] = other.upper() if cased else other
    return table


def rewrite_page(html: bytes, table: dict[int, str]) -> bytes:
    """The page with every visible text node (and og:title) rewritten, declared UTF-8."""
    doc = lxml.html.document_fromstring(html.decode("utf-8", "replace"))
    for element in doc.iter():
        if isinstance(element.tag, str) and element.tag not in ("script", "style"):
            element.text = element.text.translate(table) if element.text else element.text
        element.tail = element.tail.translate(table) if element.tail else element.tail
        if element.tag == "meta":
            if element.get("charset") or element.get("http-equiv"):
                element.getparent().remove(element)
            elif element.get("property") == "og:title" and element.get("content"):
                element.set("content", element.get("content", "").translate(table))
    head = doc.find("head")
    if head is not None:
        head.insert(0, lxml.html.Element("meta", charset="utf-8"))
    return lxml.html.tostring(doc, encoding="utf-8")


def _extractors() -> dict[str, Callable[[bytes, str], str]]:
    found: dict[str, Callable[[bytes, str], str]] = {"ours": lambda h, u: extract(h, u).text}
    try:
        import trafilatura
    except ImportError:
        return found
    found["trafilatura"] = lambda h, u: trafilatura.extract(h.decode("utf-8", "replace")) or ""
    return found


def run_set(set_name: str) -> None:
    """Print one row per script and extractor for ``set_name``."""
    pages = list(iter_pages(set_name))
    extractors = _extractors()
    for script, table in [("latin", None)] + [
        (name, letter_table(*spec)) for name, spec in _TARGETS.items()
    ]:
        rows: dict[str, list[tuple[float, float, float]]] = {name: [] for name in extractors}
        for page in pages:
            try:
                html = rewrite_page(page.html, table) if table else page.html
            except ValueError:  # control characters lxml will not set: skip the page
                continue
            truth = page.body.translate(table) if table else page.body
            for name, run in extractors.items():
                rows[name].append(tp_fp_fn(truth, run(html, page.url)))
        cells = []
        for name, scored in rows.items():
            s = score(scored)
            cells.append(f"{name} {s['f1']:.3f} ({s['precision']:.3f} / {s['recall']:.3f})")
        print(f"{set_name:<8} {script:<11} {len(rows['ours']):>4} pages   " + "   ".join(cells),
              flush=True)


def main(argv: list[str] | None = None) -> int:
    """Score every set in every script."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sets", default="aeb181,modern")
    args = parser.parse_args(argv)
    if not all(available(name) for name in args.sets.split(",")):
        print("skipped: the development sets (../shared/data) are not on this machine")
        return 0
    print("F1 (precision / recall); ours is IN-SAMPLE: read the drop from the latin row")
    for set_name in args.sets.split(","):
        run_set(set_name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
