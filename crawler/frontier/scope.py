"""The crawl's scope as the frontier enforces it: redirects, and entries other clients queued.

The seeds' hosts (crawler.discovery.Scope) plus every host a seed redirected to, in any
worker: the backend shares those hosts, so a widened scope holds for the whole crawl.
Requisites may be on any public host (crawler/frontier/requisites.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.discovery import Scope, host_of, is_internal
from crawler.frontier.backend import Backend
from crawler.frontier.requisites import REQUISITE
from crawler.frontier.task import CrawlTask

if TYPE_CHECKING:  # crawler.frontier.incremental imports crawler.frontier.requisites
    from crawler.frontier.incremental import Stats


class CrawlScope:
    """Where the tasks of one worker may lead, widened as seeds redirect."""

    def __init__(self, backend: Backend, stats: Stats) -> None:
        self.backend = backend
        self.stats = stats
        #: Where redirects may lead (None: anywhere); set by the spider from its seeds.
        self.scope: Scope | None = None

    def redirect_refusal(self, task: CrawlTask, url: str) -> str | None:
        """Why a redirect (or refresh) of ``task`` to ``url`` is refused; None to follow it.

        A seed may redirect to another host (which then joins the scope), never to another
        port or an internal address; any other task's redirect stays in scope. Refusals are
        counted (``scope/refused_redirects``, and by reason).
        """
        if self.scope is None or task.role == REQUISITE:
            return None  # requisites may be on any public host (crawler.shell.middlewares)
        reason = self.scope.refusal(url)
        if reason == "other-host" and task.role == "seed" and self._widen(url):
            return None
        if reason is not None:
            self.stats.inc_value("scope/refused_redirects")
            self.stats.inc_value(f"scope/refused_redirects/{reason}")
        return reason

    def widen(self, url: str) -> None:
        """A seed's response came from ``url``'s host: it joins the scope (of every worker)."""
        if self.scope is not None and self.scope.refusal(url) == "other-host":
            self._widen(url)

    def _widen(self, url: str) -> bool:
        """Add ``url``'s host to the scope, for every worker; False if it may not join."""
        assert self.scope is not None
        widened = self.scope.widened(url)
        if widened.refusal(url) is not None:
            return False
        self.scope = widened
        self.backend.add_scope_host(host_of(url))
        return True

    def excludes(self, task: CrawlTask) -> bool:
        """True for a queued URL outside the crawl's scope (an entry another client wrote).

        Hosts a seed of any worker redirected to are in scope (the backend shares them).
        """
        if self.scope is None:
            return False
        if task.role == REQUISITE:  # any public host; an internal one only if a seed is
            return not self.scope.internal_ok and is_internal(host_of(task.url))
        reason = self.scope.refusal(task.url)
        if reason == "other-host" and host_of(task.url) in self.backend.scope_hosts():
            self.scope = self.scope.widened(task.url)
            return False
        return reason is not None
