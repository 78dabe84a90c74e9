"""A page's site: the name the store already files its host under, else its registered domain.

So an article keeps its site however it was reached (a sites-file crawl named it "daily"; a
later crawl from a bare seed URL, or ``crawler extract``, finds that name) and a host never
becomes a site of its own (``www.``, ``m.``, a port). Explicit names (a sites file's ``name``)
are passed by the caller and win.
"""

from __future__ import annotations

from pathlib import Path

from crawler.discovery.domains import registered_domain
from crawler.exceptions import StoreNotFound
from crawler.store.sqlite import Store


class SiteNames:
    """``site_names(url)``: the store's name for the URL's host, else its registered domain."""

    def __init__(self, store: Store | None = None) -> None:
        """Look names up in ``store`` (None: registered domains only)."""
        self.store = store
        self._own_store = False
        self._known: dict[str, str] = {}

    @classmethod
    def for_archive(cls, archive_dir: str | Path) -> SiteNames:
        """Names from an archive's store (read only; a new archive has none yet)."""
        try:
            names = cls(Store(archive_dir))
        except StoreNotFound:
            return cls(None)
        names._own_store = True
        return names

    def __call__(self, url: str) -> str:
        """The site name for ``url``."""
        scheme, _, rest = url.partition("://")
        origin = f"{scheme.lower()}://{rest.split('/', 1)[0].lower()}"
        if origin not in self._known:
            stored = self.store.site_of_host(origin + "/") if self.store is not None else None
            self._known[origin] = stored or registered_domain(url)
        return self._known[origin]

    def close(self) -> None:
        """Close the store if this object opened it."""
        if self._own_store and self.store is not None:
            self.store.close()
        self.store = None
