"""Site-level learning: blocks repeated across a site's pages go, in-article repeats stay."""

from __future__ import annotations

from crawler.extract import ExtractOptions, SiteLearner, extract
from tests.extract import sitepages
from tests.store.warcs import unique_text


def _learn(pages: list[tuple[str, str]]) -> SiteLearner:
    learner = SiteLearner()
    for url, html in pages:
        learner.observe(url, extract(html, url).block_signatures)
    return learner


def _site_pages() -> list[tuple[str, str]]:
    return [
        (sitepages.url(i), sitepages.page(title, paras))
        for i, (title, paras) in enumerate(sitepages.STORIES)
    ]


def test_single_page_cannot_tell_the_teasers_from_the_story() -> None:
    # Precondition that keeps the fixture meaningful: one page alone leaks the teasers.
    url, html = _site_pages()[0]
    assert "otters are back in the river" in extract(html, url).text


def test_learned_profile_removes_repeated_teasers() -> None:
    pages = _site_pages()
    learner = _learn(pages[1:])
    profile = learner.profile(sitepages.SITE)
    assert profile.pages_seen == 3
    assert profile.boilerplate
    url, html = pages[0]
    text = extract(html, url, ExtractOptions(site_profile=profile)).text
    assert text.startswith("Repairs to the harbour wall began on Monday")
    assert text.endswith("said the delay had cost them thousands in fuel.")
    for title, teaser in sitepages.TEASERS:
        assert teaser not in text
        assert title not in text


def test_new_teaser_in_a_learned_position_is_removed() -> None:
    learner = _learn(_site_pages())
    fresh = [("Parking fees", "Raising parking fees in the centre may fill the council's "
              "coffers, but it will empty the high street, and that is a price too high.")]
    title, paras = "Bridge reopens after repairs", sitepages.STORIES[0][1]
    html = sitepages.page(title, paras, teasers=fresh)
    options = ExtractOptions(site_profile=learner.profile(sitepages.url(9)))
    text = extract(html, sitepages.url(9), options).text
    assert "Repairs to the harbour wall" in text
    assert "empty the high street" not in text


def test_text_repeated_inside_one_article_is_kept() -> None:
    refrain = ("We will not move, the residents chanted again and again outside the town hall, "
               "as the council met to decide the future of the estate.")
    paras = [refrain, *sitepages.STORIES[1][1], refrain, refrain]
    html = sitepages.page("Residents protest estate plan", paras)
    learner = _learn([(sitepages.url(5), html)] + _site_pages()[2:])
    text = extract(html, sitepages.url(5), ExtractOptions(site_profile=learner.profile(
        sitepages.SITE))).text
    assert text.count(refrain) == 3
    assert "otters are back" not in text


def test_recrawling_one_url_does_not_make_its_text_boilerplate() -> None:
    url, html = _site_pages()[0]
    learner = _learn([(url, html)] * 5)
    text = extract(html, url, ExtractOptions(site_profile=learner.profile(url))).text
    assert "Repairs to the harbour wall began" in text


def test_profiles_are_per_site_snapshots() -> None:
    learner = _learn(_site_pages())
    snapshot = learner.profile(sitepages.SITE)
    assert learner.profile("https://other.example/").boilerplate == frozenset()
    learner.observe(sitepages.url(7), ("b:div.x\tdeadbeef",))
    assert snapshot.pages_seen == 4
    assert learner.profile("northern-herald.example").pages_seen == 5


def test_seed_page_ends_at_the_story_after_learning() -> None:
    from pathlib import Path

    html = (Path(__file__).parent / "fixtures" / "seed_sidebar.html").read_text(encoding="utf-8")
    url = "https://www.dawn.com/news/779899/60-foreign-hostages-still-unaccounted-for-in-algeria"
    start = html.index('<div class="story__content">')
    end = html.index("</article>")
    others = [
        (
            f"https://www.dawn.com/news/{n}/story-{n}",
            html[:start] + "<div>" + "".join(f"<p>{p}</p>" for p in paras) + html[end:],
        )
        for n, (_title, paras) in enumerate(sitepages.STORIES)
    ]
    profile = _learn(others).profile(url)
    text = extract(html, url, ExtractOptions(site_profile=profile)).text
    assert text.endswith("other Americans were either still held or unaccounted for.")
    assert "By-election trends" not in text


def test_one_article_under_several_urls_is_one_page() -> None:
    _url, html = _site_pages()[0]
    copies = [(f"{sitepages.SITE}/news/story?utm_source={n}", html) for n in range(4)]
    learner = _learn(copies + _site_pages()[1:2])
    profile = learner.profile(sitepages.SITE)
    assert profile.pages_seen == 2
    text = extract(html, copies[0][0], ExtractOptions(site_profile=profile)).text
    assert "Repairs to the harbour wall began" in text


def test_articles_under_many_urls_far_apart_never_become_boilerplate() -> None:
    # 50 articles, each under 28 URLs (mirrors, tracking parameters), crawled mirror by
    # mirror: a page's copies come 50 URLs apart, with no new page in between.
    learner = SiteLearner()
    lost = []
    for mirror in range(28):
        for n in range(50):
            url, signatures = _long_site_page(n, "teaser-a")
            profile = learner.profile(sitepages.SITE)
            if f"t:page{n}block0@article/div.body/p" in profile.boilerplate or (
                "p:article/div.body/p" in profile.boilerplate
            ):
                lost.append((mirror, n))
            learner.observe(f"{url}?mirror={mirror}", signatures)
    assert lost == []
    assert learner.profile(sitepages.SITE).pages_seen == 50
    assert "t:teaser-a@aside.most-read/ul/li" in learner.profile(sitepages.SITE).boilerplate


def test_old_two_field_signatures_are_accepted() -> None:
    learner = SiteLearner(min_pages=2)
    for n in range(2):
        learner.observe(f"{sitepages.SITE}/p{n}", (f"b:div.x\tfeedface{n}", "b:div.side\tcafe"))
    assert "t:cafe@div.side" in learner.profile(sitepages.SITE).boilerplate


def test_article_lead_quoted_on_list_pages_stays_in_the_article() -> None:
    title, paras = sitepages.STORIES[0]
    lead = paras[0]
    lists = [
        (f"{sitepages.SITE}/section-{n}/",
         f'<html><body><div class="list"><div class="teaser"><h3><a href="/a">{title}</a></h3>'
         f"<p>{lead}</p></div><div class=\"teaser\"><p>Another teaser {n}, of some length, "
         "to fill the list page out.</p></div></div></body></html>")
        for n in range(4)
    ]
    learner = _learn(lists + _site_pages()[1:])
    url, html = _site_pages()[0]
    text = extract(html, url, ExtractOptions(site_profile=learner.profile(url))).text
    assert text.startswith(lead)
    assert "otters are back" not in text


def _long_site_page(n: int, sidebar: str) -> tuple[str, tuple[str, ...]]:
    """Page ``n`` of a long crawl: 30 blocks of its own text, a nav bar and a sidebar."""
    own = tuple(f"b:article/div.body/p\tpage{n}block{k}\t300" for k in range(30))
    shared = ("b:nav/ul/li\tmenu\t40", f"b:aside.most-read/ul/li\t{sidebar}\t80")
    return f"{sitepages.SITE}/news/{n}", own + shared


def test_learner_memory_stays_bounded_on_a_long_crawl() -> None:
    import tracemalloc

    learner = SiteLearner()
    tracemalloc.start()
    try:
        for n in range(500):
            learner.observe(*_long_site_page(n, "teaser-a"))
        early = tracemalloc.get_traced_memory()[0]
        for n in range(500, 3000):
            learner.observe(*_long_site_page(n, "teaser-a" if n < 2000 else "teaser-b"))
        late = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    # Six times the pages, not six times the memory: an article's own text is forgotten.
    assert late < early * 1.5, (early, late)
    profile = learner.profile(sitepages.SITE)
    assert profile.pages_seen == 3000
    assert "t:menu@nav/ul/li" in profile.boilerplate
    assert "t:teaser-b@aside.most-read/ul/li" in profile.boilerplate  # learned late
    assert "p:article/div.body/p" not in profile.boilerplate
    assert not any("page2999" in key for key in profile.boilerplate)


def _boxed_story(i: int, notes: list[str]) -> tuple[str, str]:
    """An article whose body column carries the site's box of notes between its paragraphs."""
    own = [p for p in unique_text(100 + i, 6).split(". ") if p]
    paras = [". ".join(own[:3]) + ".", *notes, ". ".join(own[3:])]
    return sitepages.url(i), sitepages.page(f"Story {i} of the week", paras, teasers=[])


def test_a_box_shared_in_the_body_column_does_not_empty_the_articles() -> None:
    # Three notes in the same <p> slot as the story on every page make that slot "mostly
    # boilerplate"; the slot is still where each page's own text lives, so it must stay.
    notes = [f"Note {n}: {unique_text(900 + n, 2)}" for n in range(3)]
    pages = [_boxed_story(i, notes) for i in range(6)]
    learner = _learn(pages)
    profile = learner.profile(sitepages.SITE)
    for url, html in pages:
        result = extract(html, url, ExtractOptions(site_profile=profile))
        assert result.is_article, result.discard_reason
        own = unique_text(100 + pages.index((url, html)), 6)
        assert own.split(". ")[0] in result.text
        for note in notes:
            assert note[:40] not in result.text  # the repeated notes still go
