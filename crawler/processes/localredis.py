"""A private redis-server for ``crawler crawl --workers N`` without ``--redis``.

Its data lives in ``ARCHIVE_DIR/frontier/`` (append-only file), so running the same command
again after the whole command was killed resumes the same crawl; it listens on a Unix socket
only (no TCP port). It is stopped when the command ends.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from crawler.exceptions import UserError


class PrivateRedis:
    """Starts (or reuses) the archive folder's own redis-server."""

    def __init__(self, archive_dir: Path) -> None:
        self.folder = archive_dir.resolve() / "frontier"
        # Unix socket paths are short (108 bytes): keep it in the temp folder, named per archive.
        tag = hashlib.blake2b(str(self.folder).encode(), digest_size=6).hexdigest()
        self.socket = Path(tempfile.gettempdir()) / f"newsarchiver-redis-{tag}.sock"
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

        if not self.socket.exists():
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
