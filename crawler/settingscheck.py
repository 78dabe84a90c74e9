"""Check ``-s NAME=VALUE`` pairs and sites-file settings before a crawl starts.

A misspelt setting would otherwise be ignored silently by Scrapy, and a bad value would only
fail deep inside a component, with a traceback.
"""

from __future__ import annotations

import difflib
from typing import Any

from crawler.exceptions import UserError

_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_TRUE_FALSE = {"1", "0", "true", "false", "yes", "no", "on", "off"}


def known_settings() -> dict[str, Any]:
    """Every setting name Scrapy or this project declares, with its default value."""
    from scrapy.settings import default_settings

    from crawler import settings as project

    names: dict[str, Any] = {}
    for module in (default_settings, project):
        names.update({k: getattr(module, k) for k in dir(module) if k.isupper()})
    return names


def parse_pairs(pairs: list[str] | None) -> dict[str, str]:
    """``["NAME=VALUE", ...]`` to a dict, each checked; UserError on the first bad one."""
    result: dict[str, str] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UserError(f"-s {pair!r} is not NAME=VALUE: write e.g. -s DOWNLOAD_DELAY=2")
        check_setting(name, value, "-s")
        result[name] = value
    return result


def check_setting(name: str, value: Any, source: str) -> None:
    """Raise UserError if ``name`` is unknown or ``value`` does not fit its default's type."""
    known = known_settings()
    if name not in known:
        close = difflib.get_close_matches(name.upper(), known, n=1)
        hint = f": did you mean {close[0]}?" if close else ": see docs/crawl.md for the settings"
        raise UserError(f"{source} {name}: unknown setting{hint}")
    default = known[name]
    if not isinstance(value, str):
        return
    text = value.strip()
    if name == "LOG_LEVEL":
        if text.upper() not in _LOG_LEVELS:
            raise UserError(f"{source} {name}={value!r}: expected one of " + ", ".join(_LOG_LEVELS))
        return
    if name == "EXTRACT_WORKERS":
        if text.lower() != "auto" and not (text.isdigit()):
            raise UserError(f"{source} {name}={value!r}: expected auto or a whole number >= 0")
        return
    if isinstance(default, bool):
        ok = text.lower() in _TRUE_FALSE
        kind = "true or false"
    elif isinstance(default, int):
        ok, kind = _parses(int, text), "a whole number"
    elif isinstance(default, float):
        ok, kind = _parses(float, text), "a number"
    else:
        return
    if not ok:
        raise UserError(f"{source} {name}={value!r}: expected {kind}")


def _parses(kind: type, text: str) -> bool:
    try:
        kind(text)
    except ValueError:
        return False
    return True
