"""The requisite policy of the frontier, on both backends: budget, seen set, limits, hosts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawler.discovery import Discovered, Requisite
from crawler.frontier import CrawlTask, Frontier, FrontierConfig, IncrementalConfig
from crawler.frontier.incremental import IncrementalPolicy
from crawler.frontier.requisites import (
    REQUISITE,
    REQUISITE_PRIORITY,
    RequisiteConfig,
    is_private_host,
    parse_kinds,
)
from crawler.incremental import Decision
from crawler.incremental.fetchlog import Fetch
from tests.frontier.test_frontier import BASE, Stats

CDN = "https://cdn.example"
ON = RequisiteConfig()


def _frontier(backend, max_pages: int = 0, requisites: RequisiteConfig = ON, **kw) -> Frontier:
    if hasattr(backend, "pop_after_budget"):  # as crawler.shell.scheduler sets it
        backend.pop_after_budget = requisites.enabled
    config = FrontierConfig(max_pages=max_pages, requisites=requisites, **kw)
    return Frontier(backend, config, Stats())


def _page(url: str = f"{BASE}/a") -> CrawlTask:
    return CrawlTask(url, role="article", site="news.example", depth=2)


def _drain(frontier: Frontier) -> list[CrawlTask]:
    out = []
    while (task := frontier.next_task()) is not None:
        out.append(task)
        frontier.release(task)
    return out


def test_requisites_cost_no_budget_and_come_after_it_is_spent(backend_of):
    frontier = _frontier(backend_of(1), max_pages=1)
    frontier.add([frontier.task_for(Discovered(f"{BASE}/", "seed"), priority=5000),
                  frontier.task_for(Discovered(f"{BASE}/dated", "article",
                                               lastmod="2026-12-01T00:00:00+00:00"))])
    seed = frontier.next_task()
    assert seed is not None and frontier.spend(seed)
    assert frontier.budget_spent
    queued = frontier.add_requisites([Requisite(f"{CDN}/a.css", "stylesheet"),
                                      Requisite(f"{BASE}/logo.png", "image")], seed)
    assert queued == 2
    fetched = _drain(frontier)
    assert [t.role for t in fetched] == [REQUISITE, REQUISITE]  # the page waiting is dropped
    assert all(frontier.spend(t) for t in fetched)
    assert frontier.stats.values["frontier/dropped_after_budget"] == 1


def test_a_requisite_shared_by_pages_is_queued_once(backend_of):
    frontier = _frontier(backend_of())
    shared = Requisite(f"{CDN}/site.css", "stylesheet")
    assert frontier.add_requisites([shared, Requisite(f"{CDN}/a.png")], _page()) == 2
    assert frontier.add_requisites([shared, Requisite(f"{CDN}/b.png")], _page(f"{BASE}/b")) == 1
    tasks = _drain(frontier)
    assert sorted(t.url for t in tasks) == [f"{CDN}/a.png", f"{CDN}/b.png", f"{CDN}/site.css"]
    assert {t.priority for t in tasks} == {REQUISITE_PRIORITY}
    assert {t.via for t in tasks} == {"stylesheet", "image"}


def test_kinds_per_page_and_the_depth_limit(backend_of):
    config = RequisiteConfig(kinds=frozenset({"image"}), per_page=2)
    frontier = _frontier(backend_of(), requisites=config, depth_limit=1)
    found = [Requisite(f"{CDN}/x.js", "script")] + [Requisite(f"{CDN}/{i}.png") for i in range(5)]
    deep = CrawlTask(f"{BASE}/deep", role="article", depth=7)  # beyond DEPTH_LIMIT: no matter
    assert frontier.add_requisites(found, deep) == 2
    assert [t.url for t in _drain(frontier)] == [f"{CDN}/0.png", f"{CDN}/1.png"]


def test_stylesheet_imports_nest_a_bounded_number_of_levels(backend_of):
    frontier = _frontier(backend_of())
    parent = _page()
    for level in range(10):
        if not frontier.add_requisites([Requisite(f"{CDN}/{level}.css", "stylesheet")], parent):
            break
        parent = frontier.next_task()
        assert parent is not None and parent.depth == level
        frontier.release(parent)
    assert level == 5  # the page's stylesheet and four levels of @import


def test_off_switch_and_crawl_bytes(backend_of):
    off = _frontier(backend_of(), requisites=RequisiteConfig(kinds=frozenset()))
    assert off.add_requisites([Requisite(f"{CDN}/a.png")], _page()) == 0
    capped = _frontier(backend_of(), requisites=RequisiteConfig(max_bytes=1000))
    capped.requisite_fetched(1000)
    assert capped.add_requisites([Requisite(f"{CDN}/b.png")], _page()) == 0
    assert capped.stats.values["requisites/over_limit/crawl_bytes"] == 1


def test_private_addresses_only_when_a_seed_is_on_one(backend_of):
    private = ["http://127.0.0.1/a.png", "http://10.1.2.3/b.png", "http://[::1]/c.png",
               "http://localhost/d.png", "http://169.254.169.254/latest/meta-data/"]
    public = [Requisite(f"{CDN}/ok.png")]
    frontier = _frontier(backend_of())
    assert frontier.add_requisites([Requisite(u) for u in private] + public, _page()) == 1
    assert frontier.stats.values["requisites/private_host"] == len(private)
    assert RequisiteConfig.private_seeds(["http://127.0.0.1:8000/"])
    assert not RequisiteConfig.private_seeds(["https://news.example/"])
    local = _frontier(backend_of(), requisites=RequisiteConfig(private_ok=True))
    assert local.add_requisites([Requisite(u) for u in private], _page()) == len(private)


def test_a_host_found_down_fails_its_other_requisites_at_once(backend_of):
    frontier = _frontier(backend_of())
    frontier.mark_host_down(f"{CDN}/first.js")
    assert frontier.host_down(f"{CDN}/second.png")
    assert not frontier.host_down(f"{BASE}/logo.png")


@pytest.mark.parametrize(("text", "kinds"), [
    ("off", set()), ("none", set()), (False, set()), ("image", {"image"}),
    ("all", {"stylesheet", "script", "font", "image", "media", "other"}),
    ("on,media", {"stylesheet", "script", "font", "image", "media"}),
])
def test_parse_kinds(text, kinds):
    assert parse_kinds(text) == kinds


def test_parse_kinds_names_a_bad_kind():
    with pytest.raises(ValueError, match="images"):
        parse_kinds("images")


def test_private_host_rule():
    assert is_private_host("127.0.0.2") and is_private_host("192.168.1.1")
    assert is_private_host("[fe80::1]") and is_private_host("app.localhost")
    assert not is_private_host("8.8.8.8") and not is_private_host("cdn.example")


class _Log:
    def __init__(self, fetch: Fetch | None) -> None:
        self.fetch = fetch
        self.recorded: list[Fetch] = []

    def get(self, url: str) -> Fetch | None:
        return self.fetch

    def record(self, fetch: Fetch) -> None:
        self.recorded.append(fetch)


def _policy(fetch: Fetch | None, full: bool = False) -> tuple[IncrementalPolicy, _Log]:
    log = _Log(fetch)
    return IncrementalPolicy(IncrementalConfig.parse(full=full), log, None, Stats()), log


def test_incremental_reuses_a_fresh_requisite_and_asks_for_a_stale_one():
    url = f"{CDN}/site.css"
    fresh = Fetch(url, datetime.now(UTC) - timedelta(hours=2), 200, etag='"v1"',
                  last_modified="Mon, 30 Nov 2026 08:00:00 GMT")
    policy, _ = _policy(fresh)
    task = CrawlTask(url, role=REQUISITE)
    assert policy.decide_requisite(task, timedelta(days=1)) is Decision.SKIP
    stale = CrawlTask(url, role=REQUISITE)
    assert policy.decide_requisite(stale, timedelta(hours=1)) is Decision.REVISIT
    assert stale.headers == {"If-None-Match": '"v1"',
                             "If-Modified-Since": "Mon, 30 Nov 2026 08:00:00 GMT"}
    new, log = _policy(None)
    assert new.decide_requisite(CrawlTask(url, role=REQUISITE), timedelta(days=1)) is Decision.NEW
    new.record(CrawlTask(url, role=REQUISITE), url, 304, '"v1"')
    assert [f.status for f in log.recorded] == [304]  # a 304 confirms the capture held
    forced, _ = _policy(fresh, full=True)
    full = CrawlTask(url, role=REQUISITE)
    assert forced.decide_requisite(full, timedelta(days=1)) is Decision.NEW
    assert not full.headers


def test_requisites_of_a_host_found_down_are_dropped_without_a_request(backend_of):
    frontier = _frontier(backend_of())
    frontier.add_requisites([Requisite(f"{CDN}/a.js"), Requisite(f"{CDN}/b.png")], _page())
    frontier.mark_host_down(f"{CDN}/a.js")
    assert frontier.next_task() is None  # both queued before: dropped as they come out
    assert frontier.add_requisites([Requisite(f"{CDN}/c.png")], _page()) == 0
    assert frontier.stats.values["requisites/failed/unreachable"] == 3


def test_requisites_carry_their_referrer_and_hop_path_through_the_queue(backend_of):
    frontier = _frontier(backend_of(1))
    page = _page()  # two links from the seed
    frontier.add_requisites([Requisite(f"{CDN}/site.css", "stylesheet")], page)
    css = _drain(frontier)[0]
    frontier.add_requisites([Requisite(f"{CDN}/bg.png", "image")], css)
    image = _drain(frontier)[0]
    assert (css.referrer, css.hops) == (page.url, "LLE")
    assert (image.referrer, image.hops, image.depth) == (css.url, "LLEE", 1)
