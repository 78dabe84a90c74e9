"""Helpers for the replay tests: run `crawler replay` in a subprocess, fetch, read WARCs back."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader, DecompressingBufferedReader
from warcio.timeutils import iso_date_to_timestamp

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Fetched:
    """One HTTP answer."""

    status: int
    headers: dict[str, str]
    body: bytes


def fetch(url: str, headers: dict[str, str] | None = None, timeout: float = 20) -> Fetched:
    """GET a URL (no automatic decompression); HTTP errors are returned, not raised."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            headers = {k.lower(): v for k, v in resp.headers.items()}
            return Fetched(resp.status, headers, resp.read())
    except urllib.error.HTTPError as err:
        return Fetched(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())


def free_ports() -> int:
    """A port P on 127.0.0.1 such that P (the browser) and P + 1 (replay) are both free now."""
    for _ in range(50):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            if port >= 65535:
                continue
            with socket.socket() as second:
                try:
                    second.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
                return int(port)
    raise RuntimeError("no two free consecutive ports on 127.0.0.1")


def replay_of(base: str) -> str:
    """The replay origin of a `crawler replay` whose browser is at ``base`` (the next port)."""
    host, port = base.rsplit(":", 1)
    return f"{host}:{int(port) + 1}"


@contextlib.contextmanager
def running_replay(archive_dir: Path, port: int, refresh: float = 0.5) -> Iterator[str]:
    """Run `crawler replay` on 127.0.0.1:port; yield its base URL; stop its process group.

    ``archive_dir`` is an archive folder, or a ``.wacz`` file (``crawler replay FILE.wacz``).
    """
    source = ([str(archive_dir)] if archive_dir.suffix == ".wacz"
              else ["--archive-dir", str(archive_dir)])
    cmd = [sys.executable, "-m", "crawler.cli", "replay", *source,
           "--port", str(port), "--refresh", str(refresh)]
    log = open(archive_dir.parent / f"replay-{port}.log", "w+b")  # noqa: SIM115
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(proc, log, base)
        yield base
    finally:
        _stop_group(proc)
        log.close()


def _wait_for(proc: subprocess.Popen, log, base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log.seek(0)
        output = log.read().decode(errors="replace")
        if proc.poll() is not None:
            raise AssertionError(f"crawler replay exited {proc.returncode}: {output}")
        if f"Open {base}/" in output:
            return
        time.sleep(0.2)
    raise AssertionError("crawler replay did not print its URL in time")


def _stop_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    # pywb is in the same group; make sure it is gone too.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


@dataclass
class Archived:
    """One archived response: URL, 14-digit timestamp, payloads as pywb's id_ mode serves them."""

    url: str
    timestamp: str
    record_type: str
    content_type: str
    status: str
    decoded: bytes  # de-chunked and content-decoded (served to clients not accepting gzip)
    dechunked: bytes  # de-chunked, content coding kept (served with Accept-Encoding: gzip)


def archived_responses(warc_dir: Path) -> Iterator[Archived]:
    """Every response record of the closed WARCs in a folder, read back with warcio."""
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type != "response" or not record.http_headers:
                    continue
                yield _archived(record)


def _archived(record) -> Archived:
    http = record.http_headers
    raw = record.raw_stream.read()
    chunked = "chunked" in (http.get_header("Transfer-Encoding") or "").lower()
    dechunked = raw
    if chunked:
        dechunked = ChunkedDataReader(BytesIO(raw)).read()
    encoding = (http.get_header("Content-Encoding") or "").lower()
    decoded = dechunked
    if encoding in ("gzip", "x-gzip", "deflate", "br"):
        decoded = DecompressingBufferedReader(BytesIO(dechunked), decomp_type=encoding).read()
    return Archived(
        url=record.rec_headers.get_header("WARC-Target-URI"),
        timestamp=iso_date_to_timestamp(record.rec_headers.get_header("WARC-Date")),
        record_type=record.rec_type,
        content_type=http.get_header("Content-Type") or "",
        status=http.get_statuscode(),
        decoded=decoded,
        dechunked=dechunked,
    )


def run_cli(*args: str, cwd: Path = REPO, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `crawler ARGS...` and capture its output."""
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)
