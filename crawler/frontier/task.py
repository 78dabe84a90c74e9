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

from crawler.discovery import host_of, normalize_url

#: The request.meta key of the task.
TASK_META_KEY = "crawl_task"
#: Feeds, sitemaps and seeds go first: they name the newest articles and their dates.
SOURCE_PRIORITY = 5000
#: Roles that never cost a page of the budget (robots.txt, the spider's own ``data:`` URLs,
#: page requisites: crawler/frontier/requisites.py).
FREE_ROLES = frozenset({"robots", "internal", "requisite"})
#: Roles whose pages may name dated articles: with a page budget, undated pages wait for them.
SOURCE_ROLES = frozenset({"seed", "feed", "sitemap", "robots"})

# Field name -> short JSON name (Redis holds one JSON string per queued URL). Request
# headers never travel: a queue entry is data another Redis client may have written, so a
# revisit's conditional headers are worked out again by the worker that takes it.
_WIRE = {
    "url": "u", "role": "r", "site": "s", "depth": "dp", "priority": "p", "lastmod": "lm",
    "modified": "md", "via": "v", "source": "src", "incremental": "i",
    "first_capture": "f", "requeued": "rq", "referrer": "ref",
    "hops": "hp",  # not "h": queue entries of older versions carried headers there
}
#: The type of each wire field (a queue entry is checked field by field).
_TYPES: dict[str, type | tuple[type, ...]] = {
    "url": str, "role": str, "site": str, "depth": int, "priority": int,
    "lastmod": (str, type(None)), "modified": (str, type(None)), "via": str, "source": bool,
    "incremental": str, "first_capture": bool, "requeued": bool, "referrer": str,
    "hops": str,
}
#: Roles a task may have.
ROLES = frozenset({"seed", "feed", "sitemap", "list", "article", "unknown", "robots",
                   "internal", "requisite"})
_MAX_TEXT = 4096


class BadEntry(ValueError):
    """A queue entry that is not a task this crawl wrote (garbage, or another client's)."""
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
    the Redis backend); ``referrer`` the page (or stylesheet) that named a requisite and
    ``hops`` its hop path from the seed, Heritrix's way (``L`` a link, ``E`` an embed). The
    last three fields belong to one worker's handling and are never stored: ``budget``
    (``counted``/``refused``), ``leased`` (taken from the frontier by this worker) and
    ``warc`` (where the WARC extension archived the response).
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
    referrer: str = ""
    hops: str = ""
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
        """Rebuild a task from :meth:`to_json` output; BadEntry if it is not one.

        Every field is checked (type, an http(s) URL in normal form, a known role, the key
        and host the entry is filed under); anything else in the entry is ignored.
        """
        try:
            data = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadEntry(f"not JSON ({exc})") from None
        if not isinstance(data, dict):
            raise BadEntry("not a JSON object")
        fields = {_FROM_WIRE[k]: v for k, v in data.items() if k in _FROM_WIRE}
        for name, value in fields.items():
            if not isinstance(value, _TYPES[name]) or (
                isinstance(value, bool) and _TYPES[name] is int
            ) or (isinstance(value, str) and len(value) > _MAX_TEXT):
                raise BadEntry(f"field {name!r} is not a {_TYPES[name]}")
        task = cls(**fields)
        if not task.url or normalize_url(task.url) != task.url:
            raise BadEntry(f"not an http(s) URL in normal form: {task.url[:100]!r}")
        if task.role not in ROLES or abs(task.priority) > 10**9 or not 0 <= task.depth < 10**6:
            raise BadEntry("role, priority or depth out of range")
        if data.get("k", task.key) != task.key or data.get("d", task.domain) != task.domain:
            raise BadEntry("filed under another URL's key or host")
        return task


_EMPTY = CrawlTask("")
_DEFAULTS: dict[str, Any] = {name: getattr(_EMPTY, name) for name in _WIRE} | {"url": None}


def entry_key(text: str | bytes) -> str | None:
    """The key a queue entry is filed under (its ``k``), if it has one: its slot and lease."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        return None
    key = data.get("k") if isinstance(data, dict) else None
    return key if isinstance(key, str) else None
