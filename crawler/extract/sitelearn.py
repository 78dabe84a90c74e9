"""Site-level learning: blocks that repeat across a site's pages are that site's boilerplate.

Each extraction reports one signature per text block, ``b:<position>\\t<hash>\\t<length>``,
where the position is the block's path of tags and classes. A :class:`SiteLearner` counts,
per site, on how many distinct pages each text occurs in each position. A text seen on several
pages in the same position is boilerplate (``t:<hash>@<path>``); a position whose blocks are
mostly such texts is boilerplate too (``p:<path>``), so the next teaser in a sidebar goes even
the first time it is seen. Counting distinct pages (by URL and by their text), never
occurrences, keeps text that repeats inside one article, or an article crawled twice under two
URLs; requiring the same position keeps an article's lead that list pages quote.

Counts halve every ``decay_every`` pages of a site and what reaches zero is forgotten (an
article's own text, seen once), so a site's learner holds its template and a window of recent
pages, never the whole crawl: memory per site stays flat over a crawl of any length, and
boilerplate that appears late (a new teaser) is learned as it repeats.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from crawler.extract.copies import CopyDetector
from crawler.extract.model import SiteProfile
from crawler.extract.seenonce import SeenOnce
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


def _step(node: HtmlElement, classes: str | None) -> str:
    first = classes.split(maxsplit=1) if classes else None
    name = node.tag if isinstance(node.tag, str) else "?"
    if first:
        name += "." + _DIGITS.sub("", first[0])[:40]
    return name


def path_steps(node: HtmlElement, classes: str | None, above: tuple[str, ...]) -> tuple[str, ...]:
    """The steps of ``node``'s path (nearest first), given its class attribute and the steps
    of its parent (what :func:`element_path` keeps in its memo)."""
    return (_step(node, classes), *above)[:_PATH_DEPTH]


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
        steps = memo[node] = path_steps(node, node.get("class"), steps)
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
    """The blocks whose text or position the site profile does not mark as boilerplate.

    A learned text (``t:``) always goes. A learned position (``p:``) drops text never seen
    repeated, so it goes only while the page keeps more text elsewhere: a position holding
    most of the page's own text is this page's content column (articles that share a box of
    notes in their body column teach the learner that column), and stays.
    """
    if profile is None or not profile.boilerplate:
        return blocks
    learned = profile.boilerplate
    memo = {} if memo is None else memo
    kept: list[tuple[Block, bool]] = []  # (block, dropped only by its position)
    for block in blocks:
        path = element_path(block.element, memo)
        if f"t:{text_hash(block.text)}@{path}" in learned:
            continue
        kept.append((block, f"p:{path}" in learned))
    by_position = sum(len(b.text) for b, positional in kept if positional)
    elsewhere = sum(len(b.text) for b, positional in kept if not positional)
    if by_position > elsewhere:
        return [b for b, _ in kept]
    return [b for b, positional in kept if not positional]


def _parse(signatures: tuple[str, ...] | list[str]) -> list[tuple[str, str, int]]:
    """``(path, text hash, length)`` of each well-formed signature."""
    blocks = []
    for signature in signatures:
        path, _, rest = signature.removeprefix("b:").partition("\t")
        digest, _, size = rest.partition("\t")
        if digest:
            blocks.append((path, digest, int(size) if size.isdigit() else 0))
    return blocks


@dataclass
class _SiteCounts:
    """What one site's pages taught so far, in counts that halve every ``decay_every`` pages.

    A (position, text) pair is counted from its second page on (``once`` remembers the
    first), and halving, dropping what reaches zero, forgets pairs that stop repeating: an
    article's own text never enters the counts, and memory per site stays bounded by the
    site's template, not by the length of the crawl.
    """

    copies: CopyDetector
    pages: int = 0
    since_decay: int = 0
    once: SeenOnce = field(default_factory=SeenOnce)
    pairs: dict[int, int] = field(default_factory=dict)  # pair key -> pages (from the 2nd)
    named: dict[int, tuple[str, str]] = field(default_factory=dict)  # pair key -> (path, text)
    path_blocks: dict[str, int] = field(default_factory=dict)  # path -> blocks seen there
    repeated: Counter[str] = field(default_factory=Counter)  # text hash -> counted pairs

    def count(self, pairs: set[tuple[str, str]], max_paths: int) -> None:
        """Count one new page's (path, text hash) pairs."""
        self.pages += 1
        self.since_decay += 1
        for path, digest in pairs:
            if path not in self.path_blocks and len(self.path_blocks) >= max_paths:
                continue
            self.path_blocks[path] = self.path_blocks.get(path, 0) + 1
            key = hash((path, digest))
            seen = self.pairs.get(key)
            if seen is not None:
                self.pairs[key] = seen + 1
            elif self.once.check_and_add(key):
                self.pairs[key] = 2
                self.named[key] = (path, digest)
                self.repeated[digest] += 1

    def decay(self) -> None:
        """Halve every count; forget what reaches zero, and the pairs seen once."""
        self.since_decay = 0
        self.once.clear()
        for key, seen in list(self.pairs.items()):
            if seen > 1:
                self.pairs[key] = seen // 2
                continue
            del self.pairs[key]
            digest = self.named.pop(key)[1]
            self.repeated[digest] -= 1
            if self.repeated[digest] <= 0:
                del self.repeated[digest]
        self.path_blocks = {p: n // 2 for p, n in self.path_blocks.items() if n > 1}


class SiteLearner:
    """Learns each site's repeated blocks from the pages it is shown; hands out snapshots."""

    def __init__(
        self, min_pages: int = 3, path_share: float = 0.6, decay_every: int = 64,
        max_paths: int = 4096,
    ):
        """Text seen on ``min_pages`` pages is boilerplate; so is a position whose blocks are
        boilerplate in ``path_share`` of cases. Counts halve every ``decay_every`` pages of a
        site and at most ``max_paths`` positions are tracked per site, which bound memory."""
        self.min_pages = min_pages
        self.path_share = path_share
        self.decay_every = max(1, decay_every)
        self.max_paths = max_paths
        self._sites: dict[str, _SiteCounts] = {}

    def observe(self, url: str, block_signatures: tuple[str, ...] | list[str]) -> None:
        """Record the block signatures of one page of the site of ``url``.

        A page seen recently (same URL, or its text under another URL) is skipped, so an
        article's own text never looks repeated.
        """
        site = site_of(url)
        counts = self._sites.get(site)
        if counts is None:
            counts = self._sites[site] = _SiteCounts(CopyDetector(self.decay_every))
        blocks = _parse(block_signatures)
        if counts.copies.is_copy(
            text_hash(url.split("#")[0]),
            ((digest, size) for _, digest, size in blocks),
            counts.repeated.__contains__,  # on two pages already: boilerplate, not identity
        ):
            return
        # A text counts once per page, however often it repeats on that page.
        counts.count({(path, digest) for path, digest, _ in blocks}, self.max_paths)
        if counts.since_decay >= self.decay_every:
            counts.decay()

    def profile(self, site_or_url: str) -> SiteProfile:
        """A frozen snapshot of what is known about the site, for ``ExtractOptions``."""
        site = site_of(site_or_url)
        counts = self._sites.get(site)
        if counts is None:
            return SiteProfile(site=site, boilerplate=frozenset(), pages_seen=0)
        learned: set[str] = set()
        boiler: Counter[str] = Counter()
        for key, (path, digest) in counts.named.items():
            # A text is boilerplate where it repeats: the same slot of the same template. The
            # lead of an article quoted on list pages sits elsewhere and stays in the article.
            seen = counts.pairs[key]
            if seen >= self.min_pages:
                learned.add(f"t:{digest}@{path}")
                boiler[path] += seen
        for path, seen in boiler.items():
            total = counts.path_blocks.get(path, 0)
            if total >= self.min_pages and seen >= total * self.path_share:
                learned.add(f"p:{path}")
        return SiteProfile(site=site, boilerplate=frozenset(learned), pages_seen=counts.pages)
