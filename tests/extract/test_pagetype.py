"""Article or list page: the decision and its evidence."""

from __future__ import annotations

import pytest

from crawler.extract import extract
from crawler.extract.pagetype import _url_vote

STORY = "<p>" + "The committee heard evidence from residents, officials and experts. " * 8 + "</p>"
TEASERS = "".join(
    f'<div><h3><a href="/news/story-{i}">Headline number {i} about the news</a></h3>'
    f"<p>A short teaser for story {i}, with a comma.</p></div>"
    for i in range(20)
)


def test_article_reason_cites_evidence() -> None:
    head = '<meta property="og:type" content="article">'
    html = f"<html><head>{head}</head><body>{STORY}</body></html>"
    result = extract(html, "https://x.com/news/2024/05/02/committee-hears-evidence")
    assert result.is_article
    assert result.discard_reason is None
    assert result.page_reason.startswith("article: og:type article")


def test_home_page_is_a_list() -> None:
    result = extract(f"<html><body>{TEASERS}</body></html>", "https://x.com/")
    assert not result.is_article
    assert result.discard_reason.startswith("list-page: ")
    assert "home page URL" in result.discard_reason


def test_tag_page_is_a_list_even_with_prose() -> None:
    html = f"<html><body><h1>Tag: housing</h1>{TEASERS}{STORY}</body></html>"
    result = extract(html, "https://x.com/tag/housing/")
    assert not result.is_article
    assert "list-like URL /tag/housing/" in result.discard_reason


def test_json_ld_collection_page_is_a_list() -> None:
    html = (
        '<html><head><script type="application/ld+json">{"@type": "CollectionPage"}</script>'
        f"</head><body>{TEASERS}</body></html>"
    )
    result = extract(html, "https://x.com/news/housing-coverage")
    assert not result.is_article
    assert "JSON-LD collectionpage" in result.discard_reason


def test_short_page_is_too_short() -> None:
    result = extract("<html><body><p>Page not found.</p></body></html>", "https://x.com/a-b-c-d")
    assert result.discard_reason.startswith("too-short: ")


@pytest.mark.parametrize(
    ("url", "vote"),
    [
        ("https://s.example/", -3),
        ("https://s.example/category/politics/", -2),
        ("https://s.example/category/politics/page/3/", -2),
        ("https://s.example/tag/new-york", -2),
        ("https://s.example/author/jane-doe/", -2),
        ("https://s.example/search?q=flood", -2),
        ("https://s.example/world/?page=2", -2),
        ("https://s.example/category/politics/council-approves-the-new-budget-plan", 1),
        ("https://s.example/people/john-smith-dies-at-90-after-long-career", 1),
        ("https://s.example/news/view.html?idx=8576&page=1", 1),
        ("https://s.example/2024/05/02/story", 1),
        ("https://s.example/world/", 0),
    ],
)
def test_url_shape_votes(url: str, vote: int) -> None:
    assert _url_vote(url)[0] == vote


def test_feed_listing_is_evidence_for_an_article() -> None:
    from crawler.extract.metadata import Metadata
    from crawler.extract.pagetype import PageEvidence, classify

    evidence = PageEvidence(
        url="https://x.com/world/", text_chars=900, page_chars=3000, page_link_chars=600,
        links=40, body_blocks=12, body_teasers=6,
    )
    meta = Metadata(og_type="website")
    assert not classify(evidence, meta, 200).is_article
    listed = classify(evidence, Metadata(), 200, listed_as_article=True)
    assert listed.is_article
    assert "listed in a feed or news sitemap" in listed.page_reason
