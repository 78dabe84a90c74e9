"""A raw-socket HTTP server on 127.0.0.1 that logs the exact bytes it receives and sends.

Each case is a path mapped to a function returning the response bytes (and how to send them),
so tests can compare WARC blocks with what really crossed the wire.
"""

from __future__ import annotations

import gzip
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

HTML = (
    b"<!doctype html><html><head><title>Wire test</title></head><body>"
    b"<p>Caf\xc3\xa9 wire test page with some text.</p>" + b"<p>filler paragraph</p>" * 40
    + b"</body></html>"
)


@dataclass
class Reply:
    """What the server sends: byte pieces (sent with a small pause between) and how it ends."""

    pieces: list[bytes]
    close: bool = False
    pause: float = 0.0


@dataclass
class LoggedExchange:
    """Bytes the server received for one request and the bytes it sent back."""

    path: str
    received: bytes
    sent: bytes = b""
    closed: bool = False


def _chunked(body: bytes, size: int = 100) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size])
             for i in range(0, len(body), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def _ok(headers: bytes, body: bytes, status: bytes = b"200 OK") -> Reply:
    return Reply([b"HTTP/1.1 " + status + b"\r\n" + headers + b"\r\n", body])


def build_cases(big_size: int = 200_000) -> dict[str, Callable[[], Reply]]:
    """The wire cases of issue 3, by path."""
    gz = gzip.compress(HTML, mtime=0)
    big = b"x" * big_size
    return {
        "/robots.txt": lambda: _ok(b"Content-Type: text/plain\r\nContent-Length: 25\r\n",
                                   b"User-agent: *\nAllow: /\n\n\n"),
        "/plain?id=42&x=1": lambda: _ok(
            b"Content-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n" % len(HTML), HTML),
        "/chunked": lambda: _ok(b"Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n",
                                _chunked(HTML)),
        "/gzip": lambda: _ok(b"Content-Type: text/html\r\nContent-Encoding: gzip\r\n"
                             b"Content-Length: %d\r\n" % len(gz), gz),
        "/gzip-chunked": lambda: _ok(b"Content-Type: text/html\r\nContent-Encoding: gzip\r\n"
                                     b"Transfer-Encoding: chunked\r\n", _chunked(gz, 37)),
        "/cookies": lambda: _ok(b"Content-Type: text/html\r\nSet-Cookie: a=1; Path=/\r\n"
                                b"Set-Cookie: b=2; Path=/\r\nContent-Length: %d\r\n" % len(HTML),
                                HTML),
        "/reason": lambda: _ok(b"Content-Type: text/html\r\nContent-Length: %d\r\n" % len(HTML),
                               HTML, b"200 Fine Thanks"),
        "/weird-headers": lambda: _ok(
            b"content-TYPE: text/html\r\nX-Weird-CASE: one\r\nx-weird-case: two\r\n"
            b"X-Tight:no-space\r\nVary: Accept\r\nVary: Cookie\r\n"
            b"Content-Length: %d\r\n" % len(HTML), HTML),
        "/r1": lambda: _ok(b"Location: /r2\r\nContent-Length: 0\r\n", b"",
                           b"301 Moved Permanently"),
        "/r2": lambda: _ok(b"Location: /plain?id=42&x=1\r\nContent-Length: 5\r\n", b"moved",
                           b"302 Found"),
        "/missing": lambda: _ok(b"Content-Type: text/html\r\nContent-Length: 9\r\n", b"not found",
                                b"404 Not Found"),
        "/error": lambda: _ok(b"Content-Type: text/html\r\nContent-Length: 5\r\n", b"oops!",
                              b"500 Internal Server Error"),
        "/big-chunked": lambda: Reply(
            [b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"]
            + [_chunked(big[i:i + 4096], 4096)[:-5] for i in range(0, big_size, 4096)]
            + [b"0\r\n\r\n"], pause=0.002),
        "/big-declared": lambda: _ok(b"Content-Type: text/plain\r\nContent-Length: %d\r\n"
                                     % big_size, big),
        "/dropped": lambda: Reply([b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                   b"Content-Length: 5000\r\n\r\n", HTML[:700]], close=True),
        "/etag": lambda: _ok(b'Content-Type: text/html\r\nETag: "v1"\r\n'
                             b"Content-Length: %d\r\n" % len(HTML), HTML),
        "/slow": lambda: Reply([b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                b"Content-Length: %d\r\n\r\n" % len(HTML) + HTML[:300],
                                HTML[300:]], pause=2.5),
        "/extra": lambda: Reply([b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
                                 b"TRAILING GARBAGE"], close=True),
        "/http10": lambda: Reply([b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n", HTML],
                                 close=True),
    }


@dataclass
class WireServer:
    """Threaded raw-socket server; ``log`` lists every exchange in arrival order."""

    cases: dict[str, Callable[[], Reply]] = field(default_factory=build_cases)
    log: list[LoggedExchange] = field(default_factory=list)
    port: int = 0
    #: Pause before the end of each /page/N answer (slows a crawl down for kill tests).
    page_pause: float = 0.0
    #: Serve HTTPS with this server-side context (the log holds the plaintext).
    tls: ssl.SSLContext | None = None

    def __post_init__(self) -> None:
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", self.port))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def url(self, path: str) -> str:
        """Absolute URL of a path on this server."""
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def start(self) -> WireServer:
        """Start accepting connections in a background thread."""
        thread = threading.Thread(target=self._accept_loop, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop accepting and close the listening socket."""
        self._stop.set()
        self._sock.close()
        for thread in self._threads:
            thread.join(timeout=2)

    def __enter__(self) -> WireServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _accept_loop(self) -> None:
        self._sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        if self.tls is not None:
            try:
                conn = self.tls.wrap_socket(conn, server_side=True)
            except OSError:
                conn.close()
                return
        buffer = b""
        with conn:
            while not self._stop.is_set():
                while b"\r\n\r\n" not in buffer:
                    try:
                        data = conn.recv(65536)
                    except OSError:
                        return
                    if not data:
                        return
                    buffer += data
                head, buffer = buffer.split(b"\r\n\r\n", 1)
                if not self._answer(conn, head + b"\r\n\r\n"):
                    return

    def _reply(self, path: str, request: bytes) -> Reply:
        if path == "/etag" and b"\r\nif-none-match:" in request.lower():
            return _ok(b'ETag: "v1"\r\n', b"", b"304 Not Modified")
        if path.startswith("/page/"):
            body = HTML.replace(b"Wire test", path.encode())
            reply = _ok(b"Content-Type: text/html\r\nContent-Length: %d\r\n" % len(body), body)
            reply.pause = self.page_pause
            return reply
        factory = self.cases.get(path) or self.cases.get(path.split("?")[0])
        return factory() if factory else _ok(b"Content-Length: 2\r\n", b"no", b"404 Not Found")

    def _answer(self, conn: socket.socket, request: bytes) -> bool:
        path = request.split(b" ", 2)[1].decode("latin-1")
        if path.startswith("http://"):  # absolute-form: we are being used as a proxy
            path = "/" + path.split("/", 3)[3]
        reply = self._reply(path, request)
        entry = LoggedExchange(path, request)
        with self._lock:
            self.log.append(entry)
        try:
            for piece in reply.pieces:
                conn.sendall(piece)
                entry.sent += piece
                if reply.pause:
                    time.sleep(reply.pause)
        except OSError:
            return False
        if reply.close:
            entry.closed = True
            conn.shutdown(socket.SHUT_WR)
            return False
        return True
