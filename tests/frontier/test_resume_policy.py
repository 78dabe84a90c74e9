"""Issue 11's crawl policy inside the frontier: what resume skips, what counts as a capture,
and the seed gate that keeps a rejected seed out of the archive."""

from __future__ import annotations

import time

from crawler.discovery import Discovered
from crawler.frontier import (
    CrawlTask,
    Frontier,
    FrontierConfig,
    IncrementalConfig,
    IncrementalPolicy,
    LocalBackend,
)
from crawler.frontier.redisbackend import RedisBackend
from crawler.frontier.redisstate import SharedFetchLog
from crawler.frontier.seedgate import SeedGate
from crawler.frontier.sharedcrawl import connect, join
from crawler.incremental.fetchlog import FetchLog
from tests.frontier.test_frontier import Stats

URL = "http://news.example/2026/11/25/story"


def worker(redis_url: str, prefix: str, name: str, archive) -> Frontier:
    """A worker's frontier with the incremental policy on the crawl's shared fetch log."""
    log = SharedFetchLog(connect(redis_url), flush_every=1)
    log.local = FetchLog(archive)
    policy = IncrementalPolicy(IncrementalConfig.parse("1w"), log, None, Stats())
    backend = RedisBackend(connect(redis_url), prefix, name, lease_timeout=0.2)
    return Frontier(backend, FrontierConfig(), Stats(), policy)


def test_a_dead_workers_archived_task_is_finished_not_fetched_again(redis_url, tmp_path):
    prefix = join(connect(redis_url), "resume", "crawl-1").prefix
    one = worker(redis_url, prefix, "w1", tmp_path / "a")
    two = worker(redis_url, prefix, "w2", tmp_path / "b")
    one.add_links([Discovered(URL, "article"), Discovered(URL + "-2", "article")], "links", 1)
    one.heartbeat({})
    archived, fetching = one.next_task(), one.next_task()
    # w1 archives the first page (the WARC write returned), then is SIGKILLed.
    one.fetched(archived, archived.url, 200)
    one.incremental.fetchlog.flush()
    time.sleep(0.3)
    assert two.heartbeat({}) == 2
    taken = [two.next_task(), two.next_task()]
    again = taken[0]
    assert taken[1] is None  # the archived one was finished without a fetch
    assert again.url == fetching.url and again.requeued
    assert two.stats.values["frontier/requeued_archived"] == 1
    two.release(again)
    assert two.counts().leased == 0
    for front in (one, two):
        front.close()


def test_a_fetch_the_warc_did_not_keep_is_not_a_capture(tmp_path):
    log = FetchLog(tmp_path)
    policy = IncrementalPolicy(IncrementalConfig.parse("1w"), log, None, Stats())
    front = Frontier(LocalBackend(directory=str(tmp_path)), FrontierConfig(), Stats(), policy)
    task = CrawlTask(URL, role="article")
    front.fetched(task, URL, 200, archived=False)  # the disk was full
    assert log.get(URL) is None and front.stats.values["frontier/not_archived"] == 1
    front.fetched(task, URL, 200)
    assert log.get(URL) is not None
    front.close()


def test_sites_are_named_by_the_naming_given_else_by_registered_domain(tmp_path):
    class Names:
        closed = False

        def __call__(self, url: str) -> str:
            return "daily"

        def close(self) -> None:
            Names.closed = True

    plain = Frontier(LocalBackend(directory=str(tmp_path)), FrontierConfig(), Stats())
    assert plain.task_for(Discovered("http://www.bbc.co.uk:8080/x", "article")).site == "bbc.co.uk"
    named = Frontier(LocalBackend(directory=str(tmp_path)), FrontierConfig(), Stats(),
                     site_names=Names())
    assert named.task_for(Discovered(URL, "article")).site == "daily"
    named.close()
    plain.close()
    assert Names.closed


def test_seed_gate_holds_a_seed_until_its_verdict():
    gate: SeedGate[str] = SeedGate()
    seed, other = CrawlTask("http://a.example/", role="seed"), CrawlTask("http://b.example/",
                                                                          role="seed")
    assert gate.offer(None, "robots") == []  # before any seed was usable
    assert gate.offer(seed, "seed-301") == [] and gate.offer(seed, "seed-200") == []
    assert gate.offer(other, "other") == []
    assert gate.verdict(other, False) == ([], ["other"])  # rejected: dropped
    assert gate.verdict(seed, True) == (["robots", "seed-301", "seed-200"], [])
    assert gate.offer(None, "robots-2") == ["robots-2"]  # the crawl is under way
    assert gate.drain() == []


def test_seed_gate_opens_for_a_page_another_worker_found():
    gate: SeedGate[str] = SeedGate()
    assert gate.offer(None, "robots") == []
    # A shared crawl: another worker read the seed; this one fetches an article.
    assert gate.offer(CrawlTask(URL, role="article"), "article") == ["robots", "article"]
    gate2: SeedGate[str] = SeedGate()
    gate2.offer(None, "robots")
    gate2.offer(CrawlTask("http://a.example/", role="seed"), "seed")
    assert sorted(gate2.drain()) == ["robots", "seed"]  # the crawl ended: none confirmed
