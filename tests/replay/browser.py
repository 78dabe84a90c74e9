"""Headless Chromium for the replay tests: find it, check it can run, dump a page's DOM."""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    """The first Chromium/Chrome executable on PATH."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def dump_dom(url: str, timeout: float = 60) -> str:
    """Load ``url`` in headless Chromium (scripts run) and return the serialised DOM."""
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        result = subprocess.run(
            [chromium_path(), *FLAGS, f"--user-data-dir={profile}",
             "--virtual-time-budget=5000", "--dump-dom", url],
            capture_output=True, text=True, timeout=timeout,
        )
    if result.returncode != 0:
        raise RuntimeError(f"chromium exited {result.returncode}: {result.stderr[-500:]}")
    return result.stdout


@functools.cache
def why_chromium_cannot_run() -> str | None:
    """None when headless Chromium works here; otherwise the reason (for pytest.skip)."""
    if chromium_path() is None:
        return "no chromium on PATH (Debian: apt-get install chromium; .ci/run installs it)"
    try:
        dom = dump_dom("data:text/html,<p>ok-chromium</p>", timeout=60)
    except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:
        return f"headless chromium cannot run here: {exc}"
    if "ok-chromium" not in dom:
        return "headless chromium ran but rendered nothing"
    return None
