"""Page requisites end to end: the two-host test site crawled with the default settings.

Every requisite reaches the WARCs (read back with warcio), each is fetched once however many
pages share it, none spends the page budget or reaches the store, failures are counted but
leave the exit status alone, limits hold, and the next crawl downloads none again in full.
"""

from __future__ import annotations

import glob
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.crawl.helpers import Run, crawler
from tests.sites.requisites import CDN_IP, MAIN_IP, RequisiteSite

pytestmark = pytest.mark.slow
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "RETRY_TIMES=0"]


@dataclass
class Record:
    """What a test needs of one WARC record."""

    type: str
    uri: str
    status: str
    profile: str
    refers_to_uri: str
    truncated: str


def records(archive: Path) -> list[Record]:
    """Response and revisit records of every WARC of an archive, in order."""
    found = []
    for path in sorted(glob.glob(str(archive / "warc" / "*.warc.gz"))):
        with open(path, "rb") as handle:
            for rec in ArchiveIterator(handle):
                if rec.rec_type not in ("response", "revisit"):
                    continue
                head = rec.rec_headers
                found.append(Record(
                    rec.rec_type, head.get_header("WARC-Target-URI"),
                    rec.http_headers.get_statuscode() if rec.http_headers else "",
                    head.get_header("WARC-Profile") or "",
                    head.get_header("WARC-Refers-To-Target-URI") or "",
                    head.get_header("WARC-Truncated") or ""))
    return found


def crawl(site: RequisiteSite, archive: Path, *args: str) -> Run:
    """Crawl the site's home page into ``archive``."""
    return crawler("crawl", "--archive-dir", str(archive), *FAST, *args, site.home)


@dataclass
class Crawled:
    """The site after one default crawl and a second, incremental one."""

    site: RequisiteSite
    archive: Path
    first: Run
    second: Run
    first_hits: Counter[tuple[str, str]]
    first_records: list[Record]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    archive = tmp_path_factory.mktemp("requisites")
    with RequisiteSite() as site:
        first = crawl(site, archive)
        hits = Counter(site.hits)
        first_records = records(archive)
        second = crawl(site, archive)
        yield Crawled(site, archive, first, second, hits, first_records)


def _key(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.hostname or "", parts.path


def test_every_requisite_is_archived_and_fetched_once(crawled: Crawled) -> None:
    site = crawled.site
    assert crawled.first.returncode == 0, crawled.first.stderr  # failed requisites: no error
    archived = {r.uri for r in crawled.first_records if r.status == "200"}
    expected = site.expected_requisites()
    assert expected - archived == set()
    assert {_key(u) for u in expected} <= {k for k, v in crawled.first_hits.items() if v == 1}
    shared = [site.main + "/static/site.css", site.main + "/favicon.ico",
              site.cdn + "/img/logo.png", site.main + "/js/site.js", site.main + "/fonts/box.woff2"]
    assert all(crawled.first_hits[_key(u)] == 1 for u in shared)
    uris = Counter(r.uri for r in crawled.first_records)
    assert all(uris[u] == 1 for u in expected)


def test_nothing_else_is_fetched(crawled: Crawled) -> None:
    site, hits = crawled.site, crawled.first_hits
    assert hits[(MAIN_IP, "/img/commented-out.png")] == 0  # in a CSS comment
    assert hits[(MAIN_IP, "/img/in-a-string.png")] == 0  # in a CSS string
    assert hits[(MAIN_IP, "/media/clip.webm")] == 0  # media is off by default
    assert hits[(CDN_IP, "/private/blocked.png")] == 0  # robots.txt disallows it
    assert hits[(MAIN_IP, "/img/missing.png")] == 1  # 404: asked once, archived as answered
    assert len(site.user_agents) == 1 and "newsarchiver" in next(iter(site.user_agents))


def test_identical_payloads_under_other_urls_are_revisits(crawled: Crawled) -> None:
    leads = [r for r in crawled.first_records if r.uri.endswith("-lead.jpg")]
    assert sorted(r.type for r in leads) == ["response"] + ["revisit"] * (len(leads) - 1)
    original = next(r.uri for r in leads if r.type == "response")
    revisits = [r for r in leads if r.type == "revisit"]
    assert {r.refers_to_uri for r in revisits} == {original}
    assert {r.profile for r in revisits} == {
        "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"}


def test_summary_counts_requisites_apart_and_failures_are_not_errors(crawled: Crawled) -> None:
    out = crawled.first.stdout
    expected = len(crawled.site.expected_requisites())
    assert f"requisites: {expected} fetched" in out
    assert "1 blocked by robots.txt" in out
    assert "2 failed (HTTP 404 1, " in out and "0 errors" in out
    pages = len(crawled.site.pages)
    # Pages: the home page, the articles, and the robots.txt files of both hosts (+ the
    # spider's own read of the seed's robots.txt for sitemaps, + its internal flush request).
    assert f": {pages + 4} pages fetched, {pages - 1} articles" in out


def test_no_requisite_is_stored_as_a_page(crawled: Crawled) -> None:
    from crawler.store import open_store

    with open_store(crawled.archive) as store:
        pages = {p.url for p in store.iter_pages()}
        articles = {a.url for a in store.iter_articles()}
    site = crawled.site
    assert pages == {site.home, *site.article_urls}
    assert articles == set(site.article_urls)


def test_cdxj_indexes_list_the_requisites(crawled: Crawled) -> None:
    text = "".join(Path(p).read_text() for p in glob.glob(str(crawled.archive / "indexes" /
                                                                 "*.cdxj")))
    assert "/static/base.css" in text and "box.woff2" in text and "a1-lead.jpg" in text


def test_the_next_crawl_downloads_no_unchanged_requisite(crawled: Crawled) -> None:
    assert crawled.second.returncode == 0, crawled.second.stderr
    site = crawled.site
    again = {k: site.hits[k] - crawled.first_hits.get(k, 0) for k in site.hits}
    assert all(again.get(_key(u), 0) == 0 for u in site.expected_requisites())
    assert "requisites: 0 fetched" in crawled.second.stdout
    assert " reused" in crawled.second.stdout and "0 reused" not in crawled.second.stdout


def test_stale_requisites_are_asked_for_with_validators(tmp_path: Path) -> None:
    with RequisiteSite() as site:
        assert crawl(site, tmp_path).returncode == 0
        before = Counter(site.hits)
        run = crawl(site, tmp_path, "-s", "CRAWL_REQUISITES_FRESH_FOR=0")
    assert run.returncode == 0, run.stderr
    # The home page is fetched again (articles are archived and not due): its requisites are
    # asked for with If-None-Match, answered 304 and archived as revisits.
    css = (MAIN_IP, "/static/site.css")
    assert site.hits[css] == before[css] + 1 and site.conditional[css] == 1
    not_modified = [r for r in records(tmp_path) if r.status == "304"]
    assert site.url(*css) in {r.uri for r in not_modified}
    assert {r.profile for r in not_modified} == {
        "http://netpreserve.org/warc/1.1/revisit/server-not-modified"}


def test_requisites_do_not_spend_the_page_budget(tmp_path: Path) -> None:
    with RequisiteSite() as site:
        run = crawl(site, tmp_path, "--max-pages", "2")
        articles = [u for u in site.article_urls if site.hits[_key(u)]]
    assert run.returncode == 0, run.stderr
    assert len(articles) == 1  # the home page and one article
    archived = {r.uri for r in records(tmp_path)}
    for name in ("-lead.jpg", "-og.png", "-lazy.png", "-svg.png"):
        assert any(u.endswith(name) for u in archived), name
    assert site.main + "/fonts/box.woff2" in archived  # found in an imported stylesheet


def test_limits_off_switch_and_size(tmp_path: Path) -> None:
    with RequisiteSite() as site:
        off = crawl(site, tmp_path / "off", "-s", "CRAWL_REQUISITES=off")
        off_hits = sum(v for (ip, path), v in site.hits.items() if path.startswith(
            ("/img/", "/static/", "/fonts/", "/js/")))
        small = crawl(site, tmp_path / "small", "-s", "CRAWL_REQUISITE_MAX_SIZE=100000",
                      "-s", "CRAWL_REQUISITES_PER_PAGE=40")
    assert off.returncode == 0 and off_hits == 0 and "requisites:" not in off.stdout
    assert small.returncode == 0, small.stderr
    assert "1 over a limit (size 1)" in small.stdout
    big = [r for r in records(tmp_path / "small") if r.uri.endswith("/img/big.png")]
    assert [r.truncated for r in big] == ["length"]


def test_bad_requisite_settings_are_refused_before_the_crawl(tmp_path: Path) -> None:
    run = crawler("crawl", "--archive-dir", str(tmp_path), "-s", "CRAWL_REQUISITES=images",
                  "http://127.0.0.1:9/")
    assert run.returncode == 2
    assert "CRAWL_REQUISITES" in run.stderr and "unknown kind 'images'" in run.stderr
    assert not (tmp_path / "warc").exists()


def test_workers_of_a_shared_crawl_fetch_each_requisite_once(tmp_path: Path, redis_url) -> None:
    shared = ["-s", "FRONTIER_LEASE_TIMEOUT=3", "-s", "FRONTIER_HEARTBEAT=0.5",
              "-s", "EXTRACT_WORKERS=1", "-s", "PROGRESS_ENABLED=false"]
    with RequisiteSite() as site:
        run = crawler("crawl", "--archive-dir", str(tmp_path), "--workers", "2", "--redis",
                      redis_url, *FAST, *shared, site.home, timeout=240)
        hits = Counter(site.hits)
    assert run.returncode == 0, run.stderr
    expected = site.expected_requisites()
    assert all(hits[_key(u)] == 1 for u in expected), sorted(
        u for u in expected if hits[_key(u)] != 1)
    assert expected <= {r.uri for r in records(tmp_path)}
