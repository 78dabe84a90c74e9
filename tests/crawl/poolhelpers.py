"""Functions the process-pool tests run in worker processes (must be importable)."""

from __future__ import annotations

import os
from pathlib import Path


def die_once(flag: str) -> str:
    """Kill the worker the first time (as an out-of-memory kill would); answer after that."""
    path = Path(flag)
    if not path.exists():
        path.write_text("died")
        os._exit(1)
    return "ok"


def square(number: int) -> int:
    """A plain function to run in a worker."""
    return number * number


def interrupted(number: int) -> int:
    """Get Ctrl-C's SIGINT mid-task (a terminal sends it to the whole process group)."""
    import signal
    import time

    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.2)  # a handler that raises would have run by now
    return number
