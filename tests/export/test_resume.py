"""Resumable exports (`--state`): each new version once, safe with a crawl writing, atomic."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from crawler.cli import main
from crawler.store import open_store
from tests.store.warcs import LOREM, page_record, unique_text


def add(store, url: str, text: str, when: str) -> None:
    store.add_page(page_record(url, text, when))


def export(archive: Path, state: Path, out: Path, *extra: str) -> list[dict]:
    assert main(["export", "--archive-dir", str(archive), "--state", str(state),
                 "-o", str(out), *extra]) == 0
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def keys(rows: list[dict]) -> list[tuple[str, int]]:
    return [(row["url"], row["version"]) for row in rows]


def test_two_exports_with_new_versions_between_export_each_once(tmp_path):
    archive, state = tmp_path / "archive", tmp_path / "export.state"
    with open_store(archive, create=True) as store:
        add(store, "http://n.test/a", LOREM, "2026-11-20T10:00:00Z")
        add(store, "http://n.test/b", LOREM + "b", "2026-11-20T10:01:00Z")
        add(store, "http://n.test/", "", "2026-11-20T10:02:00Z")  # text-less page: no article
    first = export(archive, state, tmp_path / "1.jsonl")
    assert keys(first) == [("http://n.test/a", 1), ("http://n.test/b", 1)]
    assert json.loads(state.read_text())["last_page_id"] == 3
    with open_store(archive, create=True) as store:
        add(store, "http://n.test/a", LOREM, "2026-11-21T10:00:00Z")  # unchanged: no version
        add(store, "http://n.test/c", LOREM + "c", "2026-11-21T10:01:00Z")
        add(store, "http://n.test/a", LOREM + " Corrected.", "2026-11-21T10:02:00Z")
    second = export(archive, state, tmp_path / "2.jsonl")
    assert keys(second) == [("http://n.test/c", 1), ("http://n.test/a", 2)]  # store order
    assert second[1]["text"].endswith("Corrected.")
    assert export(archive, state, tmp_path / "3.jsonl") == []
    with open_store(archive) as store:
        every = [(a.url, a.version) for a in store.iter_articles(all_versions=True)]
    assert sorted(keys(first + second)) == sorted(every)


def test_state_follows_site_and_since_filters(tmp_path):
    archive, state = tmp_path / "archive", tmp_path / "s"
    with open_store(archive, create=True) as store:
        add(store, "http://n.test/a", LOREM, "2026-11-20T10:00:00Z")
        store.add_page(page_record("http://o.test/x", LOREM + "o", "2026-11-20T10:00:00Z",
                                   site="other"))
    assert keys(export(archive, state, tmp_path / "1.jsonl", "--site", "other")) == [
        ("http://o.test/x", 1)]
    assert main(["export", "--archive-dir", str(archive), "--state", str(state),
                 "-o", str(tmp_path / "2.jsonl")]) == 2


def _big_archive(root: Path, n: int = 60) -> None:
    with open_store(root, create=True) as store:
        for i in range(n):
            text = unique_text(i, sentences=40)
            add(store, f"http://n.test/{i}", text, f"2026-11-20T10:{i:02}:00Z")


def test_an_export_killed_midway_leaves_the_state_where_it_was(tmp_path):
    archive, state = tmp_path / "archive", tmp_path / "export.state"
    _big_archive(archive)
    export(archive, state, tmp_path / "first.jsonl")
    before = state.read_bytes()
    with open_store(archive, create=True) as store:
        for i in range(60, 120):
            add(store, f"http://n.test/{i}", unique_text(i, sentences=40), "2026-11-21T10:00:00Z")
    # stdout is a pipe nobody reads: the export blocks mid-way once the pipe is full.
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "export", "--archive-dir", str(archive),
         "--state", str(state)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first = proc.stdout.read(4096)  # it has started writing the new versions
        assert b"http://n.test/60" in first
        time.sleep(0.3)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert state.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".export.state")]
    rows = export(archive, state, tmp_path / "again.jsonl")
    assert keys(rows) == [(f"http://n.test/{i}", 1) for i in range(60, 120)]


def test_a_reader_that_stops_early_does_not_advance_the_state(tmp_path):
    archive, state = tmp_path / "archive", tmp_path / "export.state"
    _big_archive(archive)
    cmd = (f"{sys.executable} -m crawler.cli export --archive-dir {archive} --state {state}"
           " | head -c 100 >/dev/null")
    done = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 1, done.stderr
    assert "not advanced" in done.stderr and done.stderr.count("\n") == 1
    assert not state.exists()


def test_exports_while_a_crawl_writes_see_every_version_exactly_once(tmp_path):
    archive, state = tmp_path / "archive", tmp_path / "export.state"
    with open_store(archive, create=True):
        pass
    total, done = 300, threading.Event()
    errors: list[BaseException] = []

    def crawl() -> None:
        # The store's own writer on another connection, committing as a crawl does.
        try:
            with open_store(archive, create=True) as store:
                store.commit_every = 7
                for i in range(total):
                    url = f"http://n.test/{i % 120}"  # revisits: new versions of earlier URLs
                    add(store, url, unique_text(i), f"2026-11-20T10:00:00.{i:06}Z")
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            done.set()

    writer = threading.Thread(target=crawl)
    writer.start()
    exported: list[dict] = []
    runs = 0
    while not done.is_set() or runs == 0:
        exported += export(archive, state, tmp_path / f"{runs}.jsonl")
        runs += 1
    writer.join()
    exported += export(archive, state, tmp_path / "last.jsonl")
    assert errors == []
    with open_store(archive) as store:
        every = [(a.url, a.version) for a in store.iter_articles(all_versions=True)]
    assert len(every) == total
    assert len(keys(exported)) == len(set(keys(exported)))  # nothing twice
    assert sorted(keys(exported)) == sorted(every)           # nothing missed
    assert runs >= 2


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "is not JSON"),
    ('{"a": 1}', "is not an export state file"),
    ('{"kind": "newsarchiver-export-state", "version": 9}', "format version 9"),
    ('{"kind": "newsarchiver-export-state", "version": 1, "last_page_id": "x", "store_id": ""}',
     "is damaged"),
    ('{"kind": "newsarchiver-export-state", "version": 1, "last_page_id": 1, "store_id": "z"}',
     "belongs to another article store"),
])
def test_a_bad_state_file_is_one_line_and_exit_2(tmp_path, capsys, content, message):
    archive, state = tmp_path / "archive", tmp_path / "export.state"
    _big_archive(archive, 1)
    state.write_text(content)
    out = tmp_path / "out.jsonl"
    assert main(["export", "--archive-dir", str(archive), "--state", str(state),
                 "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert state.read_text() == content and not out.exists()


def test_state_options_that_contradict_are_refused(tmp_path, capsys):
    archive = tmp_path / "archive"
    _big_archive(archive, 1)
    base = ["export", "--archive-dir", str(archive)]
    assert main([*base, "--state", str(tmp_path / "s"), "--dedupe"]) == 2
    assert main([*base, "--state", str(tmp_path)]) == 2
    assert main([*base, "--state", str(tmp_path / "no" / "s")]) == 2
    assert capsys.readouterr().err.count("\n") == 3


def test_a_state_ahead_of_the_store_is_refused(tmp_path, capsys):
    archive, state = tmp_path / "archive", tmp_path / "s"
    _big_archive(archive, 2)
    export(archive, state, tmp_path / "1.jsonl")
    data = json.loads(state.read_text())
    state.write_text(json.dumps({**data, "last_page_id": 99}))
    assert main(["export", "--archive-dir", str(archive), "--state", str(state)]) == 2
    assert "ahead of this store" in capsys.readouterr().err
    assert os.path.getsize(state) > 0


def test_state_with_markdown_files_writes_only_the_new_versions(tmp_path):
    archive, state, folder = tmp_path / "archive", tmp_path / "s", tmp_path / "md"
    with open_store(archive, create=True) as store:
        add(store, "http://n.test/a", LOREM, "2026-11-20T10:00:00Z")
    base = ["export", "--archive-dir", str(archive), "--state", str(state), "-f", "markdown"]
    folder.mkdir()
    assert main([*base, "-o", str(folder / "1")]) == 0
    with open_store(archive, create=True) as store:
        add(store, "http://n.test/a", LOREM + " Corrected.", "2026-11-21T10:00:00Z")
    assert main([*base, "-o", str(folder / "2")]) == 0
    assert [p.name[-6:] for p in (folder / "1").rglob("*.md")] == ["-v1.md"]
    assert [p.name[-6:] for p in (folder / "2").rglob("*.md")] == ["-v2.md"]
