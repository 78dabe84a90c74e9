"""Site-level learning: blocks that repeat across a site's pages are that site's boilerplate.

Each extraction reports one signature per text block, ``b:<position>\\t<hash>\\t<length>``,
where the position is the block's path of tags and classes. A :class:`SiteLearner` counts,
per site, on how many distinct pages each text occurs in each position. A text seen on several
pages in the same position is boilerplate (``t:<hash>@<path>``); a position whose blocks are
mostly such texts is boilerplate too (``p:<path>``), so the next teaser in a sidebar goes even
the first time it is seen. Counting distinct pages (by URL and by their text), never
occurrences, keeps text that repeats inside one article, or an article crawled twice under two
URLs; requiring the same position keeps an article's lead that list pages quote.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from crawler.extract.copies import CopyDetector
from crawler.extract.model import SiteProfile
from crawler.extract.text import Block

_PATH_DEPTH = 8
_DIGITS = re.compile(r"\d+")
_MIN_BLOCK_CHARS = 15


def site_of(url_or_site: str) -> str:
    """The site key of a URL (host without ``www.``), or the argument if it is not a URL."""
    if "//" not in url_or_site:
        return url_or_site.lower()
    host = (urlsplit(url_or_site).hostname or "").lower()
    return host.removeprefix("www.")


def text_hash(text: str) -> str:
    """A short fingerprint of a block's text (case and spacing ignored)."""
    key = " ".join(text.lower().split())
    return hashlib.blake2b(key.encode("utf-8", "replace"), digest_size=8).hexdigest()


def _step(node: HtmlElement) -> str:
    classes = (node.get("class") or "").split()
    name = node.tag if isinstance(node.tag, str) else "?"
    if classes:
        name += "." + _DIGITS.sub("", classes[0])[:40]
    return name


def element_path(
    element: HtmlElement, memo: dict[HtmlElement, tuple[str, ...]] | None = None
) -> str:
    """The block's position: its nearest ancestors as ``tag.firstclass``, digits removed.

    ``memo`` (one per page) keeps each element's steps, so blocks under shared ancestors
    climb only to the first element already seen.
    """
    memo = {} if memo is None else memo
    climbed = []
    node: HtmlElement | None = element
    while node is not None and node not in memo:
        climbed.append(node)
        node = node.getparent()
    steps = memo[node] if node is not None else ()
    for node in reversed(climbed):
        # Nearest first: a node's steps are its own and its parent's, cut to the depth.
        steps = memo[node] = (_step(node), *steps)[:_PATH_DEPTH]
    return "/".join(reversed(steps))


def block_signatures(
    blocks: list[Block], memo: dict[HtmlElement, tuple[str, ...]] | None = None
) -> tuple[str, ...]:
    """One signature per sizeable block, in the form :meth:`SiteLearner.observe` takes.

    ``memo``: the page's element paths, when another step walked them already.
    """
    memo = {} if memo is None else memo
    return tuple(
        f"b:{element_path(b.element, memo)}\t{text_hash(b.text)}\t{len(b.text)}"
        for b in blocks
        if len(b.text) >= _MIN_BLOCK_CHARS
    )


def remove_boilerplate(
    blocks: list[Block],
    profile: SiteProfile | None,
    memo: dict[HtmlElement, tuple[str, ...]] | None = None,
) -> list[Block]:
    """The blocks whose text or position the site profile does not mark as boilerplate."""
    if profile is None or not profile.boilerplate:
        return blocks
    learned = profile.boilerplate
    memo = {} if memo is None else memo
    kept = []
    for block in blocks:
        path = element_path(block.element, memo)
        if f"p:{path}" not in learned and f"t:{text_hash(block.text)}@{path}" not in learned:
            kept.append(block)
    return kept


def _parse(signatures: tuple[str, ...] | list[str]) -> list[tuple[str, str, int]]:
    """``(path, text hash, length)`` of each well-formed signature."""
    blocks = []
    for signature in signatures:
        path, _, rest = signature.removeprefix("b:").partition("\t")
        digest, _, size = rest.partition("\t")
        if digest:
            blocks.append((path, digest, int(size) if size.isdigit() else 0))
    return blocks


class SiteLearner:
    """Learns each site's repeated blocks from the pages it is shown; hands out snapshots."""

    def __init__(self, min_pages: int = 3, path_share: float = 0.6, max_keys: int = 200_000):
        """Text seen on ``min_pages`` pages is boilerplate; so is a position whose blocks are
        boilerplate in ``path_share`` of cases. ``max_keys`` bounds memory per site."""
        self.min_pages = min_pages
        self.path_share = path_share
        self.max_keys = max_keys
        self._pages: Counter[str] = Counter()
        self._copies: dict[str, CopyDetector] = {}
        self._texts: dict[str, Counter[str]] = {}
        self._paths: dict[str, dict[str, Counter[str]]] = {}

    def observe(self, url: str, block_signatures: tuple[str, ...] | list[str]) -> None:
        """Record the block signatures of one page of the site of ``url``.

        A page seen before (same URL, or its text under another URL) is skipped, so an
        article's own text never looks repeated.
        """
        site = site_of(url)
        blocks = _parse(block_signatures)
        texts = self._texts.setdefault(site, Counter())
        copies = self._copies.get(site)
        if copies is None:
            copies = self._copies[site] = CopyDetector(self.max_keys)
        known = self.min_pages - 1  # on this many pages already: boilerplate, not identity
        if copies.is_copy(
            text_hash(url.split("#")[0]),
            ((digest, size) for _, digest, size in blocks),
            lambda digest: texts.get(digest, 0) >= known,
        ):
            return
        self._pages[site] += 1
        paths = self._paths.setdefault(site, {})
        pairs = {(path, digest) for path, digest, _ in blocks}
        for path, digest in pairs:
            if path in paths or len(paths) < self.max_keys:
                paths.setdefault(path, Counter())[digest] += 1
        # A text counts once per page, however often it repeats on that page.
        for digest in {d for _, d in pairs}:
            if digest in texts or len(texts) < self.max_keys:
                texts[digest] += 1

    def profile(self, site_or_url: str) -> SiteProfile:
        """A frozen snapshot of what is known about the site, for ``ExtractOptions``."""
        site = site_of(site_or_url)
        learned: set[str] = set()
        for path, digests in self._paths.get(site, {}).items():
            # A text is boilerplate where it repeats: the same slot of the same template. The
            # lead of an article quoted on list pages sits elsewhere and stays in the article.
            repeated = [(d, n) for d, n in digests.items() if n >= self.min_pages]
            learned.update(f"t:{d}@{path}" for d, _ in repeated)
            total = sum(digests.values())
            boiler = sum(n for _, n in repeated)
            if total >= self.min_pages and boiler >= total * self.path_share:
                learned.add(f"p:{path}")
        return SiteProfile(site=site, boilerplate=frozenset(learned), pages_seen=self._pages[site])
