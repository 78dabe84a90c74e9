"""A private redis-server for ``crawler crawl --workers N`` without ``--redis``.

Its data lives in ``ARCHIVE_DIR/frontier/`` (append-only file), so running the same command
again after the whole command was killed resumes the same crawl; it listens on a Unix socket
only (no TCP port), in a folder only this user can write (:func:`private_dir`). It is stopped
when the command ends, after its workers (Ctrl-C does not reach it).
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from crawler.exceptions import UserError

try:  # loaded before fork: the child only makes the system call
    _LIBC: Any = ctypes.CDLL(None, use_errno=True)
except OSError:  # not Linux
    _LIBC = None


def private_dir() -> Path:
    """A folder only this user can write: ``$XDG_RUNTIME_DIR/newsarchiver``, else
    ``/tmp/newsarchiver-<uid>`` (created 0700); UserError if another user owns it or can write
    it."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    base = Path(runtime) if runtime and _private(Path(runtime)) else Path(tempfile.gettempdir())
    folder = base / ("newsarchiver" if base != Path(tempfile.gettempdir())
                     else f"newsarchiver-{os.getuid()}")
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot make the private folder {folder} for the crawl's redis-server "
                        f"({exc.strerror or exc}): set XDG_RUNTIME_DIR or TMPDIR") from None
    if not _private(folder):
        raise UserError(f"{folder}, the folder of the crawl's redis-server socket, is not this "
                        "user's alone (another user owns or can write it): remove it, or set "
                        "TMPDIR to a private folder")
    return folder


def _private(folder: Path) -> bool:
    """True if ``folder`` is a real folder owned by this user that no one else can write."""
    try:
        info = folder.lstat()
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and not info.st_mode & 0o022)


def _own_session() -> None:
    """In redis-server: no Ctrl-C from the terminal (we stop it), SIGTERM if we die."""
    os.setsid()
    if _LIBC is not None:
        _LIBC.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class PrivateRedis:
    """Starts (or reuses) the archive folder's own redis-server."""

    def __init__(self, archive_dir: Path) -> None:
        self.folder = archive_dir.resolve() / "frontier"
        # Unix socket paths are short (108 bytes): keep it in a folder of this user's only
        # (never in the shared temp folder, where another user could plant a server).
        tag = hashlib.blake2b(str(self.folder).encode(), digest_size=6).hexdigest()
        self.socket = private_dir() / f"redis-{tag}.sock"
        self.url = f"unix://{self.socket}?db=0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 10.0) -> str:
        """Start redis-server (unless this archive's is running already); return its URL."""
        if self._client() is not None:
            return self.url
        binary = shutil.which("redis-server")
        if binary is None:
            raise UserError("--workers needs redis-server (Debian/Ubuntu: apt-get install "
                            "redis-server) or a running Redis given with --redis URL")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.socket.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [binary, "--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700",
             "--dir", str(self.folder), "--appendonly", "yes", "--save", "",
             "--logfile", str(self.folder / "redis.log")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            # Ctrl-C reaches the workers, which give their URLs back to this server: it must
            # not stop before them (it used to, and they printed "cannot reach Redis").
            preexec_fn=_own_session,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if self._client() is not None:
                return self.url
            time.sleep(0.05)
        self.stop()
        raise UserError(f"redis-server did not start in {self.folder}: see "
                        f"{self.folder / 'redis.log'}")

    def _client(self) -> Any:
        """A connected client, or None if nothing answers on the socket."""
        import redis

        try:
            if self.socket.lstat().st_uid != os.getuid():
                return None  # not ours: never trusted
        except OSError:
            return None
        try:
            client = redis.StrictRedis(unix_socket_path=str(self.socket), socket_timeout=10)
            client.ping()
        except (redis.exceptions.RedisError, OSError):
            return None
        return client

    def stop(self) -> None:
        """Shut the server down (its append-only file keeps the data) if we started it."""
        if self.process is None:
            return
        client = self._client()
        if client is not None:
            try:
                client.shutdown()
            except Exception:  # noqa: BLE001 - redis-py raises on the closed connection
                pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
