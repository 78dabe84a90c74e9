"""Issue 3's wire cases (B's raw-socket server) crawled for real, then replayed through pywb."""

from __future__ import annotations

import pytest

from tests.replay.replayhelp import archived_responses, fetch, free_ports, running_replay
from tests.warc.warcs import run_crawl
from tests.warc.wireserver import WireServer

pytestmark = pytest.mark.slow

PATHS = ["/plain?id=42&x=1", "/chunked", "/gzip", "/gzip-chunked", "/cookies", "/reason",
         "/weird-headers", "/r1", "/missing", "/error", "/http10", "/dropped", "/big-declared"]


@pytest.fixture(scope="module")
def wire_replay(tmp_path_factory):
    """A crawl of every wire case into an archive folder, served by `crawler replay`."""
    archive = tmp_path_factory.mktemp("wire") / "archive"
    with WireServer() as server:
        run_crawl(archive, [server.url(p) for p in PATHS], "DOWNLOAD_MAXSIZE=50000",
                  "WARC_DEDUP=False", "DOWNLOAD_TIMEOUT=2")
    with running_replay(archive, free_ports()) as base:
        yield base, archive


def test_every_archived_html_page_replays_byte_equal_in_identity_mode(wire_replay):
    base, archive = wire_replay
    pages = [r for r in archived_responses(archive / "warc") if "html" in r.content_type.lower()]
    assert len(pages) >= 10
    for page in pages:
        url = f"{base}/archive/{page.timestamp}id_/{page.url}"
        answer = fetch(url)
        assert str(answer.status) == page.status, page.url
        assert answer.body == page.decoded, page.url
        assert fetch(url, {"Accept-Encoding": "gzip"}).body == page.dechunked, page.url
