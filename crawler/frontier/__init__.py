"""The crawl policy, pure: what to fetch, in which order, within which budget (no scrapy here).

``Frontier`` holds the policy; a backend holds its state, in one process
(:class:`LocalBackend`, an SQLite file) or shared by workers on many machines
(:class:`RedisBackend`). ``CrawlTask`` is the typed object requests carry.

Layer: pure core. It may import ``crawler.discovery``, ``crawler.extract``, ``crawler.archive``,
``crawler.store``, ``crawler.incremental``, ``crawler.analysis``, ``crawler.common`` and
``crawler.exceptions``; the Scrapy shell adapts it (crawler.shell.scheduler).
"""

from crawler.frontier.backend import Action, Backend, Counts
from crawler.frontier.frontier import Frontier, FrontierConfig, IdleAction
from crawler.frontier.incremental import IncrementalConfig, IncrementalPolicy
from crawler.frontier.local import LocalBackend
from crawler.frontier.task import (
    FREE_ROLES,
    SOURCE_PRIORITY,
    TASK_META_KEY,
    CrawlTask,
    url_key,
)

__all__ = [
    "FREE_ROLES", "SOURCE_PRIORITY", "TASK_META_KEY", "Action", "Backend", "Counts",
    "CrawlTask", "Frontier", "FrontierConfig", "IdleAction", "IncrementalConfig",
    "IncrementalPolicy", "LocalBackend", "url_key",
]
