"""The crawl's scope for redirects: hosts, ports and address classes."""

from __future__ import annotations

import pytest

from crawler.discovery import Scope, address_class


@pytest.mark.parametrize(("host", "kind"), [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("localhost", "loopback"),
    ("api.localhost", "loopback"), ("[::1]", "loopback"), ("0.0.0.0", "loopback"),
    ("::ffff:127.0.0.1", "loopback"), ("10.1.2.3", "private"), ("192.168.0.1", "private"),
    ("172.16.5.4", "private"), ("fd00::1", "private"), ("169.254.169.254", "link-local"),
    ("fe80::1", "link-local"), ("93.184.216.34", "public"), ("news.example.com", "public"),
])
def test_address_class(host, kind):
    assert address_class(host) == kind


def test_public_seed_scope():
    scope = Scope.for_seeds(["https://news.example/"])
    assert scope.refusal("https://news.example/a") is None
    assert scope.refusal("http://www.news.example/a") is None  # http and https, subdomains
    assert scope.refusal("https://news.example:8443/a") == "other-port"
    assert scope.refusal("https://other.example/a") == "other-host"
    for internal in ("http://127.0.0.1/", "http://localhost/", "http://10.0.0.5/",
                     "http://169.254.169.254/latest/meta-data/", "http://[::1]/"):
        assert scope.refusal(internal) == "internal-address", internal


def test_local_seed_scope_allows_its_own_address_only():
    scope = Scope.for_seeds(["http://127.0.0.1:8000/"])
    assert scope.internal_ok
    assert scope.refusal("http://127.0.0.1:8000/x") is None
    assert scope.refusal("http://127.0.0.1:6379/") == "other-port"
    assert scope.refusal("http://localhost:8000/") == "other-host"


def test_allowed_domains_and_widening():
    scope = Scope.for_seeds(["https://a.example/"], ["a.example", "cdn.b.example"])
    assert scope.refusal("https://x.cdn.b.example/") is None
    wide = scope.widened("https://c.example/")
    assert wide.refusal("https://c.example/story") is None
    assert scope.refusal("https://c.example/story") == "other-host"
