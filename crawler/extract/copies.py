"""Recognising one page seen again: by URL, or by the text it shares with a recent page."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

_MIN_CHARS = 50
_SHARE = 0.9


@dataclass
class _Generation:
    """The URLs and texts of one stretch of recent pages (text key -> latest page)."""

    urls: set[int] = field(default_factory=set)
    text_pages: dict[int, int] = field(default_factory=dict)


class CopyDetector:
    """Tells, for one site, whether a page is a copy of a recent one.

    A page is a copy when its URL was seen, or when nine tenths of its own text (blocks not
    yet known as boilerplate) sits in a single earlier page: the same article reached through
    another URL (tracking parameters, AMP, print view) or crawled again. Only the last
    ``window`` to ``2 * window`` pages are remembered, in two generations, so memory stays
    bounded however long the crawl; a copy found later counts once more for its texts, which
    the learner's decay forgets again.
    """

    def __init__(self, window: int = 64) -> None:
        """``window``: pages per generation."""
        self.window = max(1, window)
        self._pages = 0
        self._new = _Generation()
        self._old = _Generation()

    def is_copy(
        self,
        url_key: str,
        blocks: Iterable[tuple[str, int]],
        is_boilerplate: Callable[[str], bool],
    ) -> bool:
        """True for a copy; otherwise records the page (``blocks``: text hash, length)."""
        url = _key(url_key)
        if url in self._new.urls or url in self._old.urls:
            return True
        if len(self._new.urls) >= self.window:
            self._old, self._new = self._new, _Generation()
        self._new.urls.add(url)
        own = {_key(d): n for d, n in blocks if n >= _MIN_CHARS and not is_boilerplate(d)}
        total = sum(own.values())
        if not total:
            return False
        shared: Counter[int] = Counter()
        for text, chars in own.items():
            for generation in (self._new, self._old):
                page = generation.text_pages.get(text)
                if page is not None:
                    shared[page] += chars
        if shared and shared.most_common(1)[0][1] >= _SHARE * total:
            return True
        self._pages += 1
        for text in own:
            self._new.text_pages[text] = self._pages
        return False


def _key(digest: str) -> int:
    """A compact key for a hex fingerprint (an int is a third of the size of its string)."""
    try:
        return int(digest, 16)
    except ValueError:
        return hash(digest)
