"""Three `crawler crawl` runs over the demo site while it changes (edition 1, then 2, then 2).

Run 1 archives edition 1. Run 2 sees edition 2: five new articles, one edited article (its
sitemap lastmod moved), one article whose ad alone changed (made due for a revisit here).
Run 3 sees edition 2 again with one of the new articles due: the site answers 304.
Run 4 (``crawl --full``) fetches every article again.
"""

from __future__ import annotations

import difflib
from datetime import UTC, datetime, timedelta

import pytest

from crawler.cli import main as cli
from crawler.demosite.model import AD_CHANGED_ARTICLE, EDITED_ARTICLE, NEW_ARTICLES, build_site
from crawler.demosite.server import DemoSiteServer
from crawler.store import open_store
from tests.incremental.sitecrawl import (
    IDENTICAL,
    NOT_MODIFIED,
    records,
    revisit_offset,
    run_crawl,
    serve_demo_crawl_copy,
    sleep_until,
    warc_files,
    write_sites,
)

pytestmark = pytest.mark.slow

ALWAYS = ["/", "/robots.txt", "/sitemap_index.xml", "/sitemap-news.xml", "/feed.xml",
          "/world/", "/business/page/2/", "/tag/economy/", "/about/"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory, demo_crawl):
    """Crawl three times; return the archive, URLs and what each later run fetched.

    Run 1 is the run's shared edition-1 ``demo_crawl`` (copied) when its port is free again.
    """
    tmp = tmp_path_factory.mktemp("changing")
    archive = tmp / "archive"
    site1, site2 = build_site(1), build_site(2)
    paths = {
        "edited": site1.articles[EDITED_ARTICLE].path,
        "ad": site1.articles[AD_CHANGED_ARTICLE].path,
        "new": [a.path for a in site2.articles[:NEW_ARTICLES]],
    }
    article_paths = {a.path for a in site2.articles}
    out = {"archive": archive, "paths": paths}
    copied = serve_demo_crawl_copy(demo_crawl, archive)
    with copied or DemoSiteServer() as server:
        url = server.url.rstrip("/")
        out["url"] = url
        sites = write_sites(tmp / "sites.toml", server.url)
        if copied is None:
            run_crawl(sites, archive)
        first = demo_crawl.requests if copied else server.requests
        out["run1"] = [p for p in first if p in article_paths]

        server.set_edition(2)
        due_at = datetime.now(UTC) + timedelta(seconds=1.0)
        offset = revisit_offset(archive, url + paths["ad"], due_at)
        sleep_until(due_at)
        mark, files = len(server.requests), warc_files(archive)
        out["log2"] = run_crawl(sites, archive, "-s", f"INCREMENTAL_REVISIT_AFTER={offset}").stdout
        out["run2"], out["warc2"] = server.requests[mark:], warc_files(archive) - files

        due_at = datetime.now(UTC) + timedelta(seconds=1.0)
        offset = revisit_offset(archive, url + paths["new"][0], due_at)
        sleep_until(due_at)
        mark, files = len(server.requests), warc_files(archive)
        run_crawl(sites, archive, "-s", f"INCREMENTAL_REVISIT_AFTER={offset}")
        out["run3"], out["warc3"] = server.requests[mark:], warc_files(archive) - files

        mark = len(server.requests)
        run_crawl(sites, archive, "--full")
        out["run4"] = server.requests[mark:]
    out["articles"] = article_paths
    return out


def test_first_run_fetches_every_article(runs):
    assert len(set(runs["run1"])) == 120


def test_second_run_fetches_new_changed_and_due_articles_only(runs):
    paths = runs["paths"]
    fetched = {p for p in runs["run2"] if p in runs["articles"]}
    assert fetched == {*paths["new"], paths["edited"], paths["ad"]}
    assert all(p in runs["run2"] for p in ALWAYS)  # seeds, feeds, sitemaps, list pages


def test_second_run_records_identical_list_pages_as_revisits(runs):
    url = runs["url"]
    recs = {(uri, kind, profile) for kind, uri, profile, _status in records(runs["warc2"])}
    assert (url + "/about/", "revisit", IDENTICAL) in recs  # unchanged page, same payload
    assert (url + runs["paths"]["edited"], "response", None) in recs
    assert (url + runs["paths"]["ad"], "response", None) in recs  # the ad changed the bytes
    assert not any(profile == NOT_MODIFIED for _u, _k, profile in recs)


def test_third_run_gets_304_for_the_due_article_as_a_revisit(runs):
    url, new = runs["url"], runs["paths"]["new"][0]
    assert [p for p in runs["run3"] if p in runs["articles"]] == [new]
    recs = [(k, u, p, s) for k, u, p, s in records(runs["warc3"]) if u == url + new]
    assert recs == [("revisit", url + new, NOT_MODIFIED, 304)]


def test_full_flag_fetches_every_article_again(runs):
    assert {p for p in runs["run4"] if p in runs["articles"]} == runs["articles"]


def _texts_diff(versions) -> str:
    lines = difflib.unified_diff(versions[0].text.splitlines(), versions[-1].text.splitlines(),
                                 lineterm="")
    return "\n".join(list(lines)[:40])


def test_versions_follow_the_cleaned_text(runs):
    url, paths = runs["url"], runs["paths"]
    with open_store(runs["archive"]) as store:
        edited = store.versions(url + paths["edited"])
        ad = store.versions(url + paths["ad"])
        new = store.versions(url + paths["new"][0])
    # A failure here with extra versions means extraction gave another text for the same
    # article text on a later run (see the diff in the message).
    assert [v.version for v in edited] == [1, 2], _texts_diff(edited)
    assert "Correction:" in edited[1].text and "Correction:" not in edited[0].text
    assert [v.version for v in ad] == [1], _texts_diff(ad)  # ad-only: no new version
    assert ad[0].captures == 3
    assert [v.version for v in new] == [1]


def test_diff_shows_the_edit_and_nothing_for_the_ad_change(runs, capsys):
    url, paths, archive = runs["url"], runs["paths"], str(runs["archive"])
    assert cli(["diff", url + paths["edited"], "--archive-dir", archive]) == 0
    out = capsys.readouterr().out
    assert "v1 (" in out and "-> v2 (" in out
    assert "{+Correction:" in out
    assert cli(["diff", url + paths["ad"], "--archive-dir", archive]) == 0
    out = capsys.readouterr().out
    assert "one version only" in out and "{+" not in out


def test_history_lists_captures_and_versions(runs, capsys):
    url, paths, archive = runs["url"], runs["paths"], str(runs["archive"])
    assert cli(["history", url + paths["edited"], "--archive-dir", archive]) == 0
    out = capsys.readouterr().out
    assert "captures (3):" in out and "text versions (2):" in out  # runs 1, 2 and 4
    assert "  v1  " in out and "  v2  " in out
    assert cli(["history", url + paths["new"][0], "--archive-dir", archive]) == 0
    out = capsys.readouterr().out
    assert "revisit (not modified)" in out and "text versions (1):" in out


def test_second_run_summary_counts_what_was_fetched(runs):
    line = next(line for line in runs["log2"].splitlines() if "incremental:" in line)
    # The 5 new articles, the edited one (sitemap lastmod moved), the ad one (due): all 200.
    assert line.strip() == (
        "incremental: fetched 5 new articles (never archived), 1 changed since archived, "
        "1 due revisits; skipped 118 archived and not due"
    )
