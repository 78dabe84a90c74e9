"""Run pywb's server (gevent) as a child process: the browser on one port, replay on another."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from crawler.exceptions import UserError
from crawler.replay.layout import create_new_file

#: The child's module: pywb's ``wayback`` server with our revisit fix (see pywbapp.py).
_PYWB_MODULE = "crawler.replay.pywbapp"
#: Folder holding the ``crawler`` package, so the child imports it from any working folder.
_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])


def check_port_free(host: str, port: int, option: str = "--port") -> None:
    """Raise UserError when ``host:port`` cannot be bound (in use, or not a local address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        # as pywb's server does: closed connections (TIME_WAIT) must not count as "in use"
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UserError(
                    f"port {port} on {host} is already in use; pick another with {option}"
                ) from None
            raise UserError(
                f"cannot listen on {host}:{port} ({exc.strerror}); pass a local address "
                "with --host (default 127.0.0.1)"
            ) from None


class PywbProcess:
    """The browser on ``host:port`` and pywb on ``host:replay_port``; a context manager."""

    def __init__(
        self, root_dir: Path, host: str, port: int, archive_dir: Path, collection: str,
        replay_port: int | None = None,
    ) -> None:
        """Remember where and how to run (replay port: ``port + 1`` unless given); nothing
        starts until :meth:`start`."""
        self.root_dir = root_dir
        self.archive_dir = archive_dir
        self.collection = collection
        self.host = host
        self.port = port
        self.replay_port = replay_port if replay_port is not None else port + 1
        self.log_path = root_dir / "pywb.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def _url(self, port: int) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        """The archive browser's URL (loopback when bound to all interfaces)."""
        return self._url(self.port)

    @property
    def replay_url(self) -> str:
        """The replay origin's URL."""
        return self._url(self.replay_port)

    def start(self, timeout: float = 60.0) -> None:
        """Start pywb and wait until both ports answer; UserError (with its log) if not.

        The log is created afresh and never through a symlink (see ``create_new_file``).
        """
        if self.replay_port == self.port:
            raise UserError(f"--replay-port {self.replay_port} is the browser's --port: the two "
                            "need different ports (default: --port + 1)")
        check_port_free(self.host, self.port)
        check_port_free(self.host, self.replay_port, option="--replay-port")
        with os.fdopen(create_new_file(self.log_path, 0o600), "wb") as log:
            # Same process group as us: Ctrl-C in the terminal reaches both; the child also
            # stops when we die (--parent-pid), so a SIGTERM or SIGKILL never leaves it alone.
            self.proc = subprocess.Popen(
                [sys.executable, "-m", _PYWB_MODULE, "--bind", self.host, "--port", str(self.port),
                 "--replay-port", str(self.replay_port), "--parent-pid", str(os.getpid()),
                 "--archive-dir", str(self.archive_dir), "--collection", self.collection],
                cwd=self.root_dir,
                env=_child_env(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,  # pywb prints a line per index lookup there
                stderr=log,
            )
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        # Paths that touch neither the store nor an index: any answer means the server is up.
        waiting = [self.base_url + "/_browse/style.css", self.replay_url + "/static/wombat.js"]
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                raise UserError(f"pywb did not start: {self.log_tail()} (log: {self.log_path})")
            try:
                with urllib.request.urlopen(waiting[0], timeout=2) as resp:
                    resp.read()
            except urllib.error.HTTPError:
                pass  # an HTTP answer, even an error, means it listens
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
                continue
            waiting.pop(0)
            if not waiting:
                return
        self.stop()
        raise UserError(f"pywb did not answer within {timeout:.0f}s (log: {self.log_path})")

    def alive(self) -> bool:
        """True while the pywb process runs."""
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, lines: int = 3) -> str:
        """The last lines of pywb's log, joined on one line."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "no log"
        tail = [line.strip() for line in text.strip().splitlines()[-lines:]]
        return " | ".join(tail) or "no output"

    def stop(self) -> None:
        """Stop pywb (terminate, then kill after 5 s)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None

    def __enter__(self) -> PywbProcess:
        """Start on entering the block."""
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop on leaving the block."""
        self.stop()


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    parts = [_PACKAGE_PARENT, *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(parts))
    return env
