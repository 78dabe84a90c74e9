"""Processes as /proc shows them: a process's descendants and whether they still run (Linux)."""

from __future__ import annotations

import os
import time
from pathlib import Path


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1])


def descendants(root: int) -> set[int]:
    """Pids of every living process below ``root``."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None and stat[0] != "Z":
                parents[int(entry)] = stat[1]
    found: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def running(pids: set[int]) -> set[int]:
    """The pids of ``pids`` that still run (zombies count as gone)."""
    alive = set()
    for pid in pids:
        stat = _stat(pid)
        if stat is not None and stat[0] != "Z":
            alive.add(pid)
    return alive


def wait_gone(pids: set[int], timeout: float) -> set[int]:
    """Wait up to ``timeout`` s for ``pids`` to end; return those still running."""
    deadline = time.monotonic() + timeout
    left = running(pids)
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = running(left)
    return left
