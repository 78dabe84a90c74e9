"""Work done once per test run, shared by every test and every pytest-xdist worker that reads it.

Session-scoped fixtures run once per *process*; with ``pytest -n N`` each worker is its own
process. :func:`run_once` builds a folder under the run's shared temporary root behind a file
lock, so the first worker to ask builds it and the others wait for it and read the same one.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

_DONE = ".built"


def shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of this test run that every xdist worker sees."""
    base = tmp_path_factory.getbasetemp()
    # Each xdist worker gets its own basetemp (``.../popen-gw0``) below the run's folder.
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def run_once(tmp_path_factory: pytest.TempPathFactory, name: str,
             build: Callable[[Path], None]) -> Path:
    """The folder ``name`` of this test run, filled by ``build(folder)`` the first time it is asked.

    A build that raises leaves nothing behind, so the next test asking for it tries again (and
    reports the same failure) instead of reading half a folder.
    """
    root = shared_root(tmp_path_factory)
    folder = root / f"once-{name}"
    with open(root / f"once-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if (folder / _DONE).exists():
            return folder
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        try:
            build(folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        (folder / _DONE).touch()
    return folder


def copy_folder(source: Path, target: Path) -> Path:
    """A private copy of a shared folder (for a test that changes it); returns ``target``."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(_DONE))
    return target
