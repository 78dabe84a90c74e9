"""The sites file (TOML): many sites, each with seeds, scope, limits and its own settings.

Example::

    [[site]]
    name = "daily-demo"
    seeds = ["https://news.example/", "https://news.example/feed.xml"]
    allowed_domains = ["news.example"]   # default: the seeds' hosts
    max_pages = 500                      # default: no limit
    depth = 3                            # default: DEPTH_LIMIT
    interval = "30m"                     # or schedule = "*/30 * * * *" (used by `schedule`)
    [site.settings]
    DOWNLOAD_DELAY = 2
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.discovery import normalize_url
from crawler.exceptions import UserError

_KEYS = {"name", "seeds", "allowed_domains", "max_pages", "depth", "schedule", "interval",
         "settings"}
_INTERVAL = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
#: Longer intervals overflow date arithmetic and would never be due anyway (schedule.timing).
_MAX_INTERVAL = 3650 * 86400
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class SiteSpec:
    """One ``[[site]]`` of the sites file."""

    name: str
    seeds: tuple[str, ...]
    allowed_domains: tuple[str, ...] = ()
    max_pages: int = 0
    depth: int | None = None
    schedule: str | None = None
    interval: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def interval_seconds(self) -> int | None:
        """``interval`` in seconds, or None if the site has none."""
        return parse_interval(self.interval) if self.interval else None


def parse_interval(text: str) -> int:
    """Seconds in an interval such as ``30m``, ``2h``, ``1d``, ``1h30m`` or ``45s``."""
    match = _INTERVAL.match(text.strip().lower())
    if not text.strip() or not match or not any(match.groups()):
        raise ValueError(f"bad interval {text!r}")
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    total = ((days * 24 + hours) * 60 + minutes) * 60 + seconds
    if total <= 0:
        raise ValueError(f"interval {text!r} is zero")
    if total > _MAX_INTERVAL:
        raise ValueError(f"interval {text!r} is longer than 10 years")
    return total


def load_sites(path: str | Path) -> list[SiteSpec]:
    """Read and check a sites file; raise UserError naming the file, site and problem."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"sites file {path} does not exist: check the --sites path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read sites file {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"sites file {path} is not valid TOML: {exc}") from None
    tables = data.get("site")
    if not isinstance(tables, list) or not tables:
        raise UserError(
            f"sites file {path} has no [[site]] tables: add one per site with name and seeds"
        )
    sites = [_site(path, i, table) for i, table in enumerate(tables, 1)]
    names = [s.name for s in sites]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise UserError(f"sites file {path}: site name {dupes[0]!r} is used twice: rename one")
    return sites


def _site(path: Path, index: int, table: Any) -> SiteSpec:
    """Check one ``[[site]]`` table."""
    if not isinstance(table, dict):
        raise UserError(f"sites file {path}: site #{index} is not a table: use [[site]]")
    where = f"sites file {path}, site #{index}"
    name = table.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise UserError(f"{where}: name must be a word such as \"my-paper\" (letters, digits, "
                        "'.', '_', '-')")
    where = f"sites file {path}, site {name!r}"
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise UserError(f"{where}: unknown key {unknown[0]!r}: allowed keys are "
                        + ", ".join(sorted(_KEYS)))
    return SiteSpec(
        name=name,
        seeds=_seeds(where, table.get("seeds")),
        allowed_domains=tuple(_strings(where, "allowed_domains", table.get("allowed_domains"))),
        max_pages=_int(where, "max_pages", table.get("max_pages", 0)),
        depth=_int(where, "depth", table["depth"]) if "depth" in table else None,
        schedule=_schedule(where, table.get("schedule")),
        interval=_interval(where, table.get("interval")),
        settings=_settings(where, table.get("settings", {})),
    )


def _strings(where: str, key: str, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UserError(f"{where}: {key} must be a list of strings")
    return value


def _seeds(where: str, value: Any) -> tuple[str, ...]:
    seeds = _strings(where, "seeds", value)
    if not seeds:
        raise UserError(f"{where}: seeds is missing: add seeds = [\"https://...\"]")
    for seed in seeds:
        if normalize_url(seed) is None or "://" not in seed:
            raise UserError(f"{where}: seed {seed!r} is not an http(s) URL: write it in full, "
                            "e.g. https://example.com/")
    return tuple(seeds)


def _int(where: str, key: str, value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise UserError(f"{where}: {key} must be a whole number >= 0, not {value!r}")


def _schedule(where: str, value: Any) -> str | None:
    if value is None:
        return None
    from crawler.schedule.timing import cron_problem

    if not isinstance(value, str):
        raise UserError(f"{where}: schedule {value!r} is not a cron expression such as "
                        "\"*/30 * * * *\"")
    problem = cron_problem(" ".join(value.split()))
    if problem:
        raise UserError(f"{where}: schedule {value!r} {problem}")
    return value


def _interval(where: str, value: Any) -> str | None:
    if value is None:
        return None
    try:
        parse_interval(str(value))
    except ValueError as exc:
        if "longer than" in str(exc):
            raise UserError(f"{where}: interval {value!r} is longer than 10 years (3650d): "
                            "use a shorter one") from None
        raise UserError(f"{where}: interval {value!r} is not like \"30m\", \"2h\" or "
                        "\"1d\"") from None
    return str(value)


def _settings(where: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise UserError(f"{where}: settings must be a table: [site.settings]")
    from crawler.settingscheck import check_setting, check_sites_file_component

    for name, setting in value.items():
        check_setting(name, setting, f"{where}: setting")
        check_sites_file_component(name, setting, f"{where}: setting")
    return dict(value)


def select_sites(sites: list[SiteSpec], names: list[str] | None) -> list[SiteSpec]:
    """The sites named (all if ``names`` is empty); UserError for a name not in the file."""
    if not names:
        return sites
    known = {s.name: s for s in sites}
    for name in names:
        if name not in known:
            raise UserError(f"no site named {name!r} in the sites file: known sites are "
                            + ", ".join(sorted(known)))
    return [known[n] for n in dict.fromkeys(names)]
