"""Feed, sitemap and robots.txt parsing into discovered URLs."""

from __future__ import annotations

import gzip

from crawler.discovery import parse_feed, parse_sitemap, parse_text_sitemap, sitemaps_in_robots

BASE = "https://news.example/"


def test_rss_items_with_dates_and_relative_links():
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>N</title>
    <item><title>A</title><link>https://news.example/a?utm_source=rss</link>
      <pubDate>Tue, 23 Apr 2024 10:00:00 +0200</pubDate></item>
    <item><title>B</title><link>/b</link></item>
    <item><title>C</title><guid isPermaLink="true">https://news.example/c</guid></item>
    </channel></rss>"""
    found = parse_feed(body, BASE)
    assert [d.url for d in found] == [
        "https://news.example/a", "https://news.example/b", "https://news.example/c",
    ]
    assert found[0].lastmod == "2024-04-23T08:00:00Z"
    assert found[1].lastmod is None
    assert {d.role for d in found} == {"article"}


def test_atom_entries_use_alternate_link_and_published():
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom">
    <entry><link rel="self" href="https://news.example/self"/>
      <link rel="alternate" href="https://news.example/x"/>
      <updated>2024-04-02T00:00:00Z</updated><published>2024-04-01T00:00:00Z</published></entry>
    </feed>"""
    (entry,) = parse_feed(body, BASE)
    assert entry.url == "https://news.example/x"
    assert entry.lastmod == "2024-04-01T00:00:00Z"


def test_google_news_sitemap_marks_articles():
    body = b"""<?xml version="1.0" encoding="UTF-8"?>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
            xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
      <url><loc>https://news.example/2024/04/23/story</loc>
        <news:news><news:publication><news:name>N</news:name></news:publication>
        <news:publication_date>2024-04-23T09:00:00+00:00</news:publication_date>
        <news:title>Story</news:title></news:news></url>
      <url><loc>https://news.example/about</loc><lastmod>2023-01-01</lastmod></url>
    </urlset>"""
    story, about = parse_sitemap(body, BASE)
    assert (story.role, story.lastmod) == ("article", "2024-04-23T09:00:00Z")
    assert (about.role, about.lastmod) == ("unknown", "2023-01-01T00:00:00Z")


def test_sitemap_index_gzipped():
    body = gzip.compress(b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://news.example/s1.xml</loc></sitemap>
      <sitemap><loc>https://news.example/s2.xml.gz</loc><lastmod>2024-01-01</lastmod></sitemap>
    </sitemapindex>""")
    found = parse_sitemap(body, BASE)
    assert [(d.url, d.role) for d in found] == [
        ("https://news.example/s1.xml", "sitemap"), ("https://news.example/s2.xml.gz", "sitemap"),
    ]


def test_broken_xml_recovers_what_it_can():
    body = b"<urlset><url><loc>https://news.example/a</loc></url><url><loc>https://news.ex"
    assert parse_sitemap(body, BASE)[0].url == "https://news.example/a"


def test_entities_are_not_expanded():
    body = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>
    <urlset><url><loc>https://news.example/&e;</loc></url></urlset>"""
    assert all("root:" not in d.url for d in parse_sitemap(body, BASE))


def test_text_sitemap_and_robots():
    assert [d.url for d in parse_text_sitemap(b"https://news.example/a\n\nnot a url\n", BASE)] == [
        "https://news.example/a"
    ]
    robots = "User-agent: *\nDisallow: /x\nSitemap: /sitemap.xml\nsitemap: https://o.example/s.xml\n"
    assert sitemaps_in_robots(robots, BASE) == [
        "https://news.example/sitemap.xml", "https://o.example/s.xml",
    ]


def test_xml_problem_names_a_truncated_document():
    from crawler.discovery import xml_problem

    whole = b'<?xml version="1.0"?><urlset><url><loc>http://a.example/x</loc></url></urlset>'
    assert xml_problem(whole) is None
    assert xml_problem(whole[:-12]).startswith("truncated or malformed XML")
