"""Worker processes end when the process that started them dies, however it dies.

A pool worker blocks reading its task pipe, and holds both ends of that pipe itself, so when
the crawl is killed (SIGKILL, OOM killer) it never sees end-of-file and lives on for good,
and with it the fork server and resource tracker. Each worker therefore watches its owner:
a pidfd (Linux 5.3+) wakes a daemon thread the moment the owner exits; elsewhere the thread
polls once a second. Pool initializers: :func:`exit_with_owner`, :func:`start_worker`.
"""

from __future__ import annotations

import os
import select
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

POLL_SECONDS = 1.0


def exit_with_owner(owner_pid: int) -> None:
    """Start a daemon thread that ends this process as soon as ``owner_pid`` has exited."""
    thread = threading.Thread(target=_watch, args=(owner_pid,), name="lifeline", daemon=True)
    thread.start()


def ignore_interrupts(owner_pid: int) -> None:
    """Pool initializer: leave Ctrl-C to the owner, and end with it (:func:`exit_with_owner`).

    Ctrl-C on a terminal reaches the whole process group, pool workers included. A worker
    interrupted mid-task sent KeyboardInterrupt back as the task's result, which escaped the
    crawl's error handling and left its graceful stop waiting forever for that page. The
    owner stops its workers itself (pool shutdown, or the lifeline when it exits).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_owner(owner_pid)


def start_worker(
    owner_pid: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()
) -> None:
    """Pool initializer: watch the owner, then run the pool's own initializer."""
    exit_with_owner(owner_pid)
    if initializer is not None:
        initializer(*initargs)


def _watch(owner_pid: int) -> None:
    """Block until the owner is gone, then leave at once (no cleanup: the owner is dead)."""
    try:
        fd = os.pidfd_open(owner_pid)
    except (AttributeError, OSError):
        fd = -1
    if fd >= 0:
        select.select([fd], [], [])  # readable once the owner has exited
    else:
        while _alive(owner_pid):
            time.sleep(POLL_SECONDS)
    os._exit(1)


def _alive(pid: int) -> bool:
    """True while a process with this pid exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
