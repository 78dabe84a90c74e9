"""Check ``-s NAME=VALUE`` pairs and sites-file settings before a crawl starts.

A misspelt setting would otherwise be ignored silently by Scrapy, and a bad value would only
fail deep inside a component (or worse, quietly do something else: ``DEPTH_LIMIT=-1`` fetched
nothing, ``WARC_MAX_SIZE=-1`` wrote a file per record). Every value is checked here, by type
and by range, so a bad one is a one-line error before anything is fetched.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from typing import Any

from crawler.exceptions import UserError

_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_TRUE_FALSE = {"1", "0", "true", "false", "yes", "no", "on", "off"}
#: Integer settings that must be at least 1 (0 would stop the crawl or mean nonsense).
_AT_LEAST_ONE = frozenset({
    "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "CONCURRENT_ITEMS",
    "WARC_MAX_SIZE", "WARC_DEDUP_MAX_ENTRIES", "STORE_COMMIT_EVERY", "CRAWL_MAX_LINKS_PER_PAGE",
    "REACTOR_THREADPOOL_MAXSIZE", "EXTRACT_MIN_ARTICLE_CHARS", "CRAWL_REQUISITE_MAX_SIZE",
})
#: Number settings that must be above 0 (a zero timeout or interval is not a value).
_POSITIVE = frozenset({"DOWNLOAD_TIMEOUT", "DNS_TIMEOUT", "PROGRESS_INTERVAL",
                       "PROGRESS_LOG_INTERVAL", "AUTOTHROTTLE_TARGET_CONCURRENCY",
                       "FRONTIER_HEARTBEAT", "FRONTIER_LEASE_TIMEOUT", "FRONTIER_REDIS_WAIT",
                       "CRAWL_REQUISITE_TIMEOUT"})
#: The largest value of a setting: a delay of a day is already not a crawl; past 2**63 SQLite,
#: Twisted's timers and date arithmetic overflow.
_LARGEST = {"DOWNLOAD_DELAY": 86400.0, "AUTOTHROTTLE_START_DELAY": 86400.0,
            "AUTOTHROTTLE_MAX_DELAY": 86400.0, "DOWNLOAD_TIMEOUT": 86400.0 * 7,
            "STORE_COMMIT_IDLE": 86400.0, "DNS_TIMEOUT": 600.0}
_LARGEST_ANY = float(2**62)
#: Roles the incremental policy may apply to (seeds, feeds, sitemaps and lists are always fetched).
POLICY_ROLES = ("article", "unknown")
#: Settings in seconds: Scrapy reads them as floats whatever their default's type.
_SECONDS = ("DELAY", "TIMEOUT", "INTERVAL")
_FILE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
#: A shared crawl's name, optionally with its run (``news-1a2b3c4d#2``; crawler.frontier).
_CRAWL_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(#[1-9][0-9]*)?$")


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
    check_together(result, "-s")
    return result


def check_together(values: dict[str, Any], source: str) -> None:
    """Settings that are fine alone but not together; UserError naming the fix."""
    known = known_settings()

    def seconds(name: str) -> float:
        return float(values.get(name, known[name]))

    beat, lease = seconds("FRONTIER_HEARTBEAT"), seconds("FRONTIER_LEASE_TIMEOUT")
    if beat >= lease:
        raise UserError(f"{source} FRONTIER_HEARTBEAT={beat:g}: expected fewer seconds than "
                        f"FRONTIER_LEASE_TIMEOUT ({lease:g}), or live workers count as dead")


#: What a sites file may name as a component: the project's own and Scrapy's (see docs/crawl.md).
TRUSTED_COMPONENTS = ("crawler.", "scrapy.")
_IMPORT_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")


def _is_component_setting(name: str, default: Any) -> bool:
    """Whether a setting names code to import: a component dict or a class/function path."""
    if isinstance(default, dict) and name.endswith(
            ("PIPELINES", "MIDDLEWARES", "EXTENSIONS", "HANDLERS", "CONTRACTS", "EXPORTERS",
             "STORAGES", "ADDONS", "_BASE")):
        return True
    if isinstance(default, str) and _IMPORT_PATH.match(default):
        return True
    return name.endswith(("_CLASS", "_QUEUE", "_REACTOR", "_RESOLVER", "_FORMATTER"))


def _named_code(value: Any) -> list[str]:
    """The strings of a setting's value that could be import paths (dict keys and values)."""
    items = list(value.items()) if isinstance(value, dict) else [value]
    found = []
    for item in items:
        for part in item if isinstance(item, tuple) else (item,):
            if isinstance(part, str):
                found.append(part.strip())
    return found


def check_sites_file_component(name: str, value: Any, source: str) -> None:
    """A sites file names only the project's and Scrapy's components (UserError otherwise).

    A sites file is configuration, not code: letting it name any importable callable would let
    whoever edits it run anything as the crawler (``ITEM_PIPELINES = {"os.system" = 1}``).
    """
    known = known_settings()
    if name not in known or not _is_component_setting(name, known[name]):
        return
    for path in _named_code(value):
        if _IMPORT_PATH.match(path) and not path.startswith(TRUSTED_COMPONENTS):
            raise UserError(
                f"{source} {name} names {path!r}: a sites file may only name the crawler's "
                "and Scrapy's components (crawler.…, scrapy.…); set your own with -s on the "
                "command line or in a Scrapy settings module"
            )


def check_setting(name: str, value: Any, source: str) -> None:
    """Raise UserError if ``name`` is unknown or ``value`` does not fit its type and range."""
    known = known_settings()
    if name not in known:
        close = difflib.get_close_matches(name.upper(), known, n=1)
        hint = f": did you mean {close[0]}?" if close else ": see docs/crawl.md for the settings"
        raise UserError(f"{source} {name}: unknown setting{hint}")
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, int | float):
        value = str(value)
    elif isinstance(value, list | tuple) and name in _SPECIAL:
        value = ",".join(map(str, value))
    if not isinstance(value, str):
        return
    problem = _problem(name, value.strip(), known[name])
    if problem:
        if name == "FRONTIER_REDIS_URL":  # never repeat a password
            from crawler.frontier.sharedcrawl import redact

            value = redact(value)
        raise UserError(f"{source} {name}={value!r}: {problem}")


def _problem(name: str, text: str, default: Any) -> str | None:
    """What is wrong with a setting's text value, or None."""
    if name in _SPECIAL:
        return _SPECIAL[name](text)
    if isinstance(default, bool):
        return None if text.lower() in _TRUE_FALSE else "expected true or false"
    if isinstance(default, int) and not name.endswith(_SECONDS):
        return _number(name, text, int, "a whole number")
    if isinstance(default, int):
        return _number(name, text, float, "a number of seconds")
    if isinstance(default, float):
        return _number(name, text, float, "a number")
    return None


def _number(name: str, text: str, kind: type, what: str) -> str | None:
    """Type and range of a numeric setting (negative only where Scrapy allows it)."""
    try:
        number = kind(text)
    except ValueError:
        return f"expected {what}"
    if not math.isfinite(number):  # inf and nan parse as floats; a delay of inf never ends
        return f"expected a finite {what.removeprefix('a ')}"
    if abs(number) > _LARGEST.get(name, _LARGEST_ANY):
        return f"expected {what} of at most {int(_LARGEST.get(name, _LARGEST_ANY))}"
    if name in _AT_LEAST_ONE and number < 1:
        return f"expected {what} of at least 1"
    if name in _POSITIVE and number <= 0:
        return f"expected {what} above 0"
    if number < 0 and not name.endswith(("PRIORITY", "PRIORITY_ADJUST")):
        return f"expected {what} of 0 or more"
    return None


def _log_level(text: str) -> str | None:
    return None if text.upper() in _LOG_LEVELS else "expected one of " + ", ".join(_LOG_LEVELS)


def _workers(text: str) -> str | None:
    return None if text.lower() == "auto" or text.isdigit() else (
        "expected auto or a whole number >= 0")


def _durations(text: str) -> str | None:
    from crawler.common.durations import parse_durations

    try:
        if not parse_durations(text):
            return 'expected durations such as "1h,6h,1d,1w"'
    except ValueError as exc:
        return str(exc)
    return None


def _duration(text: str) -> str | None:
    from crawler.common.durations import parse_duration

    try:
        parse_duration(text)
    except ValueError as exc:
        return str(exc)
    return None


def _roles(text: str) -> str | None:
    roles = [r.strip() for r in text.split(",") if r.strip()]
    bad = [r for r in roles if r not in POLICY_ROLES]
    if bad or not roles:
        return (f"expected a comma-separated list of {' and '.join(POLICY_ROLES)} (seeds, feeds, "
                "sitemaps and list pages are always fetched)")
    return None


def _file_part(text: str) -> str | None:
    if _FILE_PART.match(text):
        return None
    return "expected letters, digits, '.', '_' or '-' (it starts every WARC file name)"


def _redis_url(text: str) -> str | None:
    if not text or text.startswith(("redis://", "rediss://", "unix://")):
        return None
    return "expected a Redis URL such as redis://127.0.0.1:6379/0 (or use --redis URL)"


def _crawl_ref(text: str) -> str | None:
    if not text or _CRAWL_REF.match(text):
        return None
    return "expected a crawl name (letters, digits, '.', '_', '-'), optionally #RUN"


def _requisite_kinds(text: str) -> str | None:
    from crawler.discovery.requisites import KINDS
    from crawler.frontier.requisites import parse_kinds

    try:
        parse_kinds(text)
    except ValueError as exc:
        return (f"{exc}: expected a comma-separated list of {', '.join(KINDS)}, or all, "
                "or off")
    return None


def _fresh_for(text: str) -> str | None:
    return None if text in ("", "0") else _duration(text)


_SPECIAL: dict[str, Callable[[str], str | None]] = {
    "CRAWL_REQUISITES": _requisite_kinds,
    "CRAWL_REQUISITES_FRESH_FOR": _fresh_for,
    "LOG_LEVEL": _log_level,
    "EXTRACT_WORKERS": _workers,
    "INCREMENTAL_REVISIT_AFTER": _durations,
    "INCREMENTAL_FORGET_AFTER": _duration,
    "INCREMENTAL_ROLES": _roles,
    "WARC_PREFIX": _file_part,
    "FRONTIER_REDIS_URL": _redis_url,
    "FRONTIER_CRAWL": _crawl_ref,
}
