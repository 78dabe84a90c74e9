"""The archive folder a crawl writes into: proved writable, and locked against the same crawl."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import IO

from crawler.exceptions import UserError
from crawler.processes.jobs import CrawlJob


def check_archive_dir(path: Path) -> Path:
    """Create the archive folder if needed and prove it is writable; UserError if not."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-test-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UserError(
            f"archive folder {path} is not writable ({reason}): choose another --archive-dir"
        ) from None
    return path


def crawl_key(jobs: list[CrawlJob]) -> str:
    """What makes two crawls the same crawl: their sites' names and seeds."""
    text = "\n".join(sorted(f"{job.name}\t{' '.join(sorted(job.seeds))}" for job in jobs))
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def lock_archive(path: Path, key: str, shared: bool = False) -> IO[str]:
    """Lock the crawl ``key`` (its sites and seeds) in the archive folder; UserError if it runs.

    The same crawl twice into one folder at once would fetch everything twice; it is refused.
    The workers of a shared crawl share the lock (``shared``), never with a crawl of its own;
    crawls of other sites (``crawler schedule`` runs several at once) go on side by side. The
    lock (``flock`` on ``.locks/crawl-KEY.lock``) ends with the process, however it ends.
    """
    import fcntl

    (path / ".locks").mkdir(exist_ok=True)
    handle = open(path / ".locks" / f"crawl-{key}.lock", "a+")  # noqa: SIM115 - held
    try:
        fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip()
        handle.close()
        who = f"process {holder}" if holder.isdigit() else "workers of a shared crawl"
        raise UserError(f"archive folder {path} is in use by the same crawl ({who}): wait for "
                        "it to end, or choose another --archive-dir") from None
    if not shared:
        handle.truncate(0)
        handle.write(str(os.getpid()))
        handle.flush()
    return handle
