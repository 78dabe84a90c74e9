"""Structure of the main text: subheadings, lists and tables in our Markdown beside trafilatura's.

Run: ``.venv/bin/python -m benchmarks.structure [--sets aeb181,modern] [--limit N]
[--held-out] [--no-anchor] [--show N] [--half A|B]``.

On the development sets (:mod:`benchmarks.devsets`), per set and per half:

- **subheadings**: the truth is every ``h2``-``h4`` of the page whose text is a line of the
  truth text (so inside its span), plus the lines the truth itself marks as Markdown headings
  (but for a "# comment" of the page's ``<pre>`` code, which some truths leave unfenced);
  a heading of an extractor's Markdown (``#`` lines) is right when its text is one of them.
  Recall and precision are counted over all headings of the pages (micro). Headings that are
  lines of the truth text but not ``h2``-``h4`` in the page (bold or capitalised subheads) are
  counted as wrong in the precision and reported apart ("unmarked"); "prec+l" is the
  precision that counts them as right.
- **lists kept**: a ``ul``/``ol`` of two or more items of which at least two thirds are lines
  of the truth text is kept when two thirds of its items are list items of the Markdown.
- **tables kept**: a ``table`` of two or more rows whose rows' cells are in the truth text is
  kept when two thirds of its rows are rows of a Markdown table.
- **same words**: the share of pages whose Markdown (list markers and escapes aside) holds
  exactly the words of ``ExtractResult.text`` (ours only).
- time per page: ``extract()`` (blocks and Markdown included) beside trafilatura's Markdown.

Without ``--held-out`` every figure of ours is IN-SAMPLE (the shipped block model was trained
on both halves, the rules tuned on them; the subheading rules of :mod:`crawler.extract.structure`
were tuned on half A of each set). ``--held-out`` trains the block model on each half (LightGBM,
``pip install -e '.[train]'``) and scores the other half with it: those rows are held out for the
model; for the structure rules half B is held out.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.devsets import (  # noqa: E402
    ARTICLE_TYPES,
    DevPage,
    add_set_options,
    chosen_sets,
    iter_pages,
)
from benchmarks.heldout import held_out_models, ours_with  # noqa: E402
from crawler.extract import ExtractResult  # noqa: E402
from crawler.extract.parse import decode_html  # noqa: E402

_WORD = re.compile(r"\w+")
_HEADING_LINE = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
# A list item's line; an item that opens with a nested list carries two markers ("2. 1. x").
_ITEM_LINE = re.compile(r"^\s*(?:(?:[-*+]|\d{1,9}[.)])\s+)+(.*)$")
_TRUTH_MARKER = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|\d{1,9}[.)]\s+|>\s*)")
_ESCAPE = re.compile(r"\\(.)")
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s+")
_TRUTH_HEADINGS = ("h2", "h3", "h4")
_UNSEEN = ("script", "style", "template", "noscript")
_SHARE = 2 / 3


def fold(text: str) -> str:
    """Compare texts without case, spacing, Markdown escapes, a leading number ("2. ") or
    end punctuation."""
    text = _ESCAPE.sub(r"\1", text).replace("**", "").replace("__", "")
    text = _NUMBERED.sub("", " ".join(text.lower().split()))
    return text.strip(" .:;,!?-–—*_#|")


def _own_text(element: lxml.html.HtmlElement) -> str:
    """An element's text without that of its nested lists."""
    parts = [element.text or ""]
    for child in element:
        if child.tag not in ("ul", "ol"):
            parts.append(child.text_content() if isinstance(child.tag, str) else "")
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


@dataclass(slots=True)
class Truth:
    """What one page's truth holds: its headings, lists and tables (each a list of texts)."""

    headings: set[str]
    lines: set[str]
    lists: list[list[str]]
    tables: list[list[list[str]]]


def _outside_fences(lines: list[str]) -> list[str]:
    """The lines outside fenced code (a "# comment" in code is no heading)."""
    out, fenced = [], False
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced:
            out.append(line)
    return out


def page_truth(page: DevPage) -> Truth:
    """Headings, lists and tables of the page that lie inside the truth text."""
    prose = _outside_fences(page.body.split("\n"))
    lines = {fold(_TRUTH_MARKER.sub("", line)) for line in prose}
    lines.discard("")
    folded_body = fold(page.body.replace("\n", " "))
    headings = {fold(m.group(1)) for line in prose if (m := _HEADING_LINE.match(line))}
    try:
        # Decoded as the extractor decodes (lxml alone misreads pages without a BOM or meta).
        tree = lxml.html.document_fromstring(decode_html(page.html)[0])
    except (lxml.etree.ParserError, ValueError):
        return Truth(headings, lines, [], [])
    # What a reader sees: a <style> set inside a heading is no word of it.
    lxml.etree.strip_elements(tree, *_UNSEEN, with_tail=False)
    # A "# comment" line of a code listing the truth left unfenced is no heading.
    headings -= _code_comments(tree)
    for heading in tree.iter(*_TRUTH_HEADINGS):
        text = fold(heading.text_content())
        if len(text) > 1 and text in lines:
            headings.add(text)
    lists = []
    for element in tree.iter("ul", "ol"):
        items = [fold(_own_text(li)) for li in element if li.tag == "li"]
        items = [item for item in items if item]
        if len(items) >= 2 and sum(item in lines for item in items) >= _SHARE * len(items):
            lists.append(items)
    tables = []
    for table in tree.iter("table"):
        rows = []
        for row in table.iter("tr"):
            cells = [fold(c.text_content()) for c in row if c.tag in ("td", "th")]
            cells = [c for c in cells if c]
            if cells:
                rows.append(cells)
        inside = [r for r in rows if all(c in folded_body for c in r)]
        if len(rows) >= 2 and len(inside) >= _SHARE * len(rows) and max(map(len, rows)) >= 2:
            tables.append(rows)
    return Truth(headings, lines, lists, tables)


def _code_comments(tree: lxml.html.HtmlElement) -> set[str]:
    """Lines of the page's preformatted text that read as Markdown headings, folded."""
    found = set()
    for pre in tree.iter("pre"):
        for line in pre.text_content().split("\n"):
            # Code is indented as it nests; the truth's copy of the line is not.
            if match := _HEADING_LINE.match(line.strip()):
                found.add(fold(match.group(1)))
    return found


@dataclass(slots=True)
class Found:
    """What one extractor's Markdown holds."""

    headings: list[str]
    items: set[str]
    table_rows: list[str]


def _fence(line: str, open_fence: str) -> str | None:
    """The fence state after ``line`` when it opens or closes a fence (``""``: closed), else
    None. Only the fence that opened a block closes it (a ``~~~~`` block may hold ```)."""
    stripped = line.strip()
    if open_fence:
        return "" if stripped == open_fence else None
    for mark in ("```", "~~~"):
        if stripped.startswith(mark):
            return stripped[: len(stripped) - len(stripped.lstrip(mark[0]))]
    return None


def _lines(markdown: str) -> Iterable[tuple[str, bool]]:
    """The Markdown's lines but its fence markers, each with whether it is fenced code."""
    fence = ""
    for line in markdown.split("\n"):
        marker = _fence(line, fence)
        if marker is not None:
            fence = marker
        else:
            yield line, bool(fence)


def read_markdown(markdown: str) -> Found:
    """Headings, list items and table rows of a Markdown text (fenced code skipped)."""
    headings, items, rows = [], set(), []
    for line, fenced in _lines(markdown):
        if fenced:
            continue
        if match := _HEADING_LINE.match(line):
            if heading := fold(match.group(1)):
                headings.append(heading)
        elif match := _ITEM_LINE.match(line):
            items.add(fold(match.group(1)))
        elif line.lstrip().startswith("|"):
            rows.append(fold(line.replace("|", " ")))
    return Found(headings, items, rows)


def same_words(markdown: str, text: str) -> bool:
    """Whether the Markdown holds exactly the text's words (list markers and escapes aside)."""
    lines = []
    for line, fenced in _lines(markdown):
        if not fenced:  # code is set as it is; everything else may hold escapes
            match = _ITEM_LINE.match(line)
            line = _ESCAPE.sub(r"\1", match.group(1) if match else line)
        lines.append(line)
    return Counter(_WORD.findall(" ".join(lines))) == Counter(_WORD.findall(text))


@dataclass(slots=True)
class Tally:
    """Counts of one extractor over a group of pages."""

    truth_headings: int = 0
    found_headings: int = 0
    right_headings: int = 0
    recalled: int = 0
    unmarked: int = 0
    lists: int = 0
    lists_kept: int = 0
    tables: int = 0
    tables_kept: int = 0
    pages: int = 0
    same: int = 0
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)

    def add(self, truth: Truth, found: Found, same: bool | None) -> None:
        """Count one page."""
        self.pages += 1
        self.same += bool(same)
        self.truth_headings += len(truth.headings)
        found_set = set(found.headings)
        self.found_headings += len(found.headings)
        self.recalled += len(found_set & truth.headings)
        for heading in found.headings:
            if heading in truth.headings:
                self.right_headings += 1
            else:
                self.unmarked += heading in truth.lines
                self.false.append(heading)
        self.misses.extend(h for h in truth.headings if h not in found_set)
        self.lists += len(truth.lists)
        self.lists_kept += sum(
            sum(item in found.items for item in items) >= _SHARE * len(items)
            for items in truth.lists
        )
        self.tables += len(truth.tables)
        self.tables_kept += sum(_table_kept(rows, found.table_rows) for rows in truth.tables)

    @property
    def recall(self) -> float:
        """Share of the truth's headings found."""
        return self.recalled / self.truth_headings if self.truth_headings else 1.0

    @property
    def lenient_precision(self) -> float:
        """Precision counting a heading that is a line of the truth text (a subhead the page
        sets in bold or capitals, or an ``h5``) as right."""
        right = self.right_headings + self.unmarked
        return right / self.found_headings if self.found_headings else 1.0

    @property
    def precision(self) -> float:
        """Share of the headings found that are the truth's."""
        return self.right_headings / self.found_headings if self.found_headings else 1.0


def _table_kept(rows: list[list[str]], found_rows: list[str]) -> bool:
    kept = sum(any(all(cell in line for cell in row) for line in found_rows) for row in rows)
    return kept >= _SHARE * len(rows)


def groups(page: DevPage) -> list[str]:
    """The rows a page counts in: its set, and modern's articles and blogs subset."""
    names = [page.set_name]
    if page.set_name == "modern" and page.page_type in ARTICLE_TYPES:
        names.append("modern-articles")
    return names


def trafilatura_markdown(page: DevPage) -> str:
    """trafilatura's Markdown, called as benchmarks.extraction calls it, with Markdown output."""
    import trafilatura

    html = page.html.decode("utf-8", "replace")
    return trafilatura.extract(html, output_format="markdown", include_comments=False) or ""


def measure(
    pages: Iterable[DevPage], ours: Callable[[DevPage], ExtractResult], anchor: bool
) -> tuple[dict[tuple[str, str, str], Tally], dict[str, list[float]]]:
    """Tallies per (group, half, extractor) and times per extractor."""
    tallies: dict[tuple[str, str, str], Tally] = {}
    times: dict[str, list[float]] = {"ours": [], "trafilatura": []}
    for page in pages:
        truth = page_truth(page)
        start = time.perf_counter()
        result = ours(page)
        markdown = result.markdown
        times["ours"].append(time.perf_counter() - start)
        found = {"ours": (read_markdown(markdown), same_words(markdown, result.text))}
        if anchor:
            start = time.perf_counter()
            theirs = trafilatura_markdown(page)
            times["trafilatura"].append(time.perf_counter() - start)
            found["trafilatura"] = (read_markdown(theirs), None)
        for name, (marks, same) in found.items():
            for group in groups(page):
                for half in (page.half, "all"):
                    tallies.setdefault((group, half, name), Tally()).add(truth, marks, same)
    return tallies, times


def report(tallies: dict[tuple[str, str, str], Tally], label: str) -> list[str]:
    """The table: per group and half, each extractor's figures."""
    out = [f"{'set':<16}{'half':<5}{'extractor':<12}{'pages':>6}{'heads':>7}{'recall':>8}"
           f"{'precis.':>8}{'unmark.':>8}{'prec+l':>8}{'lists':>11}{'tables':>10}"
           f"{'same words':>12}  figures"]
    for (group, half, name), t in sorted(tallies.items(), key=lambda kv: (
            kv[0][0], kv[0][1] == "all", kv[0][1], kv[0][2] != "ours")):
        same = f"{t.same / t.pages:.3f}" if name == "ours" and t.pages else "-"
        out.append(
            f"{group:<16}{half:<5}{name:<12}{t.pages:>6}{t.truth_headings:>7}{t.recall:>8.3f}"
            f"{t.precision:>8.3f}{t.unmarked:>8}{t.lenient_precision:>8.3f}"
            f"{f'{t.lists_kept}/{t.lists}':>11}"
            f"{f'{t.tables_kept}/{t.tables}':>10}{same:>12}  "
            + (label if name == "ours" else "anchor")
        )
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print ours beside trafilatura."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_set_options(parser)
    parser.add_argument("--half", choices=("A", "B"), default=None, help="one half only")
    parser.add_argument("--held-out", action="store_true",
                        help="score each half with a block model trained on the other")
    parser.add_argument("--no-anchor", action="store_true", help="ours only")
    parser.add_argument("--show", type=int, default=0, help="list N missed and N false headings")
    args = parser.parse_args(argv)
    chosen = chosen_sets(args)
    if not chosen:
        return 2
    models = held_out_models() if args.held_out else None
    label = "held-out (model)" if models else "IN-SAMPLE"
    pages = (p for s in chosen for p in iter_pages(s, args.data, args.limit)
             if args.half in (None, p.half))
    tallies, times = measure(pages, ours_with(models), not args.no_anchor)
    print(f"structure of the main text ({', '.join(chosen)}); ours: {label}. Subheading rules "
          "tuned on half A: half B is held out for them.")
    print("\n".join(report(tallies, label)))
    mine = statistics.median(times["ours"]) * 1000
    print(f"\nmedian time per page: ours {mine:.1f} ms", end="")
    if times["trafilatura"]:
        theirs = statistics.median(times["trafilatura"]) * 1000
        print(f", trafilatura (Markdown) {theirs:.1f} ms, ratio {mine / theirs:.2f}")
    else:
        print()
    if args.show:
        for group in chosen:
            tally = tallies.get((group, "all", "ours"))
            if tally:
                print(f"\n{group}: missed {tally.misses[: args.show]}")
                print(f"{group}: false {tally.false[: args.show]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
