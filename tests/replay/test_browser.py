"""A real browser (headless Chromium) reads the replayed article through `crawler replay`."""

from __future__ import annotations

import pytest

from tests.replay.browser import dump_dom, why_chromium_cannot_run
from tests.replay.replayhelp import fetch, free_ports, replay_of, running_replay

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_chromium_reads_replayed_article(sample_archive):
    reason = why_chromium_cannot_run()
    if reason:
        pytest.skip(reason)
    root, pages = sample_archive
    page = pages[3]  # gzip + chunked on the wire: the hardest to replay
    with running_replay(root, free_ports()) as base:
        listing = fetch(base + "/").body.decode()
        link = f"{replay_of(base)}/archive/20260102030405/{page.url}"
        assert f'href="{link}"' in listing  # what the user clicks
        dom = dump_dom(link)
    assert page.paragraph in dom
    assert f"<h1>{page.title}</h1>" in dom
    assert "newsarchiver-banner" in dom  # the archive banner was added by script
