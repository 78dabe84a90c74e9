"""The crawl policy of page requisites (pure): which to fetch, within which limits, how soon.

A requisite (a page's stylesheet, script, font, image...) is fetched once per crawl (the
frontier's seen set, shared by every worker of a shared crawl), on any public host, and on
loopback or private addresses only when a seed is on such an address too (a page on the
public web must not make the crawler fetch from the crawler's own network). It never costs
a page of ``--max-pages``; it has limits of its own: kinds, count per page, bytes per
resource and bytes per crawl. It is queued at :data:`REQUISITE_PRIORITY`, above every page
and below seeds, feeds and sitemaps, so a page's requisites follow it closely; a page has at
most ``per_page`` of them, so they never hold pages back for long.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from crawler.discovery import host_of
from crawler.discovery.requisites import DEFAULT_KINDS, DEFAULT_PER_PAGE, KINDS

#: The role of a requisite's task (crawler.frontier.task.CrawlTask.role).
REQUISITE = "requisite"
#: Above every page (dated pages reach 4000), below sources (5000).
REQUISITE_PRIORITY = 4500
#: Stylesheets imported from stylesheets are read this many levels deep at most.
MAX_NESTING = 4
#: Off switches accepted by ``CRAWL_REQUISITES``.
OFF_WORDS = frozenset({"", "off", "none", "no", "false", "0"})

DEFAULT_MAX_SIZE = 10 * 1024 * 1024
DEFAULT_MAX_BYTES = 2 * 1024**3
DEFAULT_TIMEOUT = 10.0


def parse_kinds(value: str | Iterable[str] | bool | None) -> frozenset[str]:
    """``CRAWL_REQUISITES`` as a set of kinds (empty: off); ValueError names a bad kind."""
    if value is None or value is True:
        return frozenset(DEFAULT_KINDS)
    if value is False:
        return frozenset()
    words = value.split(",") if isinstance(value, str) else list(value)
    kinds = {str(w).strip().lower() for w in words if str(w).strip()}
    if not kinds or kinds & OFF_WORDS:
        if len(kinds) > 1:
            raise ValueError("'off' cannot be combined with kinds")
        return frozenset()
    if kinds & {"on", "true", "yes", "1", "default"}:
        return frozenset(DEFAULT_KINDS) | (kinds - {"on", "true", "yes", "1", "default"})
    if "all" in kinds:
        return frozenset(KINDS)
    bad = sorted(kinds - set(KINDS))
    if bad:
        raise ValueError(f"unknown kind {bad[0]!r}")
    return frozenset(kinds)


def is_private_host(host: str) -> bool:
    """True for loopback, private, link-local and other non-public IP literals and localhost."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name: where it resolves is the resolver's business
    return not address.is_global


@dataclass(frozen=True)
class RequisiteConfig:
    """The ``CRAWL_REQUISITE*`` settings as plain values."""

    kinds: frozenset[str] = frozenset(DEFAULT_KINDS)
    per_page: int = DEFAULT_PER_PAGE
    #: Bytes one requisite may have (its download is cut and counted "over a limit").
    max_size: int = DEFAULT_MAX_SIZE
    #: Bytes of requisites one crawl (one worker of a shared crawl) fetches at most (0: any).
    max_bytes: int = DEFAULT_MAX_BYTES
    #: Seconds a requisite's download may take (connect to last byte).
    timeout: float = DEFAULT_TIMEOUT
    #: A requisite fetched this recently is reused, not asked for again (incremental crawls).
    fresh_for: timedelta = timedelta(days=1)
    #: True when a seed is on a loopback or private address: requisites may be there too.
    private_ok: bool = False

    @property
    def enabled(self) -> bool:
        """True unless ``CRAWL_REQUISITES`` is off."""
        return bool(self.kinds) and self.per_page > 0

    @staticmethod
    def private_seeds(seeds: Iterable[str]) -> bool:
        """True if a seed is on a loopback or private address."""
        return any(is_private_host(host_of(seed)) for seed in seeds)

    def host_allowed(self, url: str) -> bool:
        """Public hosts always; loopback and private ones only when a seed is on one."""
        host = host_of(url)
        return bool(host) and (self.private_ok or not is_private_host(host))
