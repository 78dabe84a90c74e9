"""Registered domains from the bundled Public Suffix List: a site is never a host or a port."""

import pytest

from crawler.discovery.domains import registered_domain


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://www.bbc.co.uk/news/world-123", "bbc.co.uk"),
        ("http://news.bbc.co.uk/x", "bbc.co.uk"),
        ("https://edition.cnn.com:8443/2026/11/story", "cnn.com"),
        ("https://m.lemonde.fr/", "lemonde.fr"),
        ("http://WWW.Example.COM./a", "example.com"),
        ("http://127.0.0.1:8000/world/", "127.0.0.1"),
        ("http://127.0.0.1:8001/world/", "127.0.0.1"),
        ("http://localhost:8080/", "localhost"),
        ("http://[::1]:8000/", "::1"),
        ("news.example.org", "example.org"),
        ("", ""),
    ],
)
def test_registered_domain(url, site):
    assert registered_domain(url) == site


def test_no_network_and_no_cache_file(tmp_path, monkeypatch):
    """The snapshot shipped with tldextract is used: nothing downloaded, nothing written."""
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("registered_domain tried to use the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setenv("HOME", str(tmp_path))
    registered_domain.cache_clear()
    assert registered_domain("https://www.theguardian.com/uk") == "theguardian.com"
    assert list(tmp_path.iterdir()) == []
