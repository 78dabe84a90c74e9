"""An article keeps its site: the store's name for its host wins over the registered domain."""

from crawler.store import PageRecord, open_store
from crawler.store.sitenames import SiteNames


def _page(url: str, site: str) -> PageRecord:
    return PageRecord(url=url, site=site, status=200, fetched_at="2026-11-25T10:00:00Z",
                      is_article=False, text="")


def test_stored_name_wins_then_registered_domain(tmp_path):
    with open_store(tmp_path, create=True) as store:
        store.add_page(_page("http://127.0.0.1:8000/world/", "demo"))
        names = SiteNames(store)
        assert names("http://127.0.0.1:8000/world/2026/story/") == "demo"
        assert names("http://127.0.0.1:8001/world/") == "127.0.0.1"  # another port: unknown
        assert names("https://www.bbc.co.uk/news") == "bbc.co.uk"


def test_new_archive_has_registered_domains_only(tmp_path):
    names = SiteNames.for_archive(tmp_path / "none")
    assert names("https://news.example.co.uk:8443/a") == "example.co.uk"
    names.close()
    assert not (tmp_path / "none").exists()  # reading never creates a store
