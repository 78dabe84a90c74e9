"""The WARC dedup index is written off the reactor thread: an index whose lock another writer
holds (another crawl or worker into the same archive) does not stop the crawl's reactor, and
repeated payloads still become revisits meanwhile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.crawl.lockkit import LockHolder, assert_reactor_ran, crawl_watched
from tests.crawl.sitekit import Answer, Site, article, html, serve
from tests.warc.warcs import read_warc, warc_files

pytestmark = pytest.mark.slow

ARTICLES = [f"/2024/06/{day:02d}/the-harbour-reopens-after-the-storm-{day}" for day in range(1, 25)]
TRIGGER = ARTICLES[5]
#: One photo under every article's own URL: the first is a response, the others revisits.
PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def _routes(holder: LockHolder) -> dict[str, Any]:
    def page(n: int) -> Any:
        def answer(site: Site) -> Answer:
            if n == ARTICLES.index(TRIGGER):
                holder.start()  # answered with the index's lock held: its write waits
            return 200, {}, article(f"The harbour reopens {n}", f'<img src="/img/photo-{n}.png">')
        return answer

    links = "".join(f'<a href="{path}">story</a> ' for path in ARTICLES)
    routes: dict[str, Any] = {"/": (200, {}, html(links))}
    routes.update({path: page(n) for n, path in enumerate(ARTICLES)})
    routes.update({f"/img/photo-{n}.png": (200, {"Content-Type": "image/png"}, PHOTO)
                   for n in range(len(ARTICLES))})
    return routes


@pytest.mark.parametrize("shared", [False, True], ids=["own-archive", "shared-in-redis"])
def test_the_reactor_runs_while_the_dedup_index_waits_for_its_lock(tmp_path, request, shared):
    archive, out = tmp_path / "archive", tmp_path / "watch.json"
    holder = LockHolder(archive / "indexes" / "warc-dedup.sqlite")
    extra = ["--redis", request.getfixturevalue("redis_url")] if shared else []
    with serve(_routes(holder)) as site:
        watch = crawl_watched(site.url, archive, out, extra)
    assert_reactor_ran(watch, holder, "dedup_write_threads")
    _check_photo_revisits(archive)


def _check_photo_revisits(archive: Path) -> None:
    """One full capture of the photo; every other copy is a revisit referring to it."""
    photos = [r for path in warc_files(archive) for r in read_warc(path)
              if "/img/photo-" in r.headers.get("WARC-Target-URI", "")
              and r.type in ("response", "revisit")]
    assert len(photos) == len(ARTICLES), len(photos)
    first, *rest = photos
    assert first.type == "response"
    assert [r.type for r in rest] == ["revisit"] * len(rest)
    assert {r.headers["WARC-Refers-To"] for r in rest} == {first.id}
