"""IncrementalPolicy decisions on hand-built tasks (no crawl), with a real fetch log."""

from __future__ import annotations

from collections import Counter

from crawler.frontier import CrawlTask, IncrementalConfig, IncrementalPolicy
from crawler.incremental import Decision
from crawler.incremental.fetchlog import FetchLog


class Stats:
    """The part of Scrapy's stats collector the policy uses."""

    def __init__(self) -> None:
        self.values: Counter = Counter()

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] += count


def policy_for(archive, revisit="1w", **kwargs) -> IncrementalPolicy:
    config = IncrementalConfig.parse(revisit, **kwargs)
    return IncrementalPolicy(config, FetchLog(archive), None, Stats())


def article(url: str, **fields) -> CrawlTask:
    return CrawlTask(url, role="article", site="s", **fields)


def test_redirected_urls_are_remembered_with_their_target(tmp_path):
    policy = policy_for(tmp_path)
    first = article("https://n.example/b")
    assert policy.decide(first) is Decision.NEW
    policy.record(first, first.url, 200, etag='"e"', redirect_urls=["https://n.example/a"])
    assert policy.decide(article("https://n.example/a")) is Decision.SKIP
    assert policy.decide(article("https://n.example/b")) is Decision.SKIP
    policy.close()


def test_roles_and_full_mode(tmp_path):
    policy = policy_for(tmp_path)
    seen = article("https://n.example/x")
    policy.record(seen, seen.url, 200)
    for role in ("seed", "feed", "sitemap", "list", "robots", "internal"):
        assert policy.decide(CrawlTask(seen.url, role=role)) is None
    # A page never stored as an article (here: no store) with role unknown is fetched.
    assert policy.decide(CrawlTask(seen.url, role="unknown")) is None
    assert policy.decide(article(seen.url)) is Decision.SKIP
    policy.close()
    full = policy_for(tmp_path, full=True)
    assert full.decide(article(seen.url)) is None
    assert full.stats.values["incremental/forced"] == 1
    full.close()


def test_revisit_gets_validators_and_a_304_counts_as_a_capture(tmp_path):
    policy = policy_for(tmp_path, revisit="1h")
    first = article("https://n.example/r")
    policy.record(first, first.url, 200, etag='"v1"',
                  last_modified="Wed, 25 Nov 2026 08:00:00 GMT")
    log = policy.fetchlog
    log.flush()
    # Make the first fetch look older than the revisit time (published unknown: 1 h after it).
    log._conn.execute(
        "UPDATE incremental_fetch SET first_fetched = '2026-01-01T00:00:00+00:00',"
        " last_fetched = '2026-01-01T00:00:00+00:00'")
    log._conn.commit()
    again = article(first.url)
    assert policy.decide(again) is Decision.REVISIT
    assert again.headers == {"If-None-Match": '"v1"',
                             "If-Modified-Since": "Wed, 25 Nov 2026 08:00:00 GMT"}
    policy.record(again, again.url, 304)
    assert policy.stats.values["incremental/not_modified"] == 1
    assert policy.stats.values["incremental/fetched/revisit"] == 1
    assert policy.decide(article(first.url)) is Decision.SKIP  # captured now
    policy.close()


def test_fetched_counts_are_taken_at_response_time(tmp_path):
    policy = policy_for(tmp_path)
    planned = [article(f"https://n.example/p{i}") for i in range(3)]
    assert [policy.decide(t) for t in planned] == [Decision.NEW] * 3
    policy.record(planned[0], planned[0].url, 200)
    policy.record(planned[1], planned[1].url, 404)  # not a capture
    assert policy.stats.values["incremental/new"] == 3  # decisions
    assert policy.stats.values["incremental/fetched/new"] == 1  # captures
    # A never-archived page of unknown role counts as new once stored as an article.
    for path, is_article in (("u1", True), ("u2", False)):
        page = CrawlTask(f"https://n.example/{path}", role="unknown")
        assert policy.decide(page) is None and page.first_capture
        policy.record(page, page.url, 200)
        policy.item_stored(page, is_article)
    assert policy.stats.values["incremental/fetched/new"] == 2
    policy.close()


def test_a_requeued_task_keeps_its_decision(tmp_path):
    policy = policy_for(tmp_path)
    task = article("https://n.example/q")
    assert policy.decide(task) is Decision.NEW
    again = CrawlTask.from_json(task.to_json())  # another worker took it over
    assert policy.decide(again) is Decision.NEW
    assert policy.stats.values["incremental/new"] == 1
    policy.close()
