"""CrawlTask: the one typed object a request carries through a crawl, and its wire form.

The Scrapy adapters put it under ``request.meta["crawl_task"]`` (:data:`TASK_META_KEY`);
backends keep it as compact JSON (:meth:`CrawlTask.to_json`), so a task taken by one worker
process can be handed to another.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from crawler.discovery import host_of

#: The request.meta key of the task.
TASK_META_KEY = "crawl_task"
#: Feeds, sitemaps and seeds go first: they name the newest articles and their dates.
SOURCE_PRIORITY = 5000
#: Roles that never cost a page of the budget (robots.txt, the spider's own ``data:`` URLs,
#: page requisites: crawler/frontier/requisites.py).
FREE_ROLES = frozenset({"robots", "internal", "requisite"})
#: Roles whose pages may name dated articles: with a page budget, undated pages wait for them.
SOURCE_ROLES = frozenset({"seed", "feed", "sitemap", "robots"})

# Field name -> short JSON name (Redis holds one JSON string per queued URL).
_WIRE = {
    "url": "u", "role": "r", "site": "s", "depth": "dp", "priority": "p", "lastmod": "lm",
    "modified": "md", "via": "v", "source": "src", "incremental": "i",
    "first_capture": "f", "headers": "h", "requeued": "rq",
}
_FROM_WIRE = {short: name for name, short in _WIRE.items()}


def url_key(url: str) -> str:
    """A short, stable key of a URL for seen sets and leases (16 hex digits)."""
    return hashlib.blake2b(url.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


@dataclass(slots=True)
class CrawlTask:
    """One URL to fetch, with what discovery and the crawl policy know and decided about it.

    ``role`` is ``seed``, ``feed``, ``sitemap``, ``list``, ``article``, ``unknown``,
    ``robots``, ``internal`` or ``requisite``; ``via`` the discovery route (``seed``,
    ``links``, ``feed``, ``feed_links``, ``sitemap``, ``robots``), for a requisite its kind
    (``stylesheet``, ``image``...), whose ``depth`` is then its nesting (0: named by a page,
    1: by a stylesheet the page named...); ``lastmod``/``modified`` ISO dates from a feed
    or sitemap. ``incremental``, ``first_capture`` and ``headers`` are the incremental
    policy's decision, the flag that the URL was never fetched before, and the conditional
    request headers; ``requeued`` that a worker took it before and died or stopped (set by
    the Redis backend). The last three fields belong to one worker's handling and are never
    stored: ``budget`` (``counted``/``refused``), ``leased`` (taken from the frontier by this
    worker) and ``warc`` (where the WARC extension archived the response).
    """

    url: str
    role: str = "unknown"
    site: str = ""
    depth: int = 0
    priority: int = 0
    lastmod: str | None = None
    modified: str | None = None
    via: str = "seed"
    source: bool = False
    incremental: str = ""
    first_capture: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    requeued: bool = False
    budget: str = ""
    leased: bool = False
    warc: dict[str, Any] | None = None

    @property
    def key(self) -> str:
        """The URL's key (see :func:`url_key`)."""
        return url_key(self.url)

    @property
    def domain(self) -> str:
        """The host politeness is counted for (no port, lower case)."""
        return host_of(self.url)

    @property
    def discovered_date(self) -> str | None:
        """The feed/sitemap date that says when the page last changed, if any."""
        return self.modified or self.lastmod

    def to_json(self) -> str:
        """Compact JSON of the stored fields, plus the key and domain backends index by."""
        defaults = _DEFAULTS
        data: dict[str, Any] = {"k": self.key, "d": self.domain}
        for name, short in _WIRE.items():
            value = getattr(self, name)
            if value != defaults[name]:
                data[short] = value
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> CrawlTask:
        """Rebuild a task from :meth:`to_json` output."""
        data = json.loads(text)
        return cls(**{_FROM_WIRE[k]: v for k, v in data.items() if k in _FROM_WIRE})


_EMPTY = CrawlTask("")
_DEFAULTS: dict[str, Any] = {name: getattr(_EMPTY, name) for name in _WIRE} | {"url": None}
