"""Helpers for WARC tests: run a crawl subprocess, read records back, check structure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

REPO = Path(__file__).resolve().parents[2]


def run_crawl(archive: Path, urls: list[str], *settings: str, timeout: float = 90) -> list[dict]:
    """Crawl ``urls`` into ``archive`` in a subprocess; return what the spider saw."""
    result = archive / "spider-result.json"
    cmd = [sys.executable, "-m", "tests.warc.crawl_helper", str(archive), str(result), *urls]
    for item in settings:
        cmd += ["-s", item]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(result.read_text())


@dataclass
class Rec:
    """One record read back: WARC headers as a dict (first value) and the raw block."""

    offset: int
    headers: dict[str, str]
    block: bytes
    all_headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def type(self) -> str:
        """WARC-Type."""
        return self.headers["WARC-Type"]

    @property
    def id(self) -> str:
        """WARC-Record-ID."""
        return self.headers["WARC-Record-ID"]


def read_warc(path: Path) -> list[Rec]:
    """Read every record of a WARC file (small test files only)."""
    records = []
    with open(path, "rb") as fh:
        iterator = ArchiveIterator(fh, no_record_parse=True)
        for record in iterator:
            offset = iterator.offset
            block = record.raw_stream.read()
            headers = list(record.rec_headers.headers)
            records.append(Rec(offset, dict(reversed(headers)), block, headers))
    return records


def warc_files(archive: Path) -> list[Path]:
    """Finished WARC files of an archive folder, oldest first."""
    return sorted((archive / "warc").glob("*.warc.gz"))


def check_structure(records: list[Rec]) -> None:
    """warcinfo first, unique IDs, every request linked to a response/revisit, revisits complete."""
    assert records and records[0].type == "warcinfo"
    ids = [r.id for r in records]
    assert len(ids) == len(set(ids)), "duplicate WARC-Record-ID"
    mains = {r.id: r for r in records if r.type in ("response", "revisit")}
    for rec in records:
        assert rec is records[0] or rec.headers["WARC-Warcinfo-ID"] == records[0].id
        if rec.type == "request":
            main = mains[rec.headers["WARC-Concurrent-To"]]
            assert main.headers["WARC-Target-URI"] == rec.headers["WARC-Target-URI"]
            assert main.headers["WARC-Date"] == rec.headers["WARC-Date"]
        if rec.type == "revisit":
            for name in ("WARC-Profile", "WARC-Refers-To-Target-URI", "WARC-Refers-To-Date",
                         "WARC-Payload-Digest"):
                assert rec.headers.get(name), f"revisit without {name}"


def warcio_check(path: Path) -> None:
    """Run ``warcio check`` on a file and assert it passes."""
    warcio = Path(sys.executable).with_name("warcio")
    proc = subprocess.run([str(warcio), "check", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
