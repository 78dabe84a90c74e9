"""`crawler duplicates` and `crawler export --dedupe` on a small store: output and bad input."""

from __future__ import annotations

import json

from crawler.cli import main
from crawler.store import PageRecord, open_store
from tests.syndication.stories import OTHER, WIRE, copy_of_wire

STORIES = [("https://wire.example/a", WIRE, "2026-03-14T09:00:00Z"),
           ("https://daily.example/c", copy_of_wire(), "2026-03-14T10:00:00Z"),
           ("https://arts.example/b", OTHER, "2026-03-14T11:00:00Z")]


def _store(path) -> str:
    with open_store(path, create=True) as store:
        for url, paragraphs, when in STORIES:
            store.add_page(PageRecord(url=url, site=url.split("/")[2], fetched_at=when,
                                      is_article=True, text="\n\n".join(paragraphs),
                                      meta={"title": "Story \x1b[31mred"}))
    return str(path)


def test_duplicates_lists_copies_and_escapes_page_text(tmp_path, capsys):
    archive = _store(tmp_path)
    assert main(["duplicates", "https://daily.example/c/", "--archive-dir", archive]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "2 URL(s) carry the story" in out
    assert out.index("https://wire.example/a") < out.index("https://daily.example/c")
    assert main(["duplicates", "--archive-dir", archive, "--rebuild"]) == 0
    assert "re-clustered 3 article version(s)" in capsys.readouterr().out


def test_history_points_to_the_copies(tmp_path, capsys):
    archive = _store(tmp_path)
    assert main(["history", "https://wire.example/a", "--archive-dir", archive]) == 0
    assert "copies: 1 other URL(s) carry this story" in capsys.readouterr().out
    assert main(["history", "https://arts.example/b", "--archive-dir", archive]) == 0
    assert "copies:" not in capsys.readouterr().out


def test_duplicates_bad_input_is_one_line_and_exit_2(tmp_path, capsys):
    archive = _store(tmp_path)
    assert main(["duplicates", "https://nowhere.example/x", "--archive-dir", archive]) == 2
    assert "is not stored as an article" in capsys.readouterr().err
    assert main(["duplicates", "--archive-dir", str(tmp_path / "none")]) == 2
    assert not (tmp_path / "none").exists()
    assert main(["duplicates", "--limit", "0", "--archive-dir", archive]) == 2


def test_export_dedupe(tmp_path, capsys):
    archive = _store(tmp_path)
    assert main(["export", "--dedupe", "--archive-dir", archive]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted(r["url"] for r in rows) == ["https://arts.example/b", "https://wire.example/a"]
    assert main(["export", "--dedupe", "--all-versions", "--archive-dir", archive]) == 2
    assert "--dedupe" in capsys.readouterr().err
