"""Fixtures of the crawl tests: the demo site on a free port, per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crawler.demosite import DemoSiteServer, build_site


@pytest.fixture
def demo() -> Iterator[DemoSiteServer]:
    """The bundled demo site (edition 1) served on 127.0.0.1 for one test."""
    with DemoSiteServer(port=0) as server:
        yield server


@pytest.fixture(scope="session")
def article_paths() -> set[str]:
    """URL paths of every article of edition 1."""
    return {a.path for a in build_site(1).articles}


@pytest.fixture
def free_tcp_port() -> int:
    """A port on 127.0.0.1 with nothing listening."""
    from tests.conftest import free_port

    return free_port()
