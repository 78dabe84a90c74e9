"""The two origins of `crawler replay`: the archive browser on one port, replayed pages on another.

Archived pages run their own scripts when replayed (that is what makes them look as they did).
Served from the browser's origin, such a script could read the browser's pages (the search
results, the list of fetched pages) and send them elsewhere. So replayed content has an origin of
its own (the same host, another port) and the browser's origin serves no archived byte. Raw
(``id_``) replay, which has no client-side rewriting at all, also gets a ``sandbox`` CSP: the
page runs in an opaque origin with scripts off.

Both servers check the ``Host`` header when bound to a loopback address: a web page on the
internet can point a name of its own at 127.0.0.1 (DNS rebinding) and would then be same-origin
with the replay; only loopback names are accepted.

Pure WSGI, no gevent: the servers are made in :mod:`crawler.replay.pywbapp`.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from collections.abc import Callable, Iterable
from typing import Any

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]

#: Raw replay: ``/{collection}/{timestamp}id_/{url}`` (timestamp optional).
_RAW_RE = re.compile(r"^/[^/]+/[0-9]*id_/")
#: A host name safe to put into a URL and a header: a DNS name, IPv4, or bracketed IPv6.
_SAFE_HOST_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\]")
#: The header that makes a document an opaque-origin sandbox with scripts, forms, popups off.
RAW_CSP = ("Content-Security-Policy", "sandbox")


def is_loopback_host(host: str) -> bool:
    """True for ``localhost``, ``*.localhost``, 127.0.0.0/8 and ::1 (brackets allowed)."""
    name = host.strip().rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The host part of a ``Host`` header (``[::1]:8080`` gives ``[::1]``)."""
    header = header.strip()
    if header.startswith("["):
        return header[: header.find("]") + 1] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def request_host(environ: Environ) -> str:
    """The host name the client used (``Host``), else the address the server is bound to.

    It goes into links, a ``Location`` and the CSP: anything but a plain DNS name or IP address
    (``;``, spaces, quotes) is ignored.
    """
    for candidate in (environ.get("HTTP_HOST"), environ.get("SERVER_NAME")):
        name = host_name(candidate or "")
        if _SAFE_HOST_RE.fullmatch(name):
            return name
    return "127.0.0.1"


def guard_hosts(app: WsgiApp, bind: str) -> WsgiApp:
    """``app`` refusing (403) a ``Host`` that is not a loopback name, when ``bind`` is loopback.

    Bound to another address (``--host 0.0.0.0``, a LAN address) any name is served: the user
    asked for other machines to connect, by whatever name they use.
    """
    if not is_loopback_host(bind):
        return app

    def guarded(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        host = environ.get("HTTP_HOST")
        if host is None or is_loopback_host(host_name(host)):
            return app(environ, start_response)
        body = (f"403 Forbidden: this replay answers only to loopback names (127.0.0.1, "
                f"localhost), not {host_name(host)[:100]!r}\n").encode()
        start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8"),
                                         ("Content-Length", str(len(body)))])
        return [body]

    return guarded


def sandbox_raw(app: WsgiApp) -> WsgiApp:
    """``app`` (pywb) adding the sandboxing CSP to every raw (``id_``) answer."""

    def sandboxed(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if not _RAW_RE.match(environ.get("PATH_INFO") or ""):
            return app(environ, start_response)

        def start(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            kept = [(k, v) for k, v in headers if k.lower() != "content-security-policy"]
            return start_response(status, [*kept, RAW_CSP], *exc)

        return app(environ, start)

    return sandboxed


def replay_base(environ: Environ, replay_port: int) -> str:
    """The replay origin as the client reaches it: its host name, the replay port."""
    return f"http://{request_host(environ)}:{replay_port}"


def redirect_to_replay(replay_port: int, collection: str = "archive") -> WsgiApp:
    """Send a replay URL asked of the browser's origin to the replay origin (old bookmarks);
    any other path is a 404 here."""
    prefix = f"/{collection}/"

    def redirect(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if not (environ.get("PATH_INFO") or "/").startswith(prefix):
            body = b"404 Not Found: not a page of the archive browser\n"
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8"),
                                             ("Content-Length", str(len(body)))])
            return [body]
        target = environ.get("REQUEST_URI") or ""
        if not target.startswith("/"):  # absent, or an absolute URL: rebuild it from the path
            query = environ.get("QUERY_STRING") or ""
            target = urllib.parse.quote(environ.get("PATH_INFO") or "/", safe="/:@!$&'()*+,;=~")
            target += f"?{query}" if query else ""
        start_response("302 Found", [("Location", replay_base(environ, replay_port) + target),
                                     ("Content-Length", "0"), ("Cache-Control", "no-store")])
        return [b""]

    return redirect
