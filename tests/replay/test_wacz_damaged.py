"""`crawler wacz` on a damaged archive: bad records and junk files left out (one line, exit 1),
a valid WACZ of the rest, an unreadable store said, no stale .tmp files."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.archive.cdxj import index_warc
from tests.replay.conftest import WARC_NAME, make_archive
from tests.replay.replayhelp import run_cli
from tests.replay.warcs import sample_pages

WACZ_BIN = Path(sys.executable).with_name("wacz")


def _validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(WACZ_BIN), "validate", "-f", str(path)],
                          capture_output=True, text=True, timeout=120)


def _records_in(wacz: Path) -> list[str]:
    """Record IDs of the records packaged, read back with warcio."""
    ids = []
    with zipfile.ZipFile(wacz) as zf:
        for name in zf.namelist():
            if name.startswith("archive/"):
                with zf.open(name) as fh:
                    ids += [r.rec_headers.get_header("WARC-Record-ID") for r in ArchiveIterator(fh)]
    return ids


@pytest.fixture
def damaged(tmp_path) -> tuple[Path, int]:
    """An archive whose WARC has one garbled record, beside a text file named like a WARC."""
    root = tmp_path / "archive"
    pages = sample_pages()
    make_archive(root, pages)
    warc = root / "warc" / WARC_NAME
    data = warc.read_bytes()
    with open(warc, "rb") as fh:
        records = sum(1 for _ in ArchiveIterator(fh))
    starts = [i for i in range(len(data)) if data.startswith(b"\x1f\x8b\x08", i)]
    second = starts[2]  # warcinfo-free WARC: the record after the first two members
    warc.write_bytes(data[:second] + b"\xff" * 40 + data[second + 40:])
    (root / "warc" / "junk-20260101000000-00001-h-1.warc.gz").write_text("not a WARC\n")
    return root, records


def test_bad_records_and_junk_are_left_out_of_a_valid_wacz(damaged, tmp_path):
    root, records = damaged
    out = tmp_path / "out.wacz"
    result = run_cli("wacz", "--archive-dir", str(root), "-o", str(out))
    assert result.returncode == 1, result.stderr
    err = result.stderr.strip().splitlines()
    assert len(err) == 1 and "left out 1 bad record(s) and 1 file(s)" in err[0], err
    check = _validate(out)
    assert check.returncode == 0 and "is valid" in check.stdout, check.stdout + check.stderr
    packaged = _records_in(out)
    assert len(packaged) == records - 1  # every sound record, not the garbled one
    with zipfile.ZipFile(out) as zf:
        assert not any("junk" in name for name in zf.namelist())
        index = gzip.decompress(zf.read("indexes/index.cdx.gz")).decode()
    assert len(index.splitlines()) > 0
    assert not list(tmp_path.glob(".wacz-*")) and not list(tmp_path.glob("*.tmp"))


def test_an_unreadable_store_is_said_and_pages_come_from_the_indexes(tmp_path):
    root = tmp_path / "archive"
    make_archive(root, sample_pages())
    for extra in root.glob("articles.sqlite-*"):
        extra.unlink()
    (root / "articles.sqlite").write_bytes(b"SQLite format 3\0" + b"\xff" * 8000)
    out = tmp_path / "out.wacz"
    result = run_cli("wacz", "--archive-dir", str(root), "-o", str(out))
    err = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(err) == 1 and "article store" in err[0], err
    assert _validate(out).returncode == 0
    assert "4 page(s)" in result.stdout


def test_a_warc_that_cannot_be_indexed_leaves_no_tmp_index(tmp_path):
    junk = tmp_path / "junk.warc.gz"
    shutil.copyfile(__file__, junk)
    try:
        index_warc(junk, tmp_path / "indexes")
    except Exception:  # noqa: BLE001, S110 - raising or skipping the junk is fine: no .tmp left
        pass
    assert not list((tmp_path / "indexes").glob("*.tmp"))


def test_a_record_whose_date_is_no_date_is_left_out_of_a_valid_wacz(tmp_path):
    # cdxj-indexer raised on it: a traceback and no WACZ at all.
    from tests.archive.test_cdxj_damaged import bad_date_record

    root = tmp_path / "archive"
    make_archive(root, sample_pages())
    warc = root / "warc" / WARC_NAME
    with open(warc, "rb") as fh:
        records = sum(1 for _ in ArchiveIterator(fh))
    warc.write_bytes(warc.read_bytes() + bad_date_record())
    out = tmp_path / "out.wacz"
    result = run_cli("wacz", "--archive-dir", str(root), "-o", str(out))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    err = result.stderr.strip().splitlines()
    assert len(err) == 1 and "is not a date" in err[0], err
    check = _validate(out)
    assert check.returncode == 0 and "is valid" in check.stdout, check.stdout + check.stderr
    assert len(_records_in(out)) == records
