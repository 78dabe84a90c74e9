"""`crawler replay` serves hand-made WARCs through a real pywb: id_ bytes, rewriting, revisits."""

from __future__ import annotations

import time
import urllib.parse
from pathlib import Path

import pytest

from tests.replay.conftest import make_archive
from tests.replay.replayhelp import archived_responses, fetch, free_ports, replay_of, running_replay
from tests.replay.warcs import Page

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def replay(sample_archive):
    """One `crawler replay` for the module's read-only tests."""
    root, pages = sample_archive
    with running_replay(root, free_ports()) as base:
        yield base, root, pages


def test_identity_replay_is_byte_equal_to_archived_payload(replay):
    base, root, _ = replay
    responses = [r for r in archived_responses(root / "warc") if "html" in r.content_type]
    assert len(responses) == 4
    for archived in responses:
        url = f"{base}/archive/{archived.timestamp}id_/{archived.url}"
        plain = fetch(url)
        assert plain.status == 200, archived.url
        assert plain.body == archived.decoded, archived.url
        # A client accepting gzip gets the body still content-coded, as it crossed the wire.
        coded = fetch(url, {"Accept-Encoding": "gzip"})
        assert coded.body == archived.dechunked, archived.url


def test_rewritten_replay_shows_headline_and_rewrites_links(replay):
    base, _, pages = replay
    page = pages[2]  # gzip-encoded on the wire
    answer = fetch(f"{base}/archive/20260102030405/{page.url}")
    assert answer.status == 200
    text = answer.body.decode()
    assert f"<h1>{page.title}</h1>" in text
    # pywb rewrote the site's own link to point back into the archive.
    assert 'href="/archive/20260102030405/http://news.example/"' in text


def test_listing_link_opens_the_replayed_page_with_a_banner(replay):
    base, _, pages = replay
    answer = fetch(f"{base}/archive/20260102030405/{pages[1].url}")
    assert answer.status == 200
    text = answer.body.decode()
    assert pages[1].paragraph in text  # the page itself, rewritten (frameless replay)
    assert "wombat.js" in text and "newsarchiver-banner" in text


@pytest.mark.parametrize(("index", "date"), [
    (0, "20260201000000"),  # identical-payload-digest revisit of a plain response
    (3, "20260201000001"),  # ... of a gzip + chunked one (the revisit's headers say neither)
    (2, "20260201000002"),  # server-not-modified revisit holding a 304 answer
])
def test_revisit_replays_original_payload(replay, index, date):
    base, root, pages = replay
    original = next(r for r in archived_responses(root / "warc") if r.url == pages[index].url)
    answer = fetch(f"{base}/archive/{date}id_/{pages[index].url}")
    assert answer.status == 200
    assert answer.headers["memento-datetime"].startswith("Sun, 01 Feb 2026")
    assert answer.body == original.decoded


def test_listing_page_links_every_article_to_its_replay(replay):
    base, _, pages = replay
    listing = fetch(base + "/").body.decode()  # the archive browser's first page
    assert "4 articles" in listing
    for page in pages:
        article = f"/article?url={urllib.parse.quote_plus(page.url)}"
        assert f'href="{article}">{page.title}</a>' in listing
        assert f'href="{replay_of(base)}/archive/20260102030405/{page.url}">replay</a>' in listing
        assert page.paragraph in fetch(base + article).body.decode()
    assert "2026-01-02 03:04 UTC" in listing


def test_new_warc_appears_without_restart(tmp_path):
    first = Page("http://news.example/first.html", "First headline", "First paragraph.")
    later = Page("http://news.example/later.html", "Later headline", "Later paragraph.",
                 date="2026-03-04T05:06:07Z")
    root = tmp_path / "archive"
    make_archive(root, [first])
    with running_replay(root, free_ports(), refresh=0.3) as base:
        url = f"{base}/archive/20260304050607id_/{later.url}"
        assert fetch(url).status == 404
        make_archive(root, [later], warc_name="test-20260304050607-00000-host-1.warc.gz")
        deadline = time.monotonic() + 20
        while fetch(url).status != 200 and time.monotonic() < deadline:
            time.sleep(0.3)
        assert fetch(url).body == later.html
        while "Later headline" not in fetch(base + "/").body.decode():
            assert time.monotonic() < deadline, "listing never showed the new article"
            time.sleep(0.3)


def test_listens_on_loopback_only_by_default(replay):
    base = replay[0]
    port = int(base.rsplit(":", 1)[1])
    tables = [Path("/proc/net/tcp"), Path("/proc/net/tcp6")]
    if not tables[0].exists():
        pytest.skip("no /proc/net/tcp on this system")
    listening = []
    for table in tables:
        for line in table.read_text().splitlines()[1:] if table.exists() else []:
            local, state = line.split()[1], line.split()[3]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                listening.append(local.rsplit(":", 1)[0])
    assert listening == ["0100007F"]  # 127.0.0.1, and nothing on other addresses
