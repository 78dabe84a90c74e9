"""`crawler wacz`: a WACZ that `wacz validate` accepts, with WARCs, index and titled pages."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tracemalloc
import zipfile
from io import BytesIO
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from crawler.replay.layout import ArchiveLayout
from crawler.replay.wacz import WaczBuilder
from tests.replay.conftest import WARC_NAME, make_archive
from tests.replay.replayhelp import run_cli
from tests.replay.warcs import sample_pages

WACZ_BIN = Path(sys.executable).with_name("wacz")


def _validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(WACZ_BIN), "validate", "-f", str(path)],
                          capture_output=True, text=True, timeout=120)


def test_wacz_validates_and_holds_everything(sample_archive, tmp_path):
    root, pages = sample_archive
    out = tmp_path / "news.wacz"
    result = run_cli("wacz", "--archive-dir", str(root), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert f"wrote {out}" in result.stdout and "4 page(s)" in result.stdout
    check = _validate(out)
    assert check.returncode == 0 and "is valid" in check.stdout, check.stdout + check.stderr
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert {f"archive/{WARC_NAME}", "indexes/index.cdx.gz", "indexes/index.idx",
                "pages/pages.jsonl", "datapackage.json"} <= set(names)
        warc_info = zf.getinfo(f"archive/{WARC_NAME}")
        assert warc_info.compress_type == zipfile.ZIP_STORED  # readers seek into it
        assert zf.read(f"archive/{WARC_NAME}") == (root / "warc" / WARC_NAME).read_bytes()
        lines = [json.loads(x) for x in zf.read("pages/pages.jsonl").decode().splitlines()]
        index = gzip.decompress(zf.read("indexes/index.cdx.gz")).decode()
    assert lines[0]["format"] == "json-pages-1.0"
    titles = {line["url"]: line["title"] for line in lines[1:]}
    assert titles == {page.url: page.title for page in pages}
    assert all(line["ts"] == "2026-01-02T03:04:05Z" for line in lines[1:])
    for page in pages:
        assert page.url in index
    assert index.count('"mime": "warc/revisit"') == 3


def test_wacz_leaves_out_open_warcs_and_lists_pages_without_store(tmp_path):
    root = tmp_path / "a"
    make_archive(root, sample_pages()[:2], store=False)
    (root / "warc" / "x-20260101000000-00001-h-1.warc.gz.open").write_bytes(b"partial")
    out = tmp_path / "a.wacz"
    result = run_cli("wacz", "--archive-dir", str(root), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "left out 1 WARC file(s) still being written" in result.stdout
    assert _validate(out).returncode == 0
    with zipfile.ZipFile(out) as zf:
        assert not any(n.endswith(".open") for n in zf.namelist())
        lines = zf.read("pages/pages.jsonl").decode().splitlines()
    assert len(lines) == 3  # header + the two HTML captures found through the index


def test_wacz_packaging_streams(tmp_path):
    """Packaging a 24 MB WARC allocates a small fraction of it (copying, hashing, indexing)."""
    root = tmp_path / "big"
    make_archive(root, sample_pages(), store=False)
    with open(root / "warc" / "big-20260101000000-00001-h-1.warc.gz", "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for n in range(6):
            payload = os.urandom(4 * 1024 * 1024)  # incompressible
            writer.write_record(writer.create_warc_record(
                f"http://news.example/blob{n}.bin", "resource", payload=BytesIO(payload),
                length=len(payload), warc_content_type="application/octet-stream"))
    tracemalloc.start()
    try:
        WaczBuilder(ArchiveLayout(root)).build(tmp_path / "big.wacz")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (tmp_path / "big.wacz").stat().st_size > 24 * 1024 * 1024
    assert peak < 8 * 1024 * 1024, f"peak Python allocation {peak / 1e6:.1f} MB"


def test_every_page_is_found_through_the_wacz_index(sample_archive, tmp_path):
    """What ReplayWeb.page does: page -> index.idx block -> CDXJ line -> WARC record in the zip."""
    root, _ = sample_archive
    out = tmp_path / "lookup.wacz"
    WaczBuilder(ArchiveLayout(root)).build(out)
    with zipfile.ZipFile(out) as zf:
        idx = zf.read("indexes/index.idx").decode().splitlines()
        blocks = zf.read("indexes/index.cdx.gz")
        pages = [json.loads(x) for x in zf.read("pages/pages.jsonl").decode().splitlines()[1:]]
        assert idx[0].startswith("!meta 0 ") and "index.cdx.gz" in idx[0]
        lines = []
        for entry in idx[1:]:
            block = json.loads(entry.split(" ", 2)[2])
            chunk = blocks[block["offset"]: block["offset"] + block["length"]]
            lines += gzip.decompress(chunk).decode().splitlines()
        for page in pages:
            line = next(x for x in lines if f'"url": "{page["url"]}"' in x
                        and '"mime": "text/html"' in x)
            cdx = json.loads(line.split(" ", 2)[2])
            warc = zf.read(f"archive/{cdx['filename']}")
            record_bytes = warc[int(cdx["offset"]): int(cdx["offset"]) + int(cdx["length"])]
            record = next(ArchiveIterator(BytesIO(record_bytes)))
            assert record.rec_headers.get_header("WARC-Target-URI") == page["url"]
            assert record.rec_type == "response"
