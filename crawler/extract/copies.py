"""Recognising one page seen again: by URL, or by the text it shares with an earlier page."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

_MIN_CHARS = 50
_SHARE = 0.9
_PAGES_PER_TEXT = 4


class CopyDetector:
    """Tells, for one site, whether a page is a copy of one already recorded.

    A page is a copy when its URL was seen, or when nine tenths of its own text (blocks not
    yet known as boilerplate) sits in a single earlier page: the same article reached through
    another URL (tracking parameters, AMP, print view) or crawled again.
    """

    def __init__(self, max_keys: int = 200_000) -> None:
        """``max_keys`` bounds the URLs, pages and texts remembered."""
        self.max_keys = max_keys
        self._urls: set[str] = set()
        self._page_chars: list[int] = []
        self._text_pages: dict[str, list[int]] = {}

    def is_copy(
        self,
        url_key: str,
        blocks: Iterable[tuple[str, int]],
        is_boilerplate: Callable[[str], bool],
    ) -> bool:
        """True for a copy; otherwise records the page (``blocks``: text hash, length)."""
        if url_key in self._urls:
            return True
        if len(self._urls) < self.max_keys:
            self._urls.add(url_key)
        own = {d: n for d, n in blocks if n >= _MIN_CHARS and not is_boilerplate(d)}
        total = sum(own.values())
        if not total:
            return False
        shared: Counter[int] = Counter()
        for digest, chars in own.items():
            for page in self._text_pages.get(digest, ()):
                shared[page] += chars
        if shared and shared.most_common(1)[0][1] >= _SHARE * total:
            return True
        self._record(own, total)
        return False

    def _record(self, own: dict[str, int], total: int) -> None:
        if len(self._page_chars) >= self.max_keys:
            return
        page = len(self._page_chars)
        self._page_chars.append(total)
        for digest in own:
            pages = self._text_pages.get(digest)
            if pages is None:
                if len(self._text_pages) < self.max_keys:
                    self._text_pages[digest] = [page]
            elif len(pages) < _PAGES_PER_TEXT:
                pages.append(page)
