"""Site profile snapshots handed to pool workers by file (crawler.analysis.page.load_profile)."""

from __future__ import annotations

import pickle
from pathlib import Path

from crawler.analysis import page
from crawler.extract import SiteProfile


def _snapshot(folder: Path, version: int, boilerplate: set[str]) -> page.ProfileRef:
    path = folder / f"0123abcd-{version}.pickle"
    profile = SiteProfile(site="news.example", boilerplate=frozenset(boilerplate),
                          pages_seen=version)
    path.write_bytes(pickle.dumps(profile))
    return page.ProfileRef("news.example", version, str(path))


def test_a_snapshot_deleted_meanwhile_is_replaced_by_the_newest(tmp_path, monkeypatch):
    # Pages wait in the pool's queue while the spider writes newer snapshots and deletes old
    # ones: the page gets the newest profile, not the empty one its worker cached first.
    monkeypatch.setattr(page, "_PROFILES", {})
    first = _snapshot(tmp_path, 1, set())
    assert page.load_profile(first).boilerplate == frozenset()
    gone = _snapshot(tmp_path, 8, {"p:old"})
    Path(gone.path).unlink()
    _snapshot(tmp_path, 21, {"p:teasers"})
    _snapshot(tmp_path, 16, {"p:older"})
    (tmp_path / "0123abcd-99.tmp").write_bytes(b"half written")
    assert page.load_profile(gone).boilerplate == frozenset({"p:teasers"})
    assert page.load_profile(first).boilerplate == frozenset({"p:teasers"})  # cached, newer


def test_no_snapshot_left_gives_the_cached_one(tmp_path, monkeypatch):
    monkeypatch.setattr(page, "_PROFILES", {})
    first = _snapshot(tmp_path, 1, {"p:nav"})
    assert page.load_profile(first) is not None
    later = page.ProfileRef("news.example", 5, str(tmp_path / "gone" / "0123abcd-5.pickle"))
    assert page.load_profile(later).boilerplate == frozenset({"p:nav"})
    assert page.load_profile(page.ProfileRef("other.example", 1, str(tmp_path / "x-1.pickle"))
                             ) is None
