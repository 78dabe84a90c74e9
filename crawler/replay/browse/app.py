"""The archive browser's WSGI application, and the dispatcher that puts it in front of pywb.

Read-only: each request opens the store read-only (never creating or changing it). Pages are
rendered by Jinja with autoescaping, so everything taken from archived pages (titles, text,
URLs, reasons) is escaped; a strict Content-Security-Policy forbids every script as well.
"""

from __future__ import annotations

import functools
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from crawler.exceptions import UserError
from crawler.replay.browse import filters, views
from crawler.replay.browse.views import Context, NotFound, Request, View
from crawler.replay.layout import ArchiveLayout
from crawler.replay.origins import replay_base

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]

#: The browser's stylesheet (the only file it serves; no scripts at all).
STYLE_PATH = "/_browse/style.css"
_STYLE = Path(__file__).with_name("static") / "style.css"
#: Defence in depth behind autoescaping: no script, no plugin, no form posting elsewhere;
#: images only from the browser itself and the replay origin (an article's lead image).
_CSP = ("default-src 'none'; style-src 'self'; img-src 'self'{replay}; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'")
_SECURITY_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
]
ROUTES: dict[str, View] = {
    "/": views.home,
    "/article": views.article,
    "/diff": views.diff,
    "/pages": views.pages,
}


def template_environment() -> Environment:
    """Jinja templates of the browser, autoescaped, failing loudly on undefined names."""
    env = Environment(
        loader=PackageLoader("crawler.replay.browse", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    filters.install(env)
    return env


class BrowseApp:
    """Serves the archive browser pages of one archive folder (a WSGI application)."""

    def __init__(
        self, archive_dir: str | Path, collection: str, replay_port: int | None = None
    ) -> None:
        """Remember the archive folder, the pywb collection that replays it and the port of the
        replay origin (None: replay links are relative, on this origin)."""
        self.layout = ArchiveLayout(Path(archive_dir).resolve())
        self.collection = collection
        self.replay_port = replay_port
        self.env = template_environment()
        self.env.globals["collection"] = collection
        self.env.globals["style_path"] = STYLE_PATH

    def handles(self, path: str) -> bool:
        """True for the paths this app answers (everything else is pywb's)."""
        return path in ROUTES or path == STYLE_PATH

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        """Answer one request."""
        path = environ.get("PATH_INFO") or "/"
        replay = replay_base(environ, self.replay_port) if self.replay_port else ""
        send = functools.partial(self._send, start_response, replay)
        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            return send("405 Method Not Allowed", "error.html",
                        {"message": "the archive browser is read-only"})
        if path == STYLE_PATH:
            body = _STYLE.read_bytes()
            start_response("200 OK", [("Content-Type", "text/css; charset=utf-8"),
                                      ("Content-Length", str(len(body)))])
            return [body]
        params = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        request = Request({k: v[-1] for k, v in params.items()}, self.layout, replay)
        try:
            template, context = self._view(ROUTES[path], request)
        except NotFound as exc:
            return send("404 Not Found", "error.html", {"message": str(exc)})
        except UserError as exc:
            return send("400 Bad Request", "error.html", {"message": str(exc)})
        # A list page shown with an error in its form (a bad date, bad search syntax) is a 400.
        return send("400 Bad Request" if context.get("error") else "200 OK", template, context)

    def _view(self, view: View, request: Request) -> tuple[str, Context]:
        """Run a view with a read-only store connection (None when there is no store)."""
        conn = None
        if self.layout.store_path.is_file():
            from crawler.store.browse import open_readonly

            conn = open_readonly(self.layout.store_path)
        try:
            return view(conn, request)
        except sqlite3.Error as exc:
            raise UserError(f"cannot read the article store ({exc}); try again") from None
        finally:
            if conn is not None:
                conn.close()

    def _send(
        self, start_response: StartResponse, replay: str, status: str, template: str,
        context: Context,
    ) -> list[bytes]:
        body = self.env.get_template(template).render(replay_base=replay, **context)
        data = body.encode("utf-8")
        csp = _CSP.format(replay=f" {replay}" if replay else "")
        start_response(status, [("Content-Type", "text/html; charset=utf-8"),
                                ("Content-Length", str(len(data))),
                                ("Content-Security-Policy", csp), *_SECURITY_HEADERS])
        return [data]


def mount(browse: BrowseApp, pywb: WsgiApp) -> WsgiApp:
    """One WSGI application: the browser's paths go to ``browse``, the rest to pywb."""

    def dispatch(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if browse.handles(environ.get("PATH_INFO") or "/"):
            return browse(environ, start_response)
        return pywb(environ, start_response)

    return dispatch
