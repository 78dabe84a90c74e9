"""The demo site's robots.txt, RSS feed, Google News sitemap, page sitemap and sitemap index."""

from __future__ import annotations

from email.utils import format_datetime
from html import escape

from crawler.demosite import content
from crawler.demosite.model import Site
from crawler.demosite.pages import NAME


def robots_txt(base: str) -> str:
    """robots.txt: /private/ and /search are off limits; the sitemap index is announced."""
    return (
        "User-agent: *\nDisallow: /private/\nDisallow: /search\n\n"
        f"Sitemap: {base}/sitemap_index.xml\n"
    )


def rss(site: Site, base: str) -> str:
    """RSS 2.0 feed of every article (a demo-sized site: real feeds list only the newest)."""
    items = "".join(
        f"<item><title>{escape(a.title)}</title><link>{base}{a.path}</link>"
        f'<guid isPermaLink="true">{base}{a.path}</guid>'
        f"<pubDate>{format_datetime(a.published, usegmt=True)}</pubDate>"
        f"<author>{escape(a.author)}</author><category>{a.section}</category>"
        f"<description>{escape(a.teaser)}</description></item>\n"
        for a in site.articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{NAME}</title><link>{base}/</link><description>Demo news</description>"
        f"<lastBuildDate>{format_datetime(site.updated, usegmt=True)}</lastBuildDate>\n"
        f"{items}</channel></rss>\n"
    )


def news_sitemap(site: Site, base: str) -> str:
    """Google News sitemap of every article, oldest first (as many real sitemaps are)."""
    urls = "".join(
        f"<url><loc>{base}{a.path}</loc><news:news><news:publication><news:name>{NAME}"
        "</news:name><news:language>en</news:language></news:publication>"
        f"<news:publication_date>{a.published:%Y-%m-%dT%H:%M:%SZ}</news:publication_date>"
        f"<news:title>{escape(a.title)}</news:title></news:news>"
        f"<lastmod>{a.modified:%Y-%m-%dT%H:%M:%SZ}</lastmod></url>\n"
        for a in reversed(site.articles)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
        f"{urls}</urlset>\n"
    )


def pages_sitemap(site: Site, base: str) -> str:
    """Plain sitemap of the list pages: home, sections, authors, tags, about."""
    paths = ["/", "/opinion/", "/about/"]
    paths += [f"/{slug}/" for slug, _ in content.SECTIONS]
    paths += [f"/author/{content.slugify(a)}/" for a in site.authors]
    paths += [f"/tag/{t}/" for t in content.TAGS]
    urls = "".join(f"<url><loc>{base}{p}</loc></url>\n" for p in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'
    )


def sitemap_index(site: Site, base: str) -> str:
    """Sitemap index pointing at the news and page sitemaps."""
    stamp = f"{site.updated:%Y-%m-%dT%H:%M:%SZ}"
    maps = "".join(
        f"<sitemap><loc>{base}/{name}</loc><lastmod>{stamp}</lastmod></sitemap>\n"
        for name in ("sitemap-news.xml", "sitemap-pages.xml")
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{maps}'
        "</sitemapindex>\n"
    )
