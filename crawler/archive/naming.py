"""WARC file names: ``{prefix}-{UTC timestamp}-{serial}-{hostname}-{pid}.warc.gz`` (+ ``.open``)."""

from __future__ import annotations

import os
import re
import socket
from datetime import UTC, datetime

OPEN_SUFFIX = ".open"
_UNSAFE = re.compile(r"[^A-Za-z0-9._]+")


def safe_hostname() -> str:
    """The machine's hostname with characters that are awkward in file names replaced."""
    return _UNSAFE.sub("_", socket.gethostname()) or "localhost"


def warc_filename(
    prefix: str,
    serial: int,
    gzip: bool = True,
    moment: datetime | None = None,
    hostname: str | None = None,
    pid: int | None = None,
) -> str:
    """Build the final name of a WARC file (without the ``.open`` suffix)."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    stamp = moment.strftime("%Y%m%d%H%M%S") + f"{moment.microsecond // 1000:03d}"
    host = hostname or safe_hostname()
    ext = ".warc.gz" if gzip else ".warc"
    return f"{prefix}-{stamp}-{serial:05d}-{host}-{pid or os.getpid()}{ext}"


def is_warc_name(name: str) -> bool:
    """True for a finished WARC file name (``.warc`` or ``.warc.gz``)."""
    return name.endswith((".warc.gz", ".warc"))
