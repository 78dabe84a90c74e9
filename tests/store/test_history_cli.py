"""`crawler history` and `diff` find a URL pasted from a browser (#fragment, utm_*, case)."""

from __future__ import annotations

import pytest

from crawler.cli import main
from crawler.store import open_store
from tests.store.warcs import LOREM, page_record

URL = "http://news.test/2026/11/story"


@pytest.mark.parametrize("command", ["history", "diff"])
@pytest.mark.parametrize("given", [
    URL, URL + "/", "HTTP://News.Test/2026/11/story#comments", URL + "?utm_source=feed",
])
def test_url_as_pasted_is_found(tmp_path, capsys, command, given):
    with open_store(tmp_path, create=True) as store:
        store.add_page(page_record(URL, LOREM, "2026-11-25T10:00:00Z"))
        store.add_page(page_record(URL, LOREM + "Update: passed.", "2026-11-25T11:00:00Z"))
    assert main([command, given, "--archive-dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith(URL + "\n")


@pytest.mark.parametrize("command", ["history", "diff", "duplicates"])
def test_an_empty_url_is_not_every_url(tmp_path, capsys, command):
    # `crawler history ''` listed the versions of every stored URL as one URL's history.
    with open_store(tmp_path, create=True) as store:
        store.add_page(page_record(URL, LOREM, "2026-11-25T10:00:00Z"))
        store.add_page(page_record(URL + "-2", LOREM + " Other.", "2026-11-25T10:00:00Z"))
        assert store.versions("") == []
    assert main([command, "", "--archive-dir", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert URL not in captured.out
    assert len(captured.err.strip().splitlines()) == 1
