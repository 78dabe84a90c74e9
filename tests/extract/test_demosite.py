"""The bundled demo site's pages: articles come out exactly, list pages are discarded."""

from __future__ import annotations

import pytest

from crawler.demosite import build_site, pages
from crawler.extract import ExtractOptions, SiteLearner, extract

BASE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def site():
    return build_site()


def test_every_article_is_exactly_its_paragraphs(site) -> None:
    for article in site.articles:
        result = extract(pages.article_page(site, article, BASE), BASE + article.path)
        assert result.is_article, article.path
        assert result.text.split("\n\n") == list(article.paragraphs), article.path
        assert result.title == article.title
        assert result.authors == (article.author,)
        assert result.published.source == "json-ld"


def test_site_learning_keeps_demo_articles_intact(site) -> None:
    learner = SiteLearner()
    for article in site.articles[:20]:
        url = BASE + article.path
        learner.observe(url, extract(pages.article_page(site, article, BASE), url).block_signatures)
    options = ExtractOptions(site_profile=learner.profile(BASE))
    assert options.site_profile.boilerplate, "the sidebar and newsletter repeat on every page"
    for article in site.articles[20:40]:
        result = extract(pages.article_page(site, article, BASE), BASE + article.path, options)
        assert result.text.split("\n\n") == list(article.paragraphs), article.path


def test_list_pages_have_the_list_role_and_their_text(site) -> None:
    world = site.in_section("world")
    author = site.articles[0].author
    cases = {
        "/": pages.home(site),
        "/world/": pages.listing(site, "World", "/world/", world, 1),
        "/world/page/2/": pages.listing(site, "World", "/world/", world, 2),
        "/author/x/": pages.listing(site, author, "/author/x/", site.by_author(author), 1),
        "/opinion/": pages.opinion_page(site),
    }
    for path, html in cases.items():
        assert html is not None, path
        result = extract(html, BASE + path)
        assert not result.is_article, path
        assert result.role == "list", (path, result.page_reason)
        assert result.discard_reason.startswith("list-page: "), (path, result.discard_reason)
        # The page's best text is still there: its headlines and standfirsts, no menu.
        assert result.text, path
        assert "Sign up" not in result.text, path
