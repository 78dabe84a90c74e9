"""The Scrapy side of requisites, piece by piece: host rules on the way out, outcomes counted."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import CannotResolveHostError, DownloadCancelledError, IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.frontier import TASK_META_KEY, CrawlTask, Frontier, FrontierConfig, LocalBackend
from crawler.frontier.requisites import REQUISITE, RequisiteConfig
from crawler.middlewares import RequisiteHostsMiddleware
from crawler.spiders.requisites import requisite_failure_kind, requisite_outcome
from tests.frontier.test_frontier import Stats


@pytest.fixture
def middleware(tmp_path):
    frontier = Frontier(LocalBackend(directory=str(tmp_path)),
                        FrontierConfig(requisites=RequisiteConfig()), Stats())
    yield RequisiteHostsMiddleware(frontier, None)  # type: ignore[arg-type]
    frontier.close()


def _request(url: str, role: str = REQUISITE) -> Request:
    return Request(url, meta={TASK_META_KEY: CrawlTask(url, role=role)})


def test_a_requisite_redirected_to_a_private_address_is_dropped(middleware):
    task = CrawlTask("https://cdn.example/a.png", role=REQUISITE)
    middleware.process_request(Request(task.url, meta={TASK_META_KEY: task}))
    redirected = Request("http://169.254.169.254/latest/", meta={TASK_META_KEY: task})
    with pytest.raises(IgnoreRequest, match="private address"):
        middleware.process_request(redirected)
    middleware.process_request(_request("http://127.0.0.1/page", role="article"))  # pages: no


def test_an_unreachable_host_fails_its_next_requisites_at_once(middleware):
    first = _request("https://gone.example/a.js")
    middleware.process_request(first)
    robots = Request("https://gone.example/robots.txt", meta={"dont_obey_robotstxt": True})
    middleware.process_request(robots)
    assert robots.meta["download_timeout"] == 10.0 and robots.meta["max_retry_times"] == 0
    middleware.process_exception(first, CannotResolveHostError("no such host"))
    with pytest.raises(IgnoreRequest, match="host unreachable"):
        middleware.process_request(_request("https://gone.example/b.png"))
    middleware.process_request(_request("https://up.example/c.png"))


def test_a_page_hosts_robots_txt_keeps_its_retries(middleware):
    middleware.process_request(_request("https://news.example/", role="seed"))
    middleware.process_request(_request("https://news.example/logo.png"))
    robots = Request("https://news.example/robots.txt", meta={"dont_obey_robotstxt": True})
    middleware.process_request(robots)
    assert "max_retry_times" not in robots.meta


def _failure(error: Exception, url: str = "https://cdn.example/a.png") -> Failure:
    failure = Failure(error)
    failure.request = _request(url)  # type: ignore[attr-defined]
    return failure


def _http(status: int) -> HttpError:
    return HttpError(Response("https://cdn.example/a.png", status=status), "ignored")


@pytest.mark.parametrize(("error", "outcome", "kind"), [
    (_http(404), "failed", "http-404"),
    (_http(304), "not_modified", None),
    (IgnoreRequest("Forbidden by robots.txt"), "robots_blocked", None),
    (DownloadCancelledError("maxsize"), "over_limit", None),
    (IgnoreRequest("host unreachable: x"), "failed", "unreachable"),
    (CannotResolveHostError("x"), "failed", "dns"),
    (TimeoutError(), "failed", "timeout"),
])
def test_outcomes(error, outcome, kind):
    failure = _failure(error)
    assert requisite_outcome(failure) == outcome
    assert requisite_failure_kind(failure) == kind
