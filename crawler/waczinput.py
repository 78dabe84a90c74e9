"""What goes into a WACZ: each WARC checked record by record, bad records and junk files left out.

A WACZ's index and replay need every packaged record to be readable; one bad record made
cdxj-indexer fail (a traceback) or went into a package that ``wacz validate`` rejects. Each WARC
is scanned once (crawler.reextract.scan: bad records are skipped and the scan resynchronises);
a sound file is packaged as it is, a file with bad records as a copy of its sound records (same
name, in a temporary folder), and a file that is not a WARC at all is left out.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from crawler.reextract.scan import WarcScanner, file_problem

_COPY_BUFFER = 1024 * 1024


@dataclass
class Checked:
    """The WARCs to package (originals or sound copies) and what was left out."""

    warcs: list[Path] = field(default_factory=list)
    bad_records: int = 0
    bad_files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def check_warcs(warcs: list[Path], scratch: Path) -> Checked:
    """Scan each WARC; copies of the sound records of damaged ones are written to ``scratch``."""
    checked = Checked()
    for warc in warcs:
        problem = file_problem(warc)
        if problem is not None:
            checked.bad_files.append(warc.name)
            checked.problems.append(f"{warc}: {problem}; left out")
            continue
        scanner = WarcScanner(warc, max_body=0, keep_good=True)
        for _ in scanner:
            pass
        errors = scanner.stats.errors
        if not errors:
            checked.warcs.append(warc)
            continue
        checked.bad_records += len(errors)
        checked.problems.extend(errors)
        if not scanner.stats.good:
            checked.bad_files.append(warc.name)
            continue
        copy = scratch / warc.name
        _copy_ranges(warc, copy, scanner.stats.good)
        checked.warcs.append(copy)
    return checked


def _copy_ranges(source: Path, target: Path, ranges: list[tuple[int, int]]) -> None:
    """Write the byte ranges of ``source`` one after another into ``target`` (streaming)."""
    with open(source, "rb") as src, open(target, "wb") as out:
        for offset, length in ranges:
            src.seek(offset)
            left = length
            while left > 0:
                chunk = src.read(min(left, _COPY_BUFFER))
                if not chunk:
                    break
                out.write(chunk)
                left -= len(chunk)
    shutil.copystat(source, target)
