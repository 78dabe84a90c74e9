"""Article or list page? Weigh structured data, URL shape, and text and link density."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from crawler.extract import patterns
from crawler.extract.metadata import Metadata


@dataclass(frozen=True, slots=True)
class PageEvidence:
    """Measurements of one page that the classifier weighs."""

    url: str | None
    text_chars: int
    page_chars: int
    page_link_chars: int
    links: int
    body_blocks: int
    body_teasers: int


@dataclass(frozen=True, slots=True)
class PageType:
    """The decision and why: ``discard_reason`` is None for articles.

    ``votes`` are the markup, URL and density votes (also features of the block scorer).
    """

    is_article: bool
    discard_reason: str | None
    page_reason: str
    votes: tuple[int, int, int] = (0, 0, 0)

    @property
    def role(self) -> str:
        """``article``, ``list`` (a list page) or ``other`` (too short, empty)."""
        if self.is_article:
            return "article"
        return "list" if (self.discard_reason or "").startswith("list-page") else "other"


def _url_vote(url: str | None) -> tuple[int, str | None]:
    if not url:
        return 0, None
    parts = urlsplit(url)
    path = parts.path or "/"
    if path.strip("/") in ("", "index.html", "index.php", "home", "en", "news") and not parts.query:
        return -3, "home page URL"
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if patterns.LIST_PATH.search(path) and not patterns.SLUG.fullmatch(last):
        return -2, f"list-like URL {path}"
    # An article-like path wins over list-like query parameters (…/view.html?id=1&page=1).
    if patterns.ARTICLE_URL.search(path):
        return 1, "article-like URL"
    if patterns.LIST_QUERY.search("?" + parts.query):
        return -2, f"list-like URL {path}?{parts.query[:40]}"
    return 0, None


def _markup_vote(meta: Metadata) -> tuple[int, str | None]:
    if meta.ld_types & patterns.ARTICLE_TYPES:
        kind = sorted(meta.ld_types & patterns.ARTICLE_TYPES)[0]
        return 3, f"JSON-LD {kind}"
    if meta.ld_types & {"collectionpage", "itemlist", "searchresultspage", "profilepage"}:
        return -3, "JSON-LD " + sorted(meta.ld_types & patterns.LIST_TYPES)[0]
    if meta.og_type == "article":
        return 2, "og:type article"
    if meta.og_type in ("website", "profile"):
        return -1, f"og:type {meta.og_type}"
    return 0, None


def _density_vote(ev: PageEvidence, text_chars: int) -> tuple[int, str | None]:
    density = ev.page_link_chars / ev.page_chars if ev.page_chars else 1.0
    # The prose the rules read in the main column; named so when the result's text differs.
    prose = "chars of prose" if text_chars == ev.text_chars else "chars of prose in the main column"
    detail = f"link density {density:.2f}, {ev.links} links to other pages"
    if ev.body_teasers >= 5 and ev.body_teasers >= 0.25 * ev.body_blocks:
        main = f"{ev.body_teasers} headline links among {ev.body_blocks} blocks of the main column"
        return (-1 if ev.text_chars >= 1500 else -2), f"{main}; {detail}"
    if density > 0.5 and ev.links >= 15:
        # A real body of prose outweighs a heavy menu.
        return (-1 if ev.text_chars >= 400 else -2), detail
    if ev.text_chars > 1500 and density < 0.35:
        return 2, f"{ev.text_chars} {prose}; {detail}"
    return 0, None


def classify(
    ev: PageEvidence,
    meta: Metadata,
    min_chars: int,
    listed_as_article: bool = False,
    text_chars: int | None = None,
) -> PageType:
    """Decide whether the page is an article, with the evidence that decided it.

    ``listed_as_article``: the crawl found the URL in a feed or news sitemap. ``text_chars``:
    the length of the text the result holds, when known (the reason describes that text; the
    decision weighs the prose the rules found in the main column, ``ev.text_chars``).
    """
    held = ev.text_chars if text_chars is None else text_chars
    votes = [_markup_vote(meta), _url_vote(ev.url), _density_vote(ev, held)]
    numbers = (votes[0][0], votes[1][0], votes[2][0])
    if listed_as_article:
        votes.append((2, "listed in a feed or news sitemap"))
    score = sum(vote for vote, _ in votes)
    reasons = "; ".join(reason for _, reason in votes if reason) or "no strong evidence"
    if ev.text_chars < min_chars:
        amount = f"{held} chars of body text"
        if held >= min_chars:
            # The text was read outside any column of prose (scattered blocks, JSON-LD).
            amount = (f"{ev.text_chars} chars of prose in the main column; the text's {held} "
                      "chars are read outside it")
        reason = f"too-short: {amount} (min {min_chars})"
        if score < 0:
            reason = f"list-page: {reasons}; {amount}"
        return PageType(False, reason, reason, numbers)
    if score < 0:
        reason = f"list-page: {reasons}"
        return PageType(False, reason, reason, numbers)
    return PageType(True, None, f"article: {reasons}", numbers)
