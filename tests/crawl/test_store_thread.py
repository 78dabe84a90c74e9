"""The article store is written off the reactor thread: a store whose lock another writer holds
(another worker of a shared crawl) does not stop the crawl's reactor meanwhile."""

from __future__ import annotations

import time
from typing import Any

import pytest

from crawler.store import open_store
from tests.crawl.lockkit import LockHolder, assert_reactor_ran, crawl_watched
from tests.crawl.sitekit import Answer, Site, article, html, serve

pytestmark = pytest.mark.slow

ARTICLES = [f"/2024/05/{day:02d}/the-council-meets-about-the-port-{day}" for day in range(1, 31)]
#: The article whose answer waits until the test holds the store's write lock.
TRIGGER = ARTICLES[11]


def _routes(holder: LockHolder) -> dict[str, Any]:
    def slow(title: str) -> Any:
        def answer(site: Site) -> Answer:
            time.sleep(0.1)  # the crawl has pages in flight while the lock is held
            return 200, {}, article(title)
        return answer

    def trigger(site: Site) -> Answer:
        holder.start()  # the page is answered with the lock held: its store write waits
        return 200, {}, article("The port answers the council")

    links = "".join(f'<a href="{path}">story</a> ' for path in ARTICLES)
    routes: dict[str, Any] = {"/": (200, {}, html(links)), TRIGGER: trigger}
    routes.update({path: slow(f"The council meets {n}") for n, path in enumerate(ARTICLES)
                   if path != TRIGGER})
    return routes


@pytest.mark.parametrize("shared", [False, True], ids=["commit-every-page", "shared-in-redis"])
def test_the_reactor_runs_while_the_store_waits_for_its_lock(tmp_path, request, shared):
    archive, out = tmp_path / "archive", tmp_path / "watch.json"
    holder = LockHolder(archive / "articles.sqlite")
    extra = (["--redis", request.getfixturevalue("redis_url")] if shared
             else ["-s", "STORE_COMMIT_EVERY=1"])
    with serve(_routes(holder)) as site:
        watch = crawl_watched(site.url, archive, out, extra)
    assert_reactor_ran(watch, holder, "add_page_threads")
    # Nothing was lost to the wait: every article is stored.
    with open_store(archive) as store:
        stored = {a.url for a in store.iter_articles()}
    assert {site.url.rstrip("/") + path for path in ARTICLES} <= stored
