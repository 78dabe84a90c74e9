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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from crawler.discovery import Requisite, host_of
from crawler.discovery.requisites import DEFAULT_KINDS, DEFAULT_PER_PAGE, KINDS
from crawler.discovery.scope import is_internal
from crawler.frontier.backend import Action, Backend
from crawler.frontier.task import CrawlTask
from crawler.incremental import Decision

if TYPE_CHECKING:  # crawler.frontier.incremental imports this module
    from crawler.frontier.incremental import IncrementalPolicy, Stats

#: The role of a requisite's task (crawler.frontier.task.CrawlTask.role).
REQUISITE = "requisite"
#: Above every page (dated pages reach 4000), below sources (5000).
REQUISITE_PRIORITY = 4500
#: Stylesheets imported from stylesheets are read this many levels deep at most.
MAX_NESTING = 4
#: Longest hop path kept (a deep crawl's ``LLLL...``; the last letter is what matters).
MAX_HOPS = 64
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


def hop_path(parent: CrawlTask) -> str:
    """The hop path from the seed of what ``parent`` names, Heritrix's way: one letter a hop,
    ``L`` a link (a feed or sitemap entry counts as one), ``E`` an embed."""
    if parent.role == REQUISITE:
        return (parent.hops or "E" * (parent.depth + 1))[-MAX_HOPS:] + "E"
    return "L" * min(parent.depth, MAX_HOPS) + "E"


def is_private_host(host: str) -> bool:
    """True for loopback, private, link-local and other non-public IP literals and localhost
    (the classification redirects use too: crawler/discovery/scope.py)."""
    return is_internal(host)


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


class RequisiteAdmission:
    """The requisites one worker admits: kinds, count per page, hosts, bytes, reuse."""

    def __init__(
        self, config: RequisiteConfig, backend: Backend, stats: Stats,
        incremental: IncrementalPolicy | None = None, max_url_length: int = 2083,
    ) -> None:
        self.config = config
        self.backend = backend
        self.stats = stats
        self.incremental = incremental
        self.max_url_length = max_url_length
        #: Bytes of requisites this worker fetched (for ``RequisiteConfig.max_bytes``).
        self.fetched_bytes = 0
        #: Hosts a requisite could not reach (DNS, refused, timeout): not tried again.
        self._hosts_down: set[str] = set()

    def add(self, found: Sequence[Requisite], parent: CrawlTask) -> int:
        """Admit what a page (or a stylesheet) needs to render; return how many were queued.

        Requisites cost no page of the budget and come after the budget is spent too; over
        the per-crawl byte limit they are counted (``requisites/over_limit``), not queued.
        Archived ones still fresh are reused (``requisites/reused``): see
        :meth:`crawler.frontier.incremental.IncrementalPolicy.decide_requisite`.
        """
        cfg = self.config
        nesting = parent.depth + 1 if parent.role == REQUISITE else 0
        if not cfg.enabled or nesting > MAX_NESTING or not found:
            return 0
        wanted = [r for r in found if r.kind in cfg.kinds][: cfg.per_page]
        allowed = [r for r in wanted if cfg.host_allowed(r.url)]
        if len(allowed) < len(wanted):
            self.stats.inc_value("requisites/private_host", len(wanted) - len(allowed))
        referrer = parent.url if len(parent.url) <= self.max_url_length else ""
        tasks = [CrawlTask(r.url, role=REQUISITE, site=parent.site, depth=nesting,
                           priority=REQUISITE_PRIORITY - nesting, via=r.kind,
                           referrer=referrer, hops=hop_path(parent))
                 for r in allowed if len(r.url) <= self.max_url_length]
        fresh, _ = self.backend.unseen(tasks) if tasks else ([], 0)
        down = [t for t in fresh if self.host_down(t.url)]
        if down:
            self.backend.admit([(t, Action.SKIP) for t in down], 0)  # seen: counted once
            self.unreachable(len(down))
            fresh = [t for t in fresh if not self.host_down(t.url)]
        if not fresh:
            return 0
        if cfg.max_bytes and self.fetched_bytes >= cfg.max_bytes:
            self.stats.inc_value("requisites/over_limit", len(fresh))
            self.stats.inc_value("requisites/over_limit/crawl_bytes", len(fresh))
            return 0
        batch = [(task, self._action(task)) for task in fresh]
        result = self.backend.admit(batch, 0)
        if result.queued:
            self.stats.inc_value("requisites/queued", result.queued)
        if result.skipped:
            self.stats.inc_value("requisites/reused", result.skipped)
        return result.queued

    def _action(self, task: CrawlTask) -> Action:
        """Queue a requisite, unless the incremental policy reuses its fresh capture."""
        if self.incremental is not None and self.incremental.decide_requisite(
            task, self.config.fresh_for
        ) is Decision.SKIP:
            return Action.SKIP
        return Action.QUEUE

    def mark_host_down(self, url: str) -> None:
        """A requisite's host could not be reached: its other requisites fail at once."""
        if len(self._hosts_down) < 100_000:
            self._hosts_down.add(host_of(url))

    def host_down(self, url: str) -> bool:
        """True if a requisite found this URL's host unreachable in this crawl."""
        return bool(self._hosts_down) and host_of(url) in self._hosts_down

    def unreachable(self, count: int) -> None:
        """Count requisites failed at once because their host did not answer."""
        self.stats.inc_value("requisites/failed", count)
        self.stats.inc_value("requisites/failed/unreachable", count)

    def fetched(self, size: int) -> None:
        """Count a fetched requisite's bytes against the per-crawl limit."""
        self.fetched_bytes += size
