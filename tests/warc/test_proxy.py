"""Through an HTTP proxy the WARC holds the exchange with the proxy, exactly as sent."""

from __future__ import annotations

import pytest

from tests.warc.warcs import read_warc, run_crawl, warc_files, warcio_check
from tests.warc.wireserver import WireServer

pytestmark = pytest.mark.slow


def test_exchange_through_http_proxy_is_exact(tmp_path, monkeypatch):
    with WireServer() as proxy:
        monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{proxy.port}")
        monkeypatch.delenv("no_proxy", raising=False)
        monkeypatch.delenv("NO_PROXY", raising=False)
        seen = run_crawl(tmp_path, ["http://news.example/cookies"])
        log = list(proxy.log)
    (path,) = warc_files(tmp_path)
    warcio_check(path)
    records = read_warc(path)
    requests = {r.block: r for r in records if r.type == "request"}
    responses = {r.id: r for r in records if r.type == "response"}
    assert len(log) == len(requests) == 2  # robots.txt and the page
    for entry in log:
        assert entry.received.startswith(b"GET http://news.example/")
        request = requests[entry.received]
        assert responses[request.headers["WARC-Concurrent-To"]].block == entry.sent
        assert request.headers["WARC-Target-URI"].startswith("http://news.example/")
    assert seen[0]["status"] == 200
