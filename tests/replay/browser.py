"""Headless Chromium for the replay tests: find it, check it can run, dump a DOM, drive it."""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import websocket

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


def _query(selector: str) -> str:
    """JavaScript for the first element matching a CSS selector."""
    return f"document.querySelector({json.dumps(selector)})"


class Chromium:
    """Headless Chromium driven over the DevTools protocol: open, click, type, read, screenshot.

    A context manager; one tab; every wait is bounded by ``timeout`` seconds.
    """

    def __init__(self, timeout: float = 30, width: int = 1200, height: int = 900) -> None:
        """Remember the limits; the browser starts on entering the block."""
        self.timeout = timeout
        self.size = (width, height)
        self.proc: subprocess.Popen | None = None
        self.events: list[dict] = []
        self._next_id = 0

    def __enter__(self) -> Chromium:
        """Start Chromium with a fresh profile and attach to its tab."""
        # Chromium's helpers may still write to the profile for a moment after it stops.
        self._profile = tempfile.TemporaryDirectory(prefix="chromium-", ignore_cleanup_errors=True)
        self.proc = subprocess.Popen(
            [chromium_path(), *FLAGS, f"--user-data-dir={self._profile.name}",
             "--remote-debugging-port=0", "--remote-allow-origins=*", "--hide-scrollbars",
             f"--window-size={self.size[0]},{self.size[1]}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        try:
            self._attach(Path(self._profile.name) / "DevToolsActivePort")
        except BaseException:
            self.__exit__()
            raise
        return self

    def _attach(self, port_file: Path) -> None:
        deadline = time.monotonic() + self.timeout
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("chromium did not open its DevTools port")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as resp:
            tabs = [t for t in json.load(resp) if t.get("type") == "page"]
        self.ws = websocket.create_connection(tabs[0]["webSocketDebuggerUrl"],
                                              timeout=self.timeout, suppress_origin=True)
        self.call("Page.enable")
        self.call("Runtime.enable")

    def __exit__(self, *exc: object) -> None:
        """Close the connection, stop Chromium, remove the profile."""
        if getattr(self, "ws", None) is not None:
            with contextlib.suppress(Exception):
                self.ws.close()
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
            # The renderer, GPU and crash-handler processes share its session: stop them too.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        self._profile.cleanup()

    def call(self, method: str, **params: object) -> dict:
        """Send one DevTools command and return its result (events are kept in ``events``)."""
        self._next_id += 1
        ident = self._next_id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            message = json.loads(self.ws.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)
        raise TimeoutError(method)

    def _wait_load(self) -> None:
        deadline = time.monotonic() + self.timeout
        while not any(e["method"] == "Page.loadEventFired" for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError("page did not load")
            self.events.append(json.loads(self.ws.recv()))
        time.sleep(0.3)  # DOMContentLoaded handlers (the replay banner) have run by then

    def goto(self, url: str) -> None:
        """Open ``url`` and wait until it has loaded."""
        self.events.clear()
        self.call("Page.navigate", url=url)
        self._wait_load()

    def js(self, expression: str) -> object:
        """The value of a JavaScript expression in the page (it must be JSON-serialisable)."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """Click the element (a link or a submit button) and wait for the next page."""
        self.events.clear()
        found = self.js(f"(e => e ? (e.click(), true) : false)({_query(selector)})")
        if not found:
            raise LookupError(f"no element {selector} on {self.url}")
        self._wait_load()

    def type(self, selector: str, text: str) -> None:
        """Put ``text`` into an input field, as typing would."""
        self.js(f"(e => {{ e.focus(); e.value = ''; }})({_query(selector)})")
        self.call("Input.insertText", text=text)

    def text(self, selector: str) -> str:
        """The text content of the first element matching ``selector`` ("" when none)."""
        return self.js(f"(e => e ? e.textContent : '')({_query(selector)})")

    @property
    def url(self) -> str:
        """The address of the page shown."""
        return self.js("location.href")

    def screenshot(self, path: Path, max_height: int = 2400) -> None:
        """Save a PNG of the whole page (up to ``max_height`` pixels tall)."""
        height = min(max_height, int(self.js("document.documentElement.scrollHeight")))
        self.call("Emulation.setDeviceMetricsOverride", width=self.size[0], height=height,
                  deviceScaleFactor=1, mobile=False)
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        self.call("Emulation.clearDeviceMetricsOverride")


#: JavaScript run inside a replayed page: what did not load, what the stylesheets did.
PAGE_REPORT_JS = """(() => {
  const broken = [...document.images].filter(i => !(i.complete && i.naturalWidth > 0))
    .map(i => i.currentSrc || i.src || i.outerHTML.slice(0, 120));
  const fonts = [...document.fonts].map(f => [f.family.replace(/"/g, ''), f.status]);
  const sheets = [...document.styleSheets].map(s => {
    let rules = -1; try { rules = s.cssRules.length; } catch (e) {}
    return [s.href || 'inline', rules];
  });
  const hero = document.querySelector('.hero');
  return {images: document.images.length, broken: broken, fonts: fonts, sheets: sheets,
          bodyFont: getComputedStyle(document.body).fontFamily,
          imgDisplay: document.images.length ? getComputedStyle(document.images[0]).display : '',
          heroHeight: hero ? getComputedStyle(hero).height : '',
          heroBackground: hero ? getComputedStyle(hero).backgroundImage : ''};
})()"""


class NetworkLog:
    """The requests of one page load, from DevTools ``Network`` events: which failed."""

    def __init__(self, events: list[dict]) -> None:
        """Read the events Chromium sent."""
        self.urls: dict[str, str] = {}
        self.failed: dict[str, str] = {}
        for event in events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent":
                self.urls[params["requestId"]] = params["request"]["url"]
            elif method == "Network.responseReceived":
                status = params["response"]["status"]
                if status >= 400:
                    self.failed[params["response"]["url"]] = f"HTTP {status}"
            elif method == "Network.loadingFailed" and not params.get("canceled"):
                url = self.urls.get(params["requestId"], params["requestId"])
                self.failed.setdefault(url, params.get("errorText", "failed"))

    def outside(self, origin: str) -> list[str]:
        """Requests that went anywhere but ``origin`` (or data:/blob: URLs)."""
        return sorted(u for u in set(self.urls.values())
                      if not u.startswith((origin + "/", "data:", "blob:", "about:")))


def settle(browser: Chromium, quiet: float = 0.7, limit: float = 8.0) -> None:
    """Keep reading events until none came for ``quiet`` seconds (late images, fonts)."""
    deadline = time.monotonic() + limit
    browser.ws.settimeout(quiet)
    try:
        while time.monotonic() < deadline:
            try:
                browser.events.append(json.loads(browser.ws.recv()))
            except websocket.WebSocketTimeoutException:
                return
    finally:
        browser.ws.settimeout(browser.timeout)


def open_and_report(browser: Chromium, url: str) -> tuple[dict, NetworkLog]:
    """Open ``url`` with the network watched; the in-page report and the network log."""
    browser.call("Network.enable")
    browser.call("Network.setCacheDisabled", cacheDisabled=True)
    browser.goto(url)
    settle(browser)
    events = list(browser.events)
    return browser.js(PAGE_REPORT_JS), NetworkLog(events)
