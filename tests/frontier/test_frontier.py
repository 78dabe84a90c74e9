"""The crawl policy on both backends: the same behaviour in one process and shared in Redis."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from crawler.discovery import Discovered
from crawler.frontier import (
    Action,
    CrawlTask,
    Frontier,
    FrontierConfig,
    IdleAction,
    LocalBackend,
)
from crawler.frontier.redisbackend import Politeness, RedisBackend
from crawler.frontier.sharedcrawl import connect, join

BASE = "http://news.example"


class Stats:
    """A stats collector like Scrapy's."""

    def __init__(self) -> None:
        self.values: Counter = Counter()

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] += count


@pytest.fixture(params=["local", "redis"])
def backend_of(request, tmp_path):
    """Build backends of one crawl (several Redis ones share it, as workers do)."""
    made = []
    crawl = None
    if request.param == "redis":
        server_url = request.getfixturevalue("redis_url")
        crawl = join(connect(server_url), "test", "crawl-1")

    def build(budget: int = 0):
        if crawl is None:
            backend = LocalBackend(budget, directory=str(tmp_path))
        else:
            backend = RedisBackend(connect(server_url), crawl.prefix, "w1", budget)
        made.append(backend)
        return backend

    yield build
    for backend in made:
        backend.close()


@pytest.fixture
def shared_of(redis_url):
    """Build Redis backends of one crawl: one per worker."""
    made = []
    crawl = join(connect(redis_url), "test", "crawl-1")

    def build(worker: str, **kwargs):
        backend = RedisBackend(connect(redis_url), crawl.prefix, worker, **kwargs)
        made.append(backend)
        return backend

    yield build
    for backend in made:
        backend.close()


def frontier(backend, max_pages: int = 0, **config) -> Frontier:
    return Frontier(backend, FrontierConfig(max_pages=max_pages, **config), Stats())


def drain(front: Frontier) -> list[CrawlTask]:
    tasks = []
    while (task := front.next_task()) is not None:
        tasks.append(task)
    return tasks


def test_each_url_once_sources_first_then_newest(backend_of):
    front = frontier(backend_of(), depth_limit=3, depth_priority=1)
    links = [Discovered(f"{BASE}/old", "article", "2024-01-01T00:00:00Z"),
             Discovered(f"{BASE}/undated", "article"),
             Discovered(f"{BASE}/feed.xml", "feed"),
             Discovered(f"{BASE}/new", "article", "2024-04-01T00:00:00Z"),
             Discovered(f"{BASE}/new", "article", "2024-04-01T00:00:00Z")]
    assert front.add_links(links, "links", 1) == 4
    assert front.add_links(links, "links", 1) == 0
    assert front.add_links([Discovered(f"{BASE}/deep")], "links", 4) == 0
    assert [t.url.rsplit("/", 1)[1] for t in drain(front)] == ["feed.xml", "new", "old",
                                                               "undated"]
    assert front.stats.values["discovery/too_deep"] == 1
    assert front.stats.values["discovery/scheduled"] == 4


def test_a_task_survives_its_wire_form(backend_of):
    front = frontier(backend_of())
    task = front.task_for(Discovered(f"{BASE}/a", "article", "2024-04-01T00:00:00Z"), "feed", 2,
                          "demo")
    task.headers["If-None-Match"] = '"v1"'
    front.add([task])
    (back,) = drain(front)
    # Request headers never travel in a queue entry (another client may write one): a
    # revisit's conditional headers are worked out again by the incremental policy.
    assert (back.url, back.role, back.site, back.depth, back.via, back.lastmod, back.headers) == (
        task.url, "article", "demo", 2, "feed", task.lastmod, {})
    assert back.leased and back.budget == ""


def test_budget_caps_scheduling_and_is_spent_once_per_url(backend_of):
    front = frontier(backend_of(budget=2), max_pages=2)
    links = [Discovered(f"{BASE}/{n}", "article", f"2024-04-0{n}T00:00:00Z") for n in range(1, 10)]
    assert front.add_links(links, "sitemap", 1) == 8  # 4 per page of budget
    assert front.stats.values["discovery/not_scheduled"] == 1
    first, second, third = (front.next_task() for _ in range(3))
    assert front.spend(first) and front.spend(first)  # a redirect or retry of the same task
    robots = CrawlTask(f"{BASE}/robots.txt", role="robots")
    assert front.spend(robots)  # free
    assert front.spend(second) and front.budget_spent
    assert not front.spend(third) and third.budget == "refused"
    assert front.next_task() is None and not front.has_queued()
    assert front.add_links([Discovered(f"{BASE}/late", "article")], "links", 1) == 0


def test_undated_pages_wait_for_the_sources(backend_of):
    front = frontier(backend_of(budget=50), max_pages=50)
    seed = front.task_for(Discovered(f"{BASE}/", "seed"))
    front.add([seed])
    taken = front.next_task()
    front.add_links([Discovered(f"{BASE}/undated", "article")], "links", 1)
    front.add_links([Discovered(f"{BASE}/dated", "article", "2024-04-01T00:00:00Z")], "feed", 1)
    assert [t.url for t in drain(front)] == [f"{BASE}/dated"]  # the undated one is parked
    front.release(taken)  # the source is read: the parked page is queued
    assert [t.url for t in drain(front)] == [f"{BASE}/undated"]


def test_skipped_urls_come_back_with_a_newer_date(backend_of):
    backend = backend_of()
    undated = CrawlTask(f"{BASE}/a", role="article")
    assert backend.admit([(undated, Action.SKIP)], 0).skipped == 1
    assert backend.unseen([undated])[0] == []
    dated = CrawlTask(f"{BASE}/a", role="article", modified="2024-04-02T00:00:00Z")
    fresh, _ = backend.unseen([dated])
    assert fresh == [dated]
    result = backend.admit([(dated, Action.QUEUE)], 0)
    assert (result.queued, result.revived) == (1, 1)


def test_idle_finishes_once_nothing_is_queued_or_held(backend_of):
    front = frontier(backend_of())
    front.add_links([Discovered(f"{BASE}/a", "article")], "links", 1)
    assert front.on_idle() is IdleAction.CONTINUE
    task = front.next_task()
    front.hold(task)  # its item is not stored yet
    front.release(task)  # the callback is done
    assert front.counts().leased == 1
    front.release(task)
    assert front.counts().leased == 0
    assert front.on_idle() is IdleAction.FINISH


def test_a_dead_workers_tasks_go_back_to_the_queue(shared_of):
    one = frontier(shared_of("w1", lease_timeout=0.2))
    two = frontier(shared_of("w2", lease_timeout=0.2))
    one.add_links([Discovered(f"{BASE}/a", "article")], "links", 1)
    one.heartbeat({})
    taken = one.next_task()
    assert two.next_task() is None and two.on_idle() is IdleAction.WAIT
    time.sleep(0.3)  # w1 was SIGKILLed: no heartbeat any more
    assert two.heartbeat({"response_received_count": 3}) == 1
    again = two.next_task()
    assert again.url == taken.url and again.leased
    two.release(again)
    assert two.on_idle() is IdleAction.FINISH


def test_politeness_is_shared_by_all_workers(shared_of):
    rules = Politeness(per_host=1, delay_ms=0)
    one, two = (frontier(shared_of(w, politeness=rules)) for w in ("w1", "w2"))
    one.add_links([Discovered(f"{BASE}/{n}", "article") for n in range(3)]
                  + [Discovered("http://other.example/x", "article")], "links", 1)
    first = one.next_task()
    other = two.next_task()
    assert other.url == "http://other.example/x"  # news.example's one slot is taken
    assert two.next_task() is None and two.has_queued()
    one.hold(first)  # the page is held for site warm-up after its download...
    one.downloaded(first)  # ...which frees the host's slot, not the lease
    assert two.next_task().url.startswith(BASE)
    assert one.counts().leased == 3


def test_leaving_early_gives_tasks_back(shared_of):
    one, two = frontier(shared_of("w1")), frontier(shared_of("w2"))
    one.add_links([Discovered(f"{BASE}/a", "article")], "links", 1)
    assert one.next_task() is not None
    one.close()  # Ctrl-C: the task was not finished
    assert two.next_task().url == f"{BASE}/a"


def test_workers_of_the_same_seeds_join_one_crawl_until_it_finished(redis_url):
    client = connect(redis_url)
    first = join(client, "site-abc", "id-1")
    assert first.started and join(client, "site-abc", "id-2").crawl_id == "id-1"
    RedisBackend(client, first.prefix, "w").finish()
    again = join(client, "site-abc", "id-3")
    assert (again.generation, again.crawl_id, again.started) == (2, "id-3", True)
    assert join(client, first.ref, "id-4").crawl_id == "id-1"  # a late worker of run 1


def test_redirects_leave_no_scope():
    """A redirect to another host, port or an internal address is refused and counted."""
    from crawler.discovery import Scope
    from crawler.frontier import CrawlTask, Frontier, FrontierConfig, LocalBackend

    class Stats(dict):
        def inc_value(self, key, count=1, start=0):
            self[key] = self.get(key, start) + count

    stats = Stats()
    frontier = Frontier(LocalBackend(), FrontierConfig(), stats)
    frontier.scope = Scope.for_seeds(["https://news.example/"])
    page = CrawlTask("https://news.example/a", role="article")
    seed = CrawlTask("https://news.example/", role="seed")
    assert frontier.redirect_refusal(page, "https://www.news.example/a") is None
    assert frontier.redirect_refusal(page, "https://evil.example/a") == "other-host"
    assert frontier.redirect_refusal(page, "https://news.example:2375/") == "other-port"
    assert frontier.redirect_refusal(seed, "http://169.254.169.254/") == "internal-address"
    # A seed may move to another public host, which joins the scope.
    assert frontier.redirect_refusal(seed, "https://news.example.org/") is None
    assert frontier.redirect_refusal(page, "https://news.example.org/b") is None
    assert stats["scope/refused_redirects"] == 3
    assert stats["scope/refused_redirects/other-port"] == 1
    frontier.close()


def test_queue_entries_are_validated_dropped_and_counted(shared_of):
    """Garbage and foreign entries in the Redis queue: dropped, counted, no slot leaked."""
    from crawler.discovery import Scope
    from crawler.frontier.task import url_key

    backend = shared_of("w1")
    client, prefix = backend.client, backend.prefix
    front = frontier(backend)
    front.scope = Scope.for_seeds([f"{BASE}/"])
    good = front.task_for(Discovered(f"{BASE}/good", "article"), "links", 1)
    front.add([good])
    host = "news.example"
    evil = "http://127.0.0.1:6379/"
    entries = [
        "not json at all", "[1, 2]", '{"k": 5, "d": "news.example"}',  # Lua drops these
        f'{{"k": "{url_key(evil)}", "d": "{host}", "u": "{evil}"}}',  # filed under our host
        f'{{"k": "{url_key(evil)}", "d": "127.0.0.1", "u": "{evil}"}}',  # out of scope
        f'{{"k": "x", "d": "{host}", "u": "{BASE}/other"}}',  # a key not its URL's
        f'{{"k": "{url_key(BASE + "/h")}", "d": "{host}", "u": "{BASE}/h", "r": 7}}',
    ]
    for entry in entries:
        domain = "127.0.0.1" if '"d": "127.0.0.1"' in entry else host
        client.zadd(prefix + "q:" + domain, 0, entry)  # redis-py 2.10: score, value
        client.zadd(prefix + "domains", 0, domain)
    client.zadd(prefix + "q:" + host, 0, f'{{"k": "{url_key(BASE + "/c")}", "d": "{host}", '
                                         f'"u": "{BASE}/c", "h": {{"Cookie": "a=1"}}}}')
    tasks = drain(front)
    assert sorted(t.url for t in tasks) == [f"{BASE}/c", f"{BASE}/good"]
    assert all(t.headers == {} for t in tasks)  # no header from the queue
    assert front.stats.values["frontier/bad_entries"] == len(entries)
    assert int(client.hget(prefix + "meta", "bad_entries")) == len(entries)
    leases = client.hkeys(prefix + "leases:w1")
    assert len(leases) == 2  # only the two real tasks hold a lease...
    for task in tasks:
        front.downloaded(task)
        front.release(task)
    slots = [k for k in client.scan_iter(prefix + "slots:*") if client.zcard(k)]
    assert slots == [] and client.hlen(prefix + "leases:w1") == 0  # ...and no slot leaks
    # Parked and leased garbage does not break the scripts either.
    client.zadd(prefix + "parked", 1, "{bad")
    client.hset(prefix + "leases:w2", "k", "{bad")
    client.zadd(prefix + "workers", 0, "w2")
    assert backend.release_parked() == 1
    assert backend.heartbeat({}) == 1  # w2 is long silent: its (bad) lease is dropped


def test_a_lease_whose_reply_was_lost_goes_back_to_the_queue(shared_of):
    # Redis went away as a pop ran: the task is leased to w1 in Redis, but w1 never got it.
    one = frontier(shared_of("w1"))
    one.add_links([Discovered(f"{BASE}/a", "article")], "links", 1)
    one.heartbeat({})
    lost = one.backend.pop()
    assert lost is not None and one.counts().leased == 1
    assert one.on_idle() is IdleAction.CONTINUE  # not WAIT for ever
    again = one.next_task()
    assert again is not None and again.url == lost.url
    one.release(again)
    assert one.on_idle() is IdleAction.FINISH
