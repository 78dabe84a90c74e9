"""Site-level learning during a crawl: profile snapshots, and article pages held until warm.

A site's boilerplate (the opinion sidebar, the newsletter box) is learned from its pages by
:class:`crawler.extract.SiteLearner`. Articles fetched before the site has been seen on
``warmup_pages`` pages are held back with their HTML; once the site is warm (or the buffer of
a site is full, or the crawl goes idle) they are extracted again with the matured profile and
only then handed to the pipelines. So the first pages come out as clean as the rest.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.analysis import ProfileRef
from crawler.extract import SiteLearner, SiteProfile
from crawler.extract.sitelearn import site_of

_REFRESH_CAP = 256


@dataclass
class Held:
    """An article page waiting for its site's profile to mature."""

    item: Any
    body: bytes
    content_type: str | None
    listed: bool = False


class SiteWarmup:
    """Owns the crawl's SiteLearner, caches profile snapshots, and buffers early articles."""

    def __init__(
        self, warmup_pages: int = 8, max_held: int = 64, refresh_every: int = 8,
        profile_dir: str | None = None,
    ) -> None:
        self.learner = SiteLearner()
        self.warmup_pages = warmup_pages
        self.max_held = max_held
        self.refresh_every = max(1, refresh_every)
        self.profile_dir = profile_dir
        self._seen: dict[str, int] = {}
        self._profiles: dict[str, tuple[int, SiteProfile, ProfileRef | None]] = {}
        self._held: dict[str, list[Held]] = {}

    def profile(self, url: str) -> SiteProfile | None:
        """The site's current profile snapshot (see :meth:`_current`)."""
        current = self._current(url)
        return current[1] if current else None

    def profile_ref(self, url: str) -> ProfileRef | None:
        """Where the site's current profile is stored for workers (needs ``profile_dir``)."""
        current = self._current(url)
        return current[2] if current else None

    def _current(self, url: str) -> tuple[int, SiteProfile, ProfileRef | None] | None:
        """The cached snapshot, recomputed every ``refresh_every`` pages at first, then every
        quarter of the pages seen so far, at most ``_REFRESH_CAP`` pages apart (a snapshot
        scans what the learner holds, which its decay bounds), so late boilerplate is learned."""
        site = site_of(url)
        seen = self._seen.get(site, 0)
        if seen == 0:
            return None
        cached = self._profiles.get(site)
        stale = cached is None or seen - cached[0] >= max(
            self.refresh_every, min(cached[0] // 4, _REFRESH_CAP)
        )
        if stale or (cached is not None and seen >= self.warmup_pages > cached[0]):
            profile = self.learner.profile(site)
            cached = (seen, profile, self._store(site, seen, profile))
            self._profiles[site] = cached
        return cached

    def _store(self, site: str, version: int, profile: SiteProfile) -> ProfileRef | None:
        """Write a snapshot for the workers; keep the previous one for tasks still queued."""
        if not self.profile_dir:
            return None
        stem = hashlib.blake2b(site.encode(), digest_size=8).hexdigest()
        path = Path(self.profile_dir) / f"{stem}-{version}.pickle"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(profile, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
        previous = self._profiles.get(site)
        older = self._profiles.get(f"old:{site}")
        if older and older[2] is not None:
            Path(older[2].path).unlink(missing_ok=True)
        if previous is not None:
            self._profiles[f"old:{site}"] = previous
        return ProfileRef(site, version, str(path))

    def observe(self, url: str, signatures: tuple[str, ...]) -> None:
        """Learn from one extracted page of the site."""
        site = site_of(url)
        self._seen[site] = self._seen.get(site, 0) + 1
        self.learner.observe(url, signatures)

    def is_warm(self, url: str) -> bool:
        """True once the site has been seen on ``warmup_pages`` pages."""
        return self._seen.get(site_of(url), 0) >= self.warmup_pages

    def hold(self, url: str, held: Held) -> None:
        """Keep an early article page of the site until :meth:`ready` releases it."""
        self._held.setdefault(site_of(url), []).append(held)

    def ready(self, url: str) -> list[Held]:
        """Take the held pages of the site if it is warm now or its buffer is full."""
        site = site_of(url)
        pages = self._held.get(site)
        if not pages or not (self.is_warm(url) or len(pages) >= self.max_held):
            return []
        return self._held.pop(site)

    def take_all(self) -> list[Held]:
        """Take every held page of every site (the crawl is about to end)."""
        pages = [h for held in self._held.values() for h in held]
        self._held.clear()
        return pages

    @property
    def held_count(self) -> int:
        """How many pages are held right now."""
        return sum(len(v) for v in self._held.values())
