"""Entry point of the pywb child process: pywb's ``wayback`` server plus one revisit fix.

pywb replays a revisit with the revisit's own HTTP headers over the original's payload. When the
two responses were framed or coded differently (the original chunked and gzip-encoded, the
revisit not; or a ``304 Not Modified`` answer recorded as a server-not-modified revisit), the
browser would get the original's raw bytes under the wrong headers (or a 304 with a body). So for
revisits we take the payload-describing headers from the original record (and, for a 304, its
status line and all headers), which is what the revisit stands for.

A truncated record (``WARC-Truncated``: body cut by a size limit, a timeout or a lost connection)
keeps the server's ``Content-Length`` for the full body; replayed as-is, every client would wait
for bytes that never come. We drop that header so pywb streams what was captured, then ends.

The archive browser (:mod:`crawler.replay.browse`: search, article pages, diffs) runs in this
same process on a port of its own, ``--port``; pywb replays on ``--replay-port``: two origins, so
no archived page's script can read the browser (:mod:`crawler.replay.origins`).

Run as ``python -m crawler.replay.pywbapp --archive-dir DIR --bind HOST --port PORT
--replay-port PORT2 --parent-pid PID`` in the pywb root folder. It stops when its parent dies.
"""

from gevent.monkey import patch_all

patch_all()

# ruff: noqa: E402 - gevent must patch the standard library before anything else is imported.
import argparse
import os
import signal
import sys
from typing import Any

from gevent.pywsgi import WSGIServer
from pywb.apps.cli import WaybackCli
from pywb.utils.geventserver import RequestURIWSGIHandler
from pywb.warcserver.index.cdxobject import CDXObject
from pywb.warcserver.resource.resolvingloader import ResolvingLoader
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders

from crawler.archive import readlimits  # noqa: F401 - caps brotli bodies pywb decodes
from crawler.replay.origins import guard_hosts, redirect_to_replay, sandbox_raw

#: Headers that describe the payload bytes rather than the response.
PAYLOAD_HEADERS = ("Transfer-Encoding", "Content-Encoding", "Content-Length")

_original_load = ResolvingLoader.load_headers_and_payload


def align_revisit_headers(revisit_http: StatusAndHeaders, original_http: StatusAndHeaders) -> None:
    """Make a revisit's HTTP headers describe the original's payload bytes (in place)."""
    if revisit_http.get_statuscode() == "304":
        revisit_http.statusline = original_http.statusline
        revisit_http.protocol = original_http.protocol
        revisit_http.headers = list(original_http.headers)
        return
    for name in PAYLOAD_HEADERS:
        revisit_http.remove_header(name)
        value = original_http.get_header(name)
        if value is not None:
            revisit_http.add_header(name, value)


def _load_headers_and_payload(
    self: ResolvingLoader, cdx: CDXObject, failed_files: list[str], cdx_loader: Any
) -> tuple[ArcWarcRecord | None, ArcWarcRecord | None]:
    if cdx.get("mime") == "warc/revisit" and cdx.get("status") == "304" and cdx.get("filename"):
        # pywb would replay any 3xx revisit as-is, empty; a 304 revisit stands for the original.
        headers_record = self._resolve_path_load(cdx, False, failed_files)
        payload_record = self._load_different_url_payload(
            cdx, headers_record, failed_files, cdx_loader
        )
    else:
        headers_record, payload_record = _original_load(self, cdx, failed_files, cdx_loader)
    if (
        headers_record is not None
        and payload_record is not None
        and headers_record is not payload_record
        and headers_record.rec_type == "revisit"
        and headers_record.http_headers
        and headers_record.http_headers.headers
        and payload_record.http_headers
    ):
        align_revisit_headers(headers_record.http_headers, payload_record.http_headers)
    if (
        payload_record is not None
        and payload_record.rec_headers.get_header("WARC-Truncated")
        and headers_record is not None
        and headers_record.http_headers
    ):
        headers_record.http_headers.remove_header("Content-Length")
    return headers_record, payload_record


class BrowsingWaybackCli(WaybackCli):  # type: ignore[misc]  # pywb has no type information
    """pywb's ``wayback`` command serving two origins: the browser and pywb's replay."""

    archive_dir = "."
    collection = "archive"
    replay_port = 8081

    def run_gevent(self) -> None:
        """Serve the browser on ``--port`` and pywb on ``--replay-port`` until stopped."""
        from crawler.replay.browse.app import BrowseApp, mount

        bind = self.r.bind
        browse = BrowseApp(self.archive_dir, self.collection, replay_port=self.replay_port)
        front = mount(browse, redirect_to_replay(self.replay_port, self.collection))
        replay = WSGIServer((bind, self.replay_port), guard_hosts(sandbox_raw(self.application),
                            bind), handler_class=RequestURIWSGIHandler)
        browser = WSGIServer((bind, self.r.port), guard_hosts(front, bind),
                             handler_class=RequestURIWSGIHandler)
        replay.start()
        browser.serve_forever()


def die_with_parent(parent: int) -> None:
    """Stop when the ``crawler replay`` process that started us is gone (Linux: at once)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if parent and os.getppid() != parent:  # it died before we asked to be told
        sys.exit(0)


def main(argv: list[str] | None = None) -> None:
    """Install the revisit fix and serve the browser and pywb (other arguments as ``wayback``)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--archive-dir", default=".")
    parser.add_argument("--collection", default="archive")
    parser.add_argument("--replay-port", type=int, default=8081)
    parser.add_argument("--parent-pid", type=int, default=0)
    ours, rest = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    die_with_parent(ours.parent_pid)
    ResolvingLoader.load_headers_and_payload = _load_headers_and_payload
    BrowsingWaybackCli.archive_dir = ours.archive_dir
    BrowsingWaybackCli.collection = ours.collection
    BrowsingWaybackCli.replay_port = ours.replay_port
    BrowsingWaybackCli(args=rest, default_port=8080, desc="pywb with the archive browser").run()


if __name__ == "__main__":
    main()
