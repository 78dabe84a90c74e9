"""IncrementalState decisions on hand-built requests (no crawl), with a real fetch log."""

from __future__ import annotations

from collections import Counter

from scrapy.http import Request, Response

from crawler.incremental import Decision, RevisitPolicy
from crawler.middlewares import IncrementalState


class Stats:
    """The part of Scrapy's stats collector the middleware uses."""

    def __init__(self) -> None:
        self.values: Counter = Counter()

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] += count


def state_for(archive, **kwargs) -> IncrementalState:
    return IncrementalState(Stats(), str(archive), RevisitPolicy.from_text("1w"), **kwargs)


def article(url: str, **meta) -> Request:
    return Request(url, meta={"page_role": "article", "site": "s", **meta})


def test_redirected_urls_are_remembered_with_their_target(tmp_path):
    state = state_for(tmp_path)
    first = article("https://n.example/b", redirect_urls=["https://n.example/a"])
    assert state.decide(first) is Decision.NEW
    state.record(first, Response("https://n.example/b", status=200, headers={"ETag": '"e"'}))
    assert state.decide(article("https://n.example/a")) is Decision.SKIP
    assert state.decide(article("https://n.example/b")) is Decision.SKIP
    state.close()


def test_roles_and_full_mode(tmp_path):
    state = state_for(tmp_path)
    seen = article("https://n.example/x")
    state.record(seen, Response(seen.url, status=200))
    for role in ("seed", "feed", "sitemap", "list", "robots", None):
        assert state.decide(Request(seen.url, meta={"page_role": role})) is None
    # A page never stored as an article (here: no store row) with role unknown is fetched.
    assert state.decide(Request(seen.url, meta={"page_role": "unknown"})) is None
    assert state.decide(article(seen.url)) is Decision.SKIP
    state.close()
    full = state_for(tmp_path, full=True)
    assert full.decide(article(seen.url)) is None
    assert full.stats.values["incremental/forced"] == 1
    full.close()


def test_revisit_gets_validators_and_a_304_counts_as_a_capture(tmp_path):
    state = state_for(tmp_path)
    first = article("https://n.example/r")
    state.record(first, Response(first.url, status=200, headers={
        "ETag": '"v1"', "Last-Modified": "Wed, 25 Nov 2026 08:00:00 GMT"}))
    state.fetchlog.flush()
    # Make the first fetch look older than the revisit time.
    state.fetchlog._conn.execute(
        "UPDATE incremental_fetch SET first_fetched = '2026-01-01T00:00:00+00:00',"
        " last_fetched = '2026-01-01T00:00:00+00:00'")
    state.fetchlog._conn.commit()
    state.policy = RevisitPolicy.from_text("1h")  # published unknown: 1 h after first capture
    again = article(first.url)
    assert state.decide(again) is Decision.REVISIT
    assert again.headers[b"If-None-Match"] == b'"v1"'
    assert again.headers[b"If-Modified-Since"] == b"Wed, 25 Nov 2026 08:00:00 GMT"
    state.record(again, Response(first.url, status=304))
    assert state.stats.values["incremental/not_modified"] == 1
    assert state.decide(article(first.url)) is Decision.SKIP  # captured now
    state.close()


def test_fetched_counts_are_taken_at_response_time(tmp_path):
    from types import SimpleNamespace

    state = state_for(tmp_path)
    planned = [article(f"https://n.example/p{i}") for i in range(3)]
    assert [state.decide(r) for r in planned] == [Decision.NEW] * 3
    state.record(planned[0], Response(planned[0].url, status=200))
    state.record(planned[1], Response(planned[1].url, status=404))  # not a capture
    assert state.stats.values["incremental/new"] == 3  # decisions
    assert state.stats.values["incremental/fetched/new"] == 1  # captures
    # Fetched in this crawl already: asked for again, it is not an archived, skipped URL.
    assert state.decide(article(planned[0].url)) is Decision.SKIP
    assert state.stats.values["incremental/skipped_urls"] == 0
    # A never-archived page of unknown role counts as new once stored as an article.
    for path, is_article in (("u1", True), ("u2", False)):
        page = Request(f"https://n.example/{path}", meta={"page_role": "unknown"})
        assert state.decide(page) is None
        state.record(page, Response(page.url, status=200))
        state.item_scraped(SimpleNamespace(url=page.url, extraction=SimpleNamespace(
            is_article=is_article)))
    assert state.stats.values["incremental/fetched/new"] == 2
    state.close()
    # Next crawl: skipped, then fetched after all (a later request said it changed).
    state = state_for(tmp_path)
    assert state.decide(article(planned[0].url)) is Decision.SKIP
    assert state.stats.values["incremental/skipped_urls"] == 1
    changed = article(planned[0].url, incremental="changed")
    state.record(changed, Response(changed.url, status=200))
    assert state.stats.values["incremental/skipped_urls"] == 0
    assert state.stats.values["incremental/fetched/changed"] == 1
    state.close()
