"""Re-extraction: wget's WARCs (chunked, gzip or not), idempotence, bad records, the command."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.cli import main
from crawler.reextract import reextract
from crawler.store import open_store, read_warc_record
from tests.reextract.site import TOPICS, serve_site
from tests.store.warcs import LOREM, article_html, unique_text, write_warc

WGET = shutil.which("wget")


def wget_warc(base: str, dest: Path, compress: bool = True) -> Path:
    """Mirror the local site with `wget --warc-file`; return the WARC written."""
    dest.mkdir(parents=True, exist_ok=True)
    args = [WGET, "-q", "-r", "-l", "1", "-e", "robots=off", "--delete-after", "-P", str(dest),
            "--tries=1", "--timeout=10", f"--warc-file={dest / 'site'}"]
    if not compress:
        args.append("--no-warc-compression")
    subprocess.run([*args, base + "/"], check=False, timeout=60, capture_output=True)
    warc = dest / ("site.warc.gz" if compress else "site.warc")
    assert warc.exists(), "wget wrote no WARC"
    return warc


def dump(archive: Path) -> list[tuple]:
    """Every row of the store's tables, for comparing two runs."""
    conn = sqlite3.connect(archive / "articles.sqlite")
    try:
        return [row for table in ("pages", "articles", "texts")
                for row in conn.execute(f"SELECT * FROM {table} ORDER BY id")]
    finally:
        conn.close()


@pytest.mark.skipif(WGET is None, reason="wget is not installed (.ci/run installs it)")
@pytest.mark.parametrize("compress", [True, False])
def test_wget_warc_reextracts_and_twice_changes_nothing(tmp_path, port, compress):
    with serve_site(port) as base:
        warc = wget_warc(base, tmp_path / "wget", compress)
    archive = tmp_path / "archive"
    first = reextract([warc], archive, jobs=1)
    assert first.errors == []
    rows = dump(archive)
    second = reextract([warc.parent], archive, jobs=2)
    assert dump(archive) == rows
    assert second.outcomes["new_version"] == 0 and second.outcomes["updated"] == 0
    with open_store(archive) as store:
        articles = {a.url.rsplit("/", 1)[-1]: a for a in store.iter_articles()}
        pages = list(store.iter_pages())
    assert sorted(articles) == sorted(f"{t}-story.html" for t in TOPICS)
    assert any(p.url == base + "/" and not p.is_article for p in pages)
    railway = articles["railway-story.html"]  # served chunked: the text must be whole
    assert railway.text.startswith("News about the railway today.")
    assert unique_text(TOPICS.index("railway"), 12)[-40:] in railway.text
    assert "Copyright" not in railway.text
    for article in articles.values():
        record = read_warc_record(article, archive)
        assert record.record_id == article.warc_record_id
        assert record.target_uri == article.url
        assert record.payload_digest == article.payload_digest


def test_bad_records_are_reported_and_the_rest_extracted(tmp_path, capsys):
    pages = [(f"http://news.test/story-{i}", article_html(f"Story {i}", unique_text(i)),
              "2026-11-25T10:00:00Z") for i in range(4)]
    good = tmp_path / "in" / "good.warc.gz"
    good.parent.mkdir()
    locs = write_warc(good, pages)
    data = bytearray(good.read_bytes())
    corrupt = tmp_path / "in" / "corrupt.warc.gz"
    middle = locs[1]["offset"] + 20
    data[middle:middle + 40] = b"\0" * 40
    corrupt.write_bytes(bytes(data))
    truncated = tmp_path / "in" / "truncated.warc"
    plain = write_warc(tmp_path / "plain.warc", pages, gzip=False)
    truncated.write_bytes((tmp_path / "plain.warc").read_bytes()[:plain[3]["offset"] + 200])
    (tmp_path / "in" / "not-a-warc.warc").write_bytes(b"hello, this is not a WARC\n" * 10)

    code = main(["extract", str(corrupt), str(truncated), str(tmp_path / "in" / "not-a-warc.warc"),
                 "--archive-dir", str(tmp_path / "a"), "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 1
    assert "corrupt.warc.gz: bad record at offset" in err
    assert "truncated.warc: bad record at offset" in err and "truncated" in err
    assert "not-a-warc.warc: it is not a WARC or ARC file" in err
    assert "Traceback" not in err
    with open_store(tmp_path / "a") as store:
        urls = sorted(a.url for a in store.iter_articles())
    # corrupt.warc.gz loses story-1 only; truncated.warc loses story-3 only.
    assert urls == [f"http://news.test/story-{i}" for i in range(4)]
    with open_store(tmp_path / "a") as store:
        files = {Path(a.warc_filename).name for a in store.iter_articles()}
        counts = store.counts()
    assert files == {"corrupt.warc.gz", "truncated.warc"} and counts["pages"] == 6


def test_new_capture_with_changed_text_adds_a_version(tmp_path):
    body = "A first report on the flood. " + LOREM * 2
    url = "http://news.test/flood"
    write_warc(tmp_path / "a.warc.gz", [(url, article_html("Flood", body), "2026-11-20T10:00:00Z")])
    write_warc(tmp_path / "b.warc.gz", [
        (url, article_html("Flood", body, extra="<aside>Ad: buy shoes now, on sale</aside>"),
         "2026-11-21T10:00:00Z"),
        (url, article_html("Flood", body + " Update: the river has receded."),
         "2026-11-22T10:00:00Z"),
    ])
    report = reextract([tmp_path / "b.warc.gz", tmp_path / "a.warc.gz"], tmp_path / "x", jobs=1,
                       learn=False)
    assert report.errors == []
    with open_store(tmp_path / "x") as store:
        versions = store.versions(url)
    assert [(v.version, v.captures, v.first_seen[:10]) for v in versions] == [
        (1, 2, "2026-11-20"), (2, 1, "2026-11-22")]
    assert versions[1].text.rstrip(".").endswith("the river has receded")


def test_extract_command_needs_warcs(tmp_path, capsys):
    assert main(["extract", str(tmp_path / "missing.warc")]) == 2
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["extract", str(tmp_path / "empty")]) == 2
    assert "no WARC or ARC files" in capsys.readouterr().err


def test_extract_command_runs_as_a_program(tmp_path):
    write_warc(tmp_path / "a.warc", [("http://news.test/x", article_html("X", "Some words. " +
               LOREM * 2), "2026-11-20T10:00:00Z")], gzip=False)
    out = subprocess.run([sys.executable, "-m", "crawler.cli", "extract", str(tmp_path / "a.warc"),
                          "--archive-dir", str(tmp_path / "arc"), "--jobs", "2"],
                         capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert "1 articles (1 new versions" in out.stdout


def test_repeated_captures_do_not_teach_that_the_article_is_boilerplate(tmp_path):
    url = "http://news.test/daily-story"
    html = article_html("Daily", unique_text(7))
    days = [(url, html, f"2026-11-2{day}T10:00:00Z") for day in range(5)]
    copies = [(f"{url}?utm_source={n}", html, "2026-11-26T10:00:00Z") for n in range(3)]
    write_warc(tmp_path / "a.warc.gz", days + copies)
    report = reextract([tmp_path / "a.warc.gz"], tmp_path / "x", jobs=1)
    assert report.outcomes["not_article"] == 0
    with open_store(tmp_path / "x") as store:
        versions = store.versions(url)
    assert [(v.version, v.captures) for v in versions] == [(1, 5)]


def test_an_extractor_crash_on_one_page_does_not_stop_the_run(tmp_path, monkeypatch):
    import crawler.reextract.worker as worker

    real = worker.extract

    def fragile(html, url=None, options=None):
        if url.endswith("/bomb"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(html, url, options)

    monkeypatch.setattr(worker, "extract", fragile)
    write_warc(tmp_path / "a.warc", [
        ("http://news.test/bomb", b"<html>" + b"<div>" * 5000, "2026-11-20T10:00:00Z"),
        ("http://news.test/fine", article_html("Fine", unique_text(3)), "2026-11-20T10:00:00Z"),
    ], gzip=False)
    report = reextract([tmp_path / "a.warc"], tmp_path / "x", jobs=1)
    assert report.outcomes["new_version"] == 1 and report.outcomes["not_article"] == 1
    with open_store(tmp_path / "x") as store:
        bomb = [p for p in store.iter_pages() if p.url.endswith("/bomb")][0]
    assert bomb.discard_reason.startswith("extractor failed: RecursionError")


def test_jobs_beyond_four_per_core_are_capped_in_one_line(tmp_path, capsys):
    write_warc(tmp_path / "a.warc.gz", [
        ("http://news.test/a", article_html("A story", unique_text(3)), "2026-11-20T10:00:00Z")])
    assert main(["extract", str(tmp_path / "a.warc.gz"), "--archive-dir", str(tmp_path / "out"),
                 "--jobs", "10000"]) == 0
    err = [line for line in capsys.readouterr().err.splitlines() if "--jobs" in line]
    most = 4 * (os.cpu_count() or 1)
    assert err == [f"crawler extract: --jobs 10000 is more than {most} (4 per CPU core): "
                   f"using {most}"]


@pytest.mark.slow
def test_reextracting_a_crawls_own_warcs_changes_nothing(tmp_path):
    """Same bytes, same extractor: no capture re-extracted differently, no version or cluster
    moved (the crawl's reasons cite what only it knew, e.g. "listed in a feed")."""
    from crawler.demosite import DemoSiteServer
    from tests.crawl.helpers import crawl

    archive = tmp_path / "archive"
    with DemoSiteServer(port=0) as site:
        crawl(archive, site.url, "--max-pages", "60")

    def articles() -> list[tuple]:
        conn = sqlite3.connect(archive / "articles.sqlite")
        try:
            return sorted(conn.execute(
                "SELECT id, url, version, cluster_id, cluster_similarity, page_id FROM articles"))
        finally:
            conn.close()

    before = articles()
    assert len(before) >= 10
    report = reextract([archive / "warc"], archive, jobs=1)
    assert report.errors == []
    summary = report.summary()
    assert "0 new versions, 0 re-extracted differently" in summary, summary
    assert articles() == before


def test_articles_sharing_a_box_in_their_body_column_keep_their_text(tmp_path):
    # Learning from all pages first must not make the body column "boilerplate" and store
    # every article as too-short (a notes box repeated between each story's paragraphs).
    notes = "".join(f"<p>Note {n}: {unique_text(900 + n, 2)}</p>" for n in range(3))
    pages = []
    for i in range(6):
        own = unique_text(i, 6).split(". ")
        body = (f"<h1>Story {i}</h1><p>{'. '.join(own[:3])}.</p>{notes}"
                f"<p>{'. '.join(own[3:])}</p>")
        html = (f"<html><head><title>Story {i}</title><meta property='og:type' "
                f"content='article'></head><body><article>{body}</article></body></html>")
        pages.append((f"http://boxed.test/news/2026/12/0{i + 1}/story-{i}", html.encode(),
                      "2026-12-01T10:00:00Z"))
    warc = tmp_path / "in" / "boxed.warc.gz"
    warc.parent.mkdir()
    write_warc(warc, pages)
    report = reextract([warc], tmp_path / "archive", jobs=1)
    assert report.outcomes["new_version"] == 6, report.summary()
    with open_store(tmp_path / "archive") as store:
        for article in store.iter_articles():
            i = int(article.url.rsplit("-", 1)[-1])
            assert unique_text(i, 6).split(". ")[0] in article.text
            assert "Note 0:" not in article.text


def test_a_small_input_is_extracted_without_worker_processes(tmp_path, monkeypatch):
    # Two process pools took 15-19 s to start for a 6-page wget WARC (2 s in one process).
    import crawler.reextract.run as run

    asked: list[int] = []
    real = run.ordered_map

    def spy(fn, items, jobs, *args):
        asked.append(jobs)
        return real(fn, items, 1, *args)

    monkeypatch.setattr(run, "ordered_map", spy)
    warc = tmp_path / "in" / "small.warc.gz"
    warc.parent.mkdir()
    write_warc(warc, [(f"http://news.test/story-{i}", article_html(f"Story {i}", unique_text(i)),
                       "2026-11-25T10:00:00Z") for i in range(3)])
    reextract([warc], tmp_path / "a")
    assert asked and set(asked) == {1}
    asked.clear()
    reextract([warc], tmp_path / "b", jobs=2)  # asked for: given
    assert set(asked) == {2}
