"""`crawler replay FILE.wacz`: a WACZ replays in a real browser, on its own origin, and its
scratch copy is gone afterwards; a file that is no WACZ is a one-line error."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import pytest

from tests.replay.replayhelp import free_ports, replay_of, run_cli, running_replay

pytestmark = pytest.mark.slow


def _scratch_folders() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("crawler-replay-wacz-*")}


@pytest.mark.browser
def test_a_wacz_replays_in_chromium(sample_archive, tmp_path, chromium):
    root, pages = sample_archive
    wacz = tmp_path / "news.wacz"
    made = run_cli("wacz", "--archive-dir", str(root), "-o", str(wacz))
    assert made.returncode == 0, made.stderr
    before = _scratch_folders()
    with running_replay(wacz, free_ports()) as base:
        during = _scratch_folders() - before
        origin = replay_of(base)
        shown = {}
        for page in pages:
            chromium.goto(f"{origin}/archive/{page.url}")
            shown[page.url] = (chromium.js("document.title"), chromium.text("body"))
        chromium.goto(base + "/")
        listing = chromium.text("body")
    for page in pages:
        title, text = shown[page.url]
        assert title == page.title and page.paragraph in text, (page.url, title)
    assert pages[0].title in listing or pages[0].url in listing
    assert len(during) == 1 and not (_scratch_folders() - before)  # removed when it stopped


@pytest.mark.parametrize(("content", "error"), [
    (b"not a zip at all", "is not a readable WACZ"),
    (None, "holds no WARC files under archive/"),
])
def test_a_file_that_is_no_wacz_is_one_line_error(tmp_path, content, error):
    wacz = tmp_path / "bad.wacz"
    if content is None:
        with zipfile.ZipFile(wacz, "w") as package:
            package.writestr("pages/pages.jsonl", '{"format": "json-pages-1.0"}\n')
    else:
        wacz.write_bytes(content)
    result = run_cli("replay", str(wacz), "--port", str(free_ports()))
    assert result.returncode == 2
    assert error in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_zip_bomb_entry_is_refused(tmp_path):
    wacz = tmp_path / "bomb.wacz"
    with zipfile.ZipFile(wacz, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("archive/big.warc.gz", b"\0" * (64 * 1024 * 1024))
    result = run_cli("replay", str(wacz), "--port", str(free_ports()))
    assert result.returncode == 2 and "zip bomb" in result.stderr, result.stderr
