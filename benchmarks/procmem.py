"""Peak resident memory of every process of a process tree, as the kernel counts it (Linux).

``getrusage().ru_maxrss`` is not the peak of a process's own memory: on Linux a process
started by fork and exec carries the RSS its parent had at the fork as its own maximum. A
crawl started by a benchmark that serves a 100,000-page site from memory reports the server's
size. ``VmHWM`` in ``/proc/<pid>/status`` is the high-water mark of the process's current
memory only, so that is what we report (:func:`crawler.shell.extensions.memory.peak_rss_kb`).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from crawler.shell.extensions.memory import peak_rss_kb


def _parent_of(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    # The command name, in parentheses, may hold spaces: the fields follow the last ")".
    return int(stat.rsplit(")", 1)[1].split()[1])


class TreePeaks:
    """Follows the peak RSS of every process under one root while it runs (a sampling thread).

    ``VmHWM`` only rises, so a sample every ``interval`` seconds misses only what a process
    gains in its last interval. Use as a context manager around the run.
    """

    def __init__(self, root: int, interval: float = 0.2) -> None:
        """``root``: the pid whose descendants are followed (the root itself included)."""
        self.root = root
        self.interval = interval
        self.peaks: dict[int, int] = {}
        self.depths: dict[int, int] = {root: 0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreePeaks:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def largest_below(self, depth: int) -> int:
        """The largest peak (kB) of the processes more than ``depth`` generations below."""
        return max((kb for pid, kb in self.peaks.items() if self.depths.get(pid, 0) > depth),
                   default=0)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        """Read the peak of every process now in the tree."""
        pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
        parents = {pid: _parent_of(pid) for pid in pids}
        for pid in pids:
            depth = self._depth(pid, parents)
            if depth is not None:
                self.depths[pid] = depth
                self.peaks[pid] = max(self.peaks.get(pid, 0), peak_rss_kb(pid))

    def _depth(self, pid: int, parents: dict[int, int]) -> int | None:
        steps, node = 0, pid
        while node and node != self.root:
            if node in self.depths and node != pid:
                return self.depths[node] + steps
            node, steps = parents.get(node, 0), steps + 1
        return steps if node == self.root else None
