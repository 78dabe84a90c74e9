"""Export of the text's structure: markdown/blocks/lead columns, Markdown files, front matter."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest
import yaml

from crawler.cli import main
from crawler.export import json_schema
from crawler.extract.blocks import Block, blocks_from_json, blocks_to_json, plain_text
from crawler.store import open_store
from tests.store.warcs import page_record

IMAGE = "https://img.example/lead.jpg"
HOSTILE_TITLE = "../../etc/passwd\n---\ntitle: pwned: \"x\" #"
HOSTILE_URL = "http://evil.test/..%2F..%2Fescape/../../x?y=<b>"


def blocks_for(n: int) -> tuple[Block, ...]:
    return (
        Block("paragraph", text=f"Standfirst number {n}.", lead=True),
        Block("heading", text="Background", level=2),
        Block("paragraph", text=f"Body of story {n} with a [link].",
              links=(("link", "https://other.example/"),)),
        Block("list", ordered=True, items=((Block("paragraph", text="first"),),
                                           (Block("paragraph", text="second"),))),
        Block("table", header_rows=1, rows=(("Year", "Seats"), ("2026", str(n)))),
        Block("figure", src=IMAGE, caption="A photo", credit="Ann Writer"),
    )


def add(store, url: str, n: int, when: str, site: str = "example", title: str | None = None):
    blocks = blocks_for(n)
    rec = page_record(url, plain_text(blocks), when, site=site, title=title or f"Story {n}",
                      warc={"filename": "a.warc.gz", "offset": 100 * n, "length": 50,
                            "record_id": f"<urn:uuid:{n}>", "payload_digest": "sha1:X"})
    meta = {**rec.meta, "lead": blocks[0].text, "lead_image": IMAGE, "language": "en"}
    return store.add_page(replace(rec, blocks=blocks_to_json(blocks), meta=meta))


@pytest.fixture
def archive(tmp_path) -> Path:
    root = tmp_path / "archive"
    with open_store(root, create=True) as store:
        add(store, "http://news.test/a", 1, "2026-11-20T09:00:00Z")
        add(store, "http://news.test/b", 2, "2026-11-21T09:00:00Z")
        add(store, "http://news.test/a", 3, "2026-11-22T09:00:00Z")  # version 2 of /a
        add(store, HOSTILE_URL, 4, "2026-11-22T10:00:00Z", site="../..", title=HOSTILE_TITLE)
    return root


def stored(archive: Path) -> list:
    with open_store(archive) as store:
        return list(store.iter_articles(all_versions=True))


def test_jsonl_has_markdown_blocks_lead_and_lead_image(archive, tmp_path):
    out = tmp_path / "a.jsonl"
    assert main(["export", "--archive-dir", str(archive), "--all-versions", "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    articles = stored(archive)
    assert len(rows) == len(articles) == 4
    for row, article in zip(rows, articles, strict=True):
        jsonschema.validate(row, json_schema())
        assert blocks_from_json(json.dumps(row["blocks"])) == article.blocks != ()
        assert row["markdown"] == article.markdown
        assert (row["lead"], row["lead_image"]) == (article.lead, IMAGE)
        assert list(row)[-4:] == ["markdown", "blocks", "lead", "lead_image"]
    assert rows[0]["markdown"] == (
        "## Background\n\nBody of story 1 with a \\[link\\].\n\n"
        "1. first\n2. second\n\n| Year | Seats |\n|---|---|\n| 2026 | 1 |\n")


def test_a_block_that_breaks_the_schema_is_caught():
    row_schema = json_schema()
    bad = {"type": "heading", "text": "x", "level": 9}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, {**row_schema["$defs"]["block"], "$defs": row_schema["$defs"]})


def test_parquet_and_csv_carry_the_same_columns(archive, tmp_path):
    pq_out, csv_out = tmp_path / "a.parquet", tmp_path / "a.csv"
    for out in (pq_out, csv_out):
        assert main(["export", "--archive-dir", str(archive), "--all-versions",
                     "-o", str(out)]) == 0
    table = pq.read_table(pq_out)
    assert str(table.schema.field("markdown").type) == "string"
    assert str(table.schema.field("blocks").type) == "string"
    with open(csv_out, newline="", encoding="utf-8") as handle:
        csv_rows = list(csv.DictReader(handle))
    for row, csv_row, article in zip(table.to_pylist(), csv_rows, stored(archive), strict=True):
        assert blocks_from_json(row["blocks"]) == blocks_from_json(csv_row["blocks"])
        assert blocks_from_json(row["blocks"]) == article.blocks
        assert row["markdown"] == csv_row["markdown"] == article.markdown
        assert row["lead"] == csv_row["lead"] == article.lead


def _split(document: str) -> tuple[dict, str]:
    assert document.startswith("---\n")
    head, _, body = document[4:].partition("\n---\n")
    return yaml.safe_load(head), body


def test_markdown_files_with_front_matter_and_safe_names(archive, tmp_path):
    folder = tmp_path / "md"
    assert main(["export", "--archive-dir", str(archive), "-f", "markdown", "--all-versions",
                 "-o", str(folder)]) == 0
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file() and p.parent != archive)
    assert len(files) == 4 and all(folder in p.parents for p in files)
    assert not (tmp_path / "escape").exists() and not list(tmp_path.glob("*.md"))
    by_url: dict = {}
    for path in files:
        assert path.suffix == ".md" and path.parent.parent == folder
        assert all(c.isalnum() or c in "-." for c in path.name) and path.name.islower()
        meta, body = _split(path.read_text(encoding="utf-8"))
        by_url[(meta["url"], meta["version"])] = (meta, body, path)
    for article in stored(archive):
        meta, body, path = by_url[(article.url, article.version)]
        assert body == "\n" + article.to_markdown(lead=True)  # the standfirst opens it
        assert body.startswith("\nStandfirst number ") and meta["lead"] == article.lead
        assert meta["title"] == article.title and meta["authors"] == ["Ann Writer"]
        assert (meta["site"], meta["language"], meta["published"]) == (
            article.site, "en", "2026-11-20T08:00:00Z")
        assert (meta["warc_filename"], meta["warc_offset"], meta["warc_record_id"]) == (
            "a.warc.gz", article.warc_offset, article.warc_record_id)
        assert path.name.endswith(f"-v{article.version}.md")
    hostile, _, path = by_url[(HOSTILE_URL, 1)]
    assert hostile["title"] == HOSTILE_TITLE and path.parent.name == "site"
    assert path.name.startswith("etc-passwd-title-pwned-x-")


def test_markdown_figures_and_links_on_request(archive, tmp_path):
    assert main(["export", "--archive-dir", str(archive), "-f", "markdown", "--figures",
                 "--links", "-o", str(tmp_path / "md")]) == 0
    assert main(["export", "--archive-dir", str(archive), "--figures", "--links",
                 "-o", str(tmp_path / "a.jsonl")]) == 0
    (first,) = (tmp_path / "md" / "example").glob("story-2-*.md")
    _, body = _split(first.read_text(encoding="utf-8"))
    assert f"![](<{IMAGE}>)\nA photo (Ann Writer)" in body
    assert "[link](<https://other.example/>)" in body
    rows = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert "[link](<https://other.example/>)" in rows[0]["markdown"]


def test_markdown_export_again_rewrites_the_same_files(archive, tmp_path):
    folder = tmp_path / "md"
    for _ in range(2):
        assert main(["export", "--archive-dir", str(archive), "-f", "markdown",
                     "-o", str(folder)]) == 0
    assert len([p for p in folder.rglob("*") if p.is_file()]) == 3
    assert not list(folder.rglob("*.partial"))


@pytest.mark.parametrize(("args", "message"), [
    (["-f", "markdown"], "give a folder with -o DIR"),
    (["-f", "markdown", "-o", "{tmp}/missing/md"], "does not exist"),
    (["-f", "markdown", "-o", "{tmp}/file.txt"], "is a file"),
])
def test_bad_markdown_output_is_one_line(archive, tmp_path, capsys, args, message):
    (tmp_path / "file.txt").write_text("x")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert main(["export", "--archive-dir", str(archive), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
