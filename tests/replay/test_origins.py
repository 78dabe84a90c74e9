"""The two origins in process: Host names, the raw sandbox, the redirect; lead images."""

from __future__ import annotations

import pytest

from crawler.replay.browse.leadimage import image_from_html
from crawler.replay.origins import (
    guard_hosts,
    host_name,
    is_loopback_host,
    redirect_to_replay,
    sandbox_raw,
)


@pytest.mark.parametrize(("host", "loopback"), [
    ("localhost", True), ("LOCALHOST.", True), ("app.localhost", True), ("127.0.0.1", True),
    ("127.200.0.9", True), ("[::1]", True), ("::1", True),
    ("localhost.attacker.example", False), ("127.0.0.1.nip.io", False), ("10.0.0.1", False),
    ("0.0.0.0", False), ("", False), ("[::ffff:8.8.8.8]", False),
])
def test_loopback_names(host, loopback):
    assert is_loopback_host(host) is loopback


def test_host_name_drops_the_port():
    assert host_name("localhost:8080") == "localhost"
    assert host_name("[::1]:8080") == "[::1]"
    assert host_name("example.org") == "example.org"


def _call(app, path="/", **environ):
    answer: dict = {}
    env = {"PATH_INFO": path, "QUERY_STRING": "", **environ}
    body = b"".join(app(env, lambda status, headers, *exc: answer.update(
        status=status, headers=dict(headers))))
    return answer["status"], answer["headers"], body


def _ok(environ, start_response):
    start_response("200 OK", [("Content-Security-Policy", "default-src *")])
    return [b"ok"]


def test_guard_on_loopback_bind_refuses_other_names():
    app = guard_hosts(_ok, "127.0.0.1")
    assert _call(app, HTTP_HOST="evil.example:8080")[0].startswith("403")
    assert _call(app, HTTP_HOST="localhost:8080")[0] == "200 OK"
    assert _call(app)[0] == "200 OK"  # HTTP/1.0 without Host: no name to rebind
    assert _call(guard_hosts(_ok, "0.0.0.0"), HTTP_HOST="news.lan")[0] == "200 OK"


def test_raw_replay_gets_the_sandbox_and_nothing_else_does():
    app = sandbox_raw(_ok)
    for path in ("/archive/20260102030405id_/http://x.example/", "/archive/id_/http://x/"):
        assert _call(app, path)[1]["Content-Security-Policy"] == "sandbox"
    assert _call(app, "/archive/20260102030405/http://x.example/")[1][
        "Content-Security-Policy"] == "default-src *"


def test_browser_origin_redirects_replay_urls_to_the_replay_origin():
    status, headers, _ = _call(redirect_to_replay(9091), "/archive/2026/http://x.example/a?b=1",
                               HTTP_HOST="localhost:9090",
                               REQUEST_URI="/archive/2026/http://x.example/a?b=1")
    assert status == "302 Found"
    assert headers["Location"] == "http://localhost:9091/archive/2026/http://x.example/a?b=1"


@pytest.mark.parametrize(("head", "expected"), [
    ('<meta property="og:image" content="/img/a.png">', "https://news.example/img/a.png"),
    ('<meta content="https://cdn.example/b.jpg" name="twitter:image">', "https://cdn.example/b.jpg"),
    ('<link rel="image_src" href="c.png">', "https://news.example/2026/c.png"),
    ('<script type="application/ld+json">[{"@type": "NewsArticle", "image": '
     '[{"url": "https://cdn.example/d.png"}]}]</script>', "https://cdn.example/d.png"),
    ('<meta property="og:image" content="javascript:alert(1)">', None),
    ("<title>No image</title>", None),
])
def test_lead_image_from_the_archived_page(head, expected):
    html = f"<html><head>{head}</head><body><p>Text</p></body></html>".encode()
    assert image_from_html(html, "https://news.example/2026/story") == expected


def test_a_hostile_host_header_never_reaches_links_or_headers():
    from crawler.replay.origins import replay_base

    for host in ("x; script-src *", 'x"><script>', "x\r\nSet-Cookie: a=b"):
        assert replay_base({"HTTP_HOST": host, "SERVER_NAME": "0.0.0.0"}, 9091) == \
            "http://0.0.0.0:9091"
    assert replay_base({"HTTP_HOST": "news.lan:9090"}, 9091) == "http://news.lan:9091"


def test_browser_origin_answers_other_paths_itself():
    status, _, _ = _call(redirect_to_replay(9091), "/favicon.ico", HTTP_HOST="localhost:9090")
    assert status == "404 Not Found"


def test_an_empty_og_image_is_no_image():
    html = b'<html><head><meta property="og:image" content=""></head><body></body></html>'
    assert image_from_html(html, "https://news.example/2026/story") is None
