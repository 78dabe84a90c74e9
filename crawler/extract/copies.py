"""Recognising one page seen again: by URL, or by the text it shares with a recent page."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

_MIN_CHARS = 50
_SHARE = 0.9
_URLS_PER_PAGE = 4  # URLs remembered per page of text: copies by URL need no text


@dataclass
class _Generation:
    """The texts of one stretch of recent pages (text key -> latest page)."""

    text_pages: dict[int, int] = field(default_factory=dict)
    pages: int = 0  # pages recorded (not copies)


class CopyDetector:
    """Tells, for one site, whether a page is a copy of a recent one.

    A page is a copy when its URL was seen, or when nine tenths of its own text (blocks not
    yet known as boilerplate) sits in a single earlier page: the same article reached through
    another URL (tracking parameters, AMP, print view) or crawled again. Texts are remembered
    for the last ``window`` to ``2 * window`` pages that were not copies, in two generations,
    and URLs for the last ``4 * window`` to twice as many, so memory stays bounded however
    long the crawl. Counting the window in pages that are not copies, as the learner counts its
    decay, means a copy found too late always has a decay of the learner's counts between it
    and the page it copies: its texts never add up to boilerplate, however many URLs lead to
    one article.
    """

    def __init__(self, window: int = 64) -> None:
        """``window``: pages (not copies) per generation."""
        self.window = max(1, window)
        self.url_window = _URLS_PER_PAGE * self.window
        self._pages = 0
        self._new = _Generation()
        self._old = _Generation()
        self._new_urls: set[int] = set()
        self._old_urls: set[int] = set()

    def is_copy(
        self,
        url_key: str,
        blocks: Iterable[tuple[str, int]],
        is_boilerplate: Callable[[str], bool],
    ) -> bool:
        """True for a copy; otherwise records the page (``blocks``: text hash, length)."""
        url = _key(url_key)
        if url in self._new_urls or url in self._old_urls:
            return True
        if len(self._new_urls) >= self.url_window:
            self._old_urls, self._new_urls = self._new_urls, set()
        self._new_urls.add(url)
        own = {_key(d): n for d, n in blocks if n >= _MIN_CHARS and not is_boilerplate(d)}
        total = sum(own.values())
        if total and self._copied(own, total):
            return True
        if self._new.pages >= self.window:
            self._old, self._new = self._new, _Generation()
        self._new.pages += 1
        self._pages += 1
        for text in own:
            self._new.text_pages[text] = self._pages
        return False

    def _copied(self, own: dict[int, int], total: int) -> bool:
        """Whether one recent page holds nine tenths of ``own`` (text key -> chars)."""
        shared: Counter[int] = Counter()
        for text, chars in own.items():
            page = self._new.text_pages.get(text, self._old.text_pages.get(text))
            if page is not None:
                shared[page] += chars
        return bool(shared) and shared.most_common(1)[0][1] >= _SHARE * total


def _key(digest: str) -> int:
    """A compact key for a hex fingerprint (an int is a third of the size of its string)."""
    try:
        return int(digest, 16)
    except ValueError:
        return hash(digest)
