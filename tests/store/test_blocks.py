"""The store keeps each text version's blocks, lead and lead image; older stores are upgraded."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from crawler.extract.blocks import Block, blocks_to_json, plain_text
from crawler.store import PageRecord, open_store
from crawler.store.schema import SCHEMA_VERSION
from tests.store.warcs import LOREM, page_record, write_warc

URL = "http://news.test/2026/11/budget"
IMAGE = "http://news.test/img/hall.jpg"


def structured(words: str, heading: str = "What changes") -> tuple[Block, ...]:
    """A lead, a heading, a paragraph, a list and a table, with ``words`` in the paragraph."""
    return (
        Block("paragraph", text="The council agreed a budget.", lead=True),
        Block("heading", text=heading, level=2),
        Block("paragraph", text=f"Members argued for hours. {words}"),
        Block("list", items=((Block("paragraph", text="schools"),),
                             (Block("paragraph", text="roads"),))),
        Block("table", header_rows=1, rows=(("Ward", "Seats"), ("North", "4"))),
        Block("figure", src=IMAGE, caption="The hall", credit="Ann Writer"),
    )


def record(blocks: tuple[Block, ...], fetched_at: str, warc: dict | None = None,
           lead_image: str | None = IMAGE) -> PageRecord:
    """An article capture whose text is the blocks' plain text."""
    base = page_record(URL, plain_text(blocks), fetched_at, warc=warc)
    meta = {**base.meta, "lead": blocks[0].text if blocks and blocks[0].lead else None,
            "lead_image": lead_image}
    return replace(base, blocks=blocks_to_json(blocks), meta=meta)


def test_each_version_keeps_its_own_blocks_lead_and_image(tmp_path):
    one, two = structured("First draft."), structured("Second draft.", heading="WHAT CHANGED")
    # Same words as version 2, another structure: not a new version (the diff is of words).
    same_words = tuple(replace(b, kind="paragraph", level=0) if b.kind == "heading" else b
                       for b in two)
    with open_store(tmp_path, create=True) as store:
        store.add_page(record(one, "2026-11-25T10:00:00Z"))
        store.add_page(record(two, "2026-11-25T11:00:00Z", lead_image=None))
        third = store.add_page(record(same_words, "2026-11-25T12:00:00Z"))
        versions = store.versions(URL)
        blocks_rows = store.conn.execute("SELECT count(*) FROM blocks").fetchone()[0]
    assert (third.outcome, third.version) == ("unchanged", 2)
    assert [v.blocks for v in versions] == [one, two]
    assert [(v.lead, v.lead_image) for v in versions] == [
        ("The council agreed a budget.", IMAGE), ("The council agreed a budget.", None)]
    assert blocks_rows == 3  # one row per distinct structure, shared by equal captures
    # The standfirst is the lead, not part of the text or its Markdown unless asked for.
    assert versions[1].markdown.startswith("## WHAT CHANGED\n\nMembers argued")
    assert versions[1].to_markdown(lead=True).startswith(
        "The council agreed a budget.\n\n## WHAT CHANGED\n")
    assert "| Ward | Seats |" in versions[1].markdown and "- schools" in versions[1].markdown
    assert IMAGE not in versions[1].markdown
    assert f"![](<{IMAGE}>)" in versions[1].to_markdown(figures=True)
    row = versions[0].to_dict()
    assert row["blocks"][1] == {"type": "heading", "text": "What changes", "level": 2}
    assert row["markdown"] == versions[0].markdown and row["lead_image"] == IMAGE


def test_equal_structures_are_stored_once(tmp_path):
    blocks = structured("Same.")
    with open_store(tmp_path, create=True) as store:
        for hour in range(3):
            other = replace(record(blocks, f"2026-11-25T1{hour}:00:00Z"),
                            url=f"http://news.test/copy-{hour}")
            store.add_page(other)
        assert store.conn.execute("SELECT count(*) FROM blocks").fetchone()[0] == 1
        assert {a.blocks for a in store.iter_articles()} == {blocks}


def test_reextraction_fills_blocks_and_rewrites_them_only_when_they_change(tmp_path):
    warc = {"filename": "a.warc.gz", "offset": 10, "length": 99, "record_id": "<urn:uuid:1>"}
    blocks = structured("Words.")
    # The same capture and metadata without blocks: only the blocks make it differ.
    flat = replace(record(blocks, "2026-11-25T10:00:00Z", warc), blocks="")
    with open_store(tmp_path, create=True) as store:
        store.add_page(flat)
        assert store.versions(URL)[0].blocks == ()
        filled = store.add_page(record(blocks, "2026-11-25T10:00:00Z", warc))
        again = store.add_page(record(blocks, "2026-11-25T10:00:00Z", warc))
        (version,) = store.versions(URL)
        pruned = store.prune_texts()
        assert store.conn.execute("SELECT count(*) FROM blocks").fetchone()[0] == 1
    assert (filled.outcome, again.outcome) == ("updated", "same")
    assert (version.blocks, version.lead, version.lead_image) == (
        blocks, "The council agreed a budget.", IMAGE)
    assert pruned == 0


def _downgrade_to_schema_3(db) -> None:
    """Make the store look as the crawler before blocks wrote it (schema 3)."""
    conn = sqlite3.connect(db)
    conn.executescript(
        "DROP INDEX articles_page; DROP TABLE blocks; ALTER TABLE pages DROP COLUMN blocks_id;"
        " DELETE FROM store_meta WHERE key = 'store_id'; PRAGMA user_version=3;"
    )
    conn.commit()
    conn.close()


def test_a_schema_3_store_is_upgraded_and_its_articles_read_without_blocks(tmp_path):
    with open_store(tmp_path, create=True) as store:
        store.add_page(page_record(URL, "First paragraph.\n\nSecond # paragraph.",
                                   "2026-11-25T10:00:00Z"))
    _downgrade_to_schema_3(tmp_path / "articles.sqlite")
    with open_store(tmp_path) as store:
        (article,) = store.iter_articles()
        columns = {r[1] for r in store.conn.execute("PRAGMA table_info(pages)")}
        store_id, top = store.export_mark()
    conn = sqlite3.connect(tmp_path / "articles.sqlite")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
    assert "blocks_id" in columns and store_id and top == 1
    assert (article.blocks, article.lead, article.lead_image) == ((), None, None)
    # Markdown is still there: the paragraphs of the text, escaped.
    assert article.markdown == "First paragraph.\n\nSecond # paragraph.\n"


STRUCTURED_HTML = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Budget</title>"
    "<meta property='og:type' content='article'>"
    "<meta property='og:image' content='http://news.test/img/hall.jpg'>"
    "<meta property='article:published_time' content='2026-11-20T08:00:00Z'></head><body>"
    "<article><h1>Budget agreed after a long night</h1>"
    + "".join(f"<p>{sentence}.</p>" for sentence in LOREM.split(". ") if sentence.strip())
    + "<h2>What changes for schools</h2>"
    "<p>Schools get more money for books and buildings than in any year before.</p>"
    "<ul><li>New roofs for four primary schools.</li><li>Two more buses for rural pupils.</li>"
    "</ul><p>The mayor said the plan was fair to every ward of the city and its villages.</p>"
    "</article></body></html>"
).encode()


def test_crawler_extract_fills_the_blocks_of_an_older_archive(tmp_path):
    from crawler.extract import extract
    from crawler.reextract import reextract

    if not extract(STRUCTURED_HTML, "http://news.test/budget").blocks:
        pytest.skip("extract() does not fill blocks yet")
    (tmp_path / "warc").mkdir()
    write_warc(tmp_path / "warc" / "a.warc.gz",
               [("http://news.test/budget", STRUCTURED_HTML, "2026-11-20T09:00:00Z")])
    assert reextract([tmp_path / "warc"], tmp_path, jobs=1, learn=False).errors == []
    db = tmp_path / "articles.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("UPDATE pages SET blocks_id = NULL, meta = json_remove(meta, '$.lead', "
                 "'$.lead_image')")
    conn.commit()
    conn.close()
    _downgrade_to_schema_3(db)  # as a crawler before blocks left it
    with open_store(tmp_path) as store:
        assert next(store.iter_articles()).blocks == ()
    report = reextract([tmp_path / "warc"], tmp_path, jobs=1, learn=False)
    assert report.outcomes["updated"] == 1, report
    with open_store(tmp_path) as store:
        (article,) = store.iter_articles()
    assert [b.kind for b in article.blocks if b.kind in ("heading", "list")] == [
        "heading", "list"]
    assert "## What changes for schools" in article.markdown
    assert "- New roofs for four primary schools." in article.markdown
    assert article.lead_image == IMAGE
