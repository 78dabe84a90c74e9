"""Pages sent as ``Content-Encoding: br`` are decoded; a body that cannot be decoded is an error."""

from __future__ import annotations

import re

import pytest

from crawler.archive.brotlidecode import DecodedTooLarge, brotli_module, unbrotli
from tests.crawl.helpers import FAST, crawler, stored_articles, warc_response_uris
from tests.crawl.sitekit import article, html, serve


def _br(data: bytes) -> bytes:
    compressor = brotli_module().Compressor()
    return compressor.process(data) + compressor.finish()


def test_unbrotli_decodes_and_caps():
    page = article("Brotli story") * 50
    assert unbrotli(_br(page)) == page
    with pytest.raises(DecodedTooLarge):
        unbrotli(_br(b" " * 1_000_000), max_size=100_000)
    with pytest.raises(ValueError, match="truncated"):
        unbrotli(_br(page)[:40])
    exact = b"x" * 200_000  # the cap is on decoded bytes, to the byte
    assert unbrotli(_br(exact), max_size=200_000) == exact
    with pytest.raises(DecodedTooLarge):
        unbrotli(_br(exact), max_size=199_999)


@pytest.mark.slow
def test_br_page_is_decoded_and_a_broken_one_is_a_counted_error(tmp_path):
    good = "/2024/05/01/brotli-encoded-story-about-the-council"
    bad = "/2024/05/02/broken-brotli-story-about-the-port"
    routes = {
        "/": (200, {}, html(f'<a href="{good}">a</a> <a href="{bad}">b</a>')),
        good: (200, {"Content-Encoding": "br"}, _br(article("Brotli story"))),
        bad: (200, {"Content-Encoding": "br"}, _br(article("Broken story"))[:60]),
    }
    with serve(routes) as site:
        run = crawler("crawl", "--archive-dir", str(tmp_path), *FAST, site.url)
        asked = [h for _, path, h in site.hits if path == good]
    assert asked and "br" in asked[0].get("Accept-Encoding", "")
    articles = stored_articles(tmp_path)
    assert good in articles and "council met again" in articles[good].text
    assert bad not in articles
    assert run.returncode == 1, run.stderr
    assert re.search(r"1 errors \(decoding 1\)", run.stdout), run.stdout
    log = next((tmp_path / "logs").glob("crawl-*.log")).read_text()
    assert re.search(r"cannot decode the br body of \S+" + re.escape(bad) + r": ", log), log
    assert site.url + bad.lstrip("/") in warc_response_uris(tmp_path)  # the wire bytes are kept
