"""The demo news site's content, generated deterministically from a seed and an edition.

Edition 1 has 120 articles in 5 sections (24 each, 3 pages of 10 per section), 8 authors,
12 tags, 6 editorials in the "Opinion / Editorial" sidebar, and pages under ``/private/``
(linked from every footer, disallowed by robots.txt).

Edition 2 (for incremental-crawl tests) changes exactly three things:

- :data:`EDITED_ARTICLE` (the 8th newest article of edition 1) gets a new second paragraph
  and a later ``dateModified``;
- :data:`AD_CHANGED_ARTICLE` (the 13th newest) changes only the text of its ad block;
- :data:`NEW_ARTICLES` (5) new articles, newer than all others, appear in their sections,
  the home page, the feed and the sitemaps.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from crawler.demosite import content

#: Articles of edition 1, and the ones edition 2 adds.
ARTICLES, NEW_ARTICLES = 120, 5
#: Indexes (0 = newest) into edition 1's articles, newest first.
EDITED_ARTICLE, AD_CHANGED_ARTICLE = 7, 12
PAGE_SIZE = 10
#: Syndicated copies, as (original, copy) indexes into edition 1's articles (0 = newest): the
#: copy, published later in another section under its own headline, carries the original's
#: wire story with a dateline, its ending cut and a local paragraph added, so `crawler duplicates`
#: has stories to show. Content only: the site's pages and article count do not change.
SYNDICATED = ((20, 16), (41, 38), (63, 59))
WIRE = "Demo Wire"
NEWEST = datetime(2024, 4, 23, 9, 0, tzinfo=UTC)
SEED = 20240423


@dataclass(frozen=True)
class Article:
    """One article of the demo site."""

    slug: str
    section: str
    title: str
    author: str
    published: datetime
    modified: datetime
    tags: tuple[str, ...]
    paragraphs: tuple[str, ...]
    comments: tuple[tuple[str, str], ...]
    ad_text: str
    #: The slug of the article this one republishes (a syndicated copy), if any.
    copy_of: str | None = None

    @property
    def path(self) -> str:
        """URL path of the article."""
        return f"/{self.section}/{self.published:%Y/%m/%d}/{self.slug}/"

    @property
    def teaser(self) -> str:
        """The first sentence, used on list pages."""
        return self.paragraphs[0].split(". ")[0] + "."


@dataclass(frozen=True)
class Editorial:
    """One item of the Opinion / Editorial sidebar: headline, date, teaser paragraph."""

    title: str
    date: datetime
    updated: bool
    teaser: str

    @property
    def path(self) -> str:
        """Where the sidebar links: an anchor on the /opinion/ list page."""
        return f"/opinion/#{content.slugify(self.title)}"


@dataclass(frozen=True)
class Site:
    """All content of one edition of the demo site."""

    edition: int
    articles: tuple[Article, ...]  # newest first
    authors: tuple[str, ...]
    editorials: tuple[Editorial, ...]
    by_path: dict[str, Article] = field(repr=False, compare=False, default_factory=dict)

    def in_section(self, section: str) -> list[Article]:
        """Articles of one section, newest first."""
        return [a for a in self.articles if a.section == section]

    def by_author(self, author: str) -> list[Article]:
        """Articles by one author, newest first."""
        return [a for a in self.articles if a.author == author]

    def tagged(self, tag: str) -> list[Article]:
        """Articles with one tag, newest first."""
        return [a for a in self.articles if tag in a.tags]

    @property
    def updated(self) -> datetime:
        """When the site last changed (its newest modification)."""
        return max(a.modified for a in self.articles)


def _article(rng: random.Random, index: int, when: datetime, authors: list[str]) -> Article:
    """Generate one article; ``index`` keeps slugs unique."""
    title = content.headline(rng)
    section = content.SECTIONS[index % len(content.SECTIONS)][0]
    paragraphs = tuple(content.paragraph(rng) for _ in range(rng.randint(6, 10)))
    comments = tuple((content.person(rng), content.paragraph(rng, (1, 2))) for _ in range(3))
    return Article(
        slug=f"{content.slugify(title)}-{index + 1000}",
        section=section,
        title=title,
        author=authors[index % len(authors)],
        published=when,
        modified=when + timedelta(minutes=rng.randint(0, 90)),
        tags=tuple(sorted(rng.sample(content.TAGS, 2))),
        paragraphs=paragraphs,
        comments=comments,
        ad_text=f"Advertisement: {rng.choice(AD_OFFERS)}",
    )


AD_OFFERS = ("Save 40% on annual digital subscriptions this week only.",
             "Try our premium crossword app free for 30 days.",
             "Book your summer holiday early and save with NewsTravel.",
             "Switch to GreenGrid electricity and get your first month free.")


@lru_cache(maxsize=8)
def build_site(edition: int = 1) -> Site:
    """Build (and cache) the content of ``edition`` (1 or higher; 2+ adds edition 2's changes)."""
    rng = random.Random(SEED)
    authors = sorted({content.person(rng) for _ in range(20)})[:8]
    total = ARTICLES + NEW_ARTICLES
    # Index 0..4 are edition 2's new articles; 5.. are edition 1's, newest first.
    articles = [
        _article(rng, i, NEWEST + timedelta(hours=5 * NEW_ARTICLES) - timedelta(hours=5 * i),
                 authors)
        for i in range(total)
    ]
    editorials = tuple(
        Editorial(content.headline(rng), NEWEST - timedelta(days=i // 2), i % 3 == 0,
                  content.paragraph(rng, (1, 2)))
        for i in range(6)
    )
    for original, copy in SYNDICATED:
        articles[NEW_ARTICLES + copy] = _syndicated(articles[NEW_ARTICLES + original],
                                                    articles[NEW_ARTICLES + copy])
    if edition < 2:
        articles = articles[NEW_ARTICLES:]
    else:
        articles = _edition_two(articles, rng)
    by_path = {a.path: a for a in articles}
    return Site(edition, tuple(articles), tuple(authors), editorials, by_path)


def _syndicated(original: Article, copy: Article) -> Article:
    """``copy`` (its headline, section, date) carrying ``original``'s story as a wire copy."""
    paragraphs = list(original.paragraphs[: max(4, len(original.paragraphs) - 2)])
    place = original.published.strftime("%d %B").lstrip("0")
    paragraphs[0] = f"{place} ({WIRE}) \u2014 {paragraphs[0]}"
    # A local paragraph the republisher added (deterministic: seeded by the copy's slug).
    paragraphs.append(content.paragraph(random.Random(copy.slug), (2, 2)))
    return replace(copy, paragraphs=tuple(paragraphs), copy_of=original.slug)


def _edition_two(articles: list[Article], rng: random.Random) -> list[Article]:
    """Apply edition 2's edit and ad change to the full list (new articles stay in)."""
    edited = articles[NEW_ARTICLES + EDITED_ARTICLE]
    paragraphs = list(edited.paragraphs)
    paragraphs[1] = "Correction: " + content.paragraph(rng)
    articles[NEW_ARTICLES + EDITED_ARTICLE] = replace(
        edited, paragraphs=tuple(paragraphs), modified=edited.modified + timedelta(days=1)
    )
    ad = articles[NEW_ARTICLES + AD_CHANGED_ARTICLE]
    articles[NEW_ARTICLES + AD_CHANGED_ARTICLE] = replace(
        ad, ad_text="Advertisement: Edition two sponsor - new offers every day."
    )
    return articles
