"""HTML of the demo site's pages, with the boilerplate real news sites carry."""

from __future__ import annotations

import json
from html import escape

from crawler.demosite import content
from crawler.demosite.model import PAGE_SIZE, Article, Site

NAME = "The Daily Demo"


_LIST_HEAD = '<meta property="og:type" content="website">'


def layout(site: Site, title: str, body: str, head: str = _LIST_HEAD, base: str = "") -> str:
    """Wrap ``body`` in the site chrome: header, navigation, newsletter, footer."""
    nav = "".join(
        f'<li><a href="/{slug}/">{label}</a></li>' for slug, label in content.SECTIONS
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(title)} | {NAME}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="alternate" type="application/rss+xml" title="{NAME}" href="{base}/feed.xml">
<link rel="stylesheet" href="/static/site.css">
<link rel="icon" href="/favicon.ico">
{head}</head>
<body>
<header class="site-header"><a class="logo" href="/"><img src="/static/logo.png" alt=""
 width="96" height="24">{NAME}</a>
<form class="search" action="/search" method="get"><input name="q"><button>Search</button></form>
<nav class="main-nav"><ul><li><a href="/">Home</a></li>{nav}
<li><a href="/opinion/">Opinion</a></li></ul></nav></header>
<div class="breaking">Breaking: live coverage of the budget debate continues all day.</div>
<main>{body}</main>
<section class="newsletter"><h3>Morning Briefing</h3>
<p>Get the day's most important stories in your inbox every morning. Sign up for our free
newsletter and never miss the news that matters to you.</p>
<form action="/newsletter"><input type="email" name="email"><button>Subscribe</button></form>
</section>
<footer class="site-footer"><ul>
<li><a href="/about/">About us</a></li><li><a href="/private/staff/">Staff area</a></li>
<li><a href="/private/preview/next-week/">Preview</a></li>
<li><a href="/sitemap_index.xml">Sitemap</a></li><li><a href="/feed.xml">RSS</a></li></ul>
<p>&copy; 2024 {NAME}. All rights reserved. Reproduction without permission is prohibited.</p>
</footer></body></html>"""


def _teaser(article: Article) -> str:
    """A list-page teaser: headline link, byline, date, first sentence."""
    return (
        f'<article class="teaser"><h3><a href="{article.path}">{escape(article.title)}</a></h3>'
        f'<p class="meta">By <a href="/author/{content.slugify(article.author)}/">'
        f"{escape(article.author)}</a> &middot; "
        f'<time datetime="{article.published:%Y-%m-%dT%H:%M:%SZ}">'
        f"{article.published:%d %b %Y}</time></p><p>{escape(article.teaser)}</p></article>"
    )


def opinion_sidebar(site: Site) -> str:
    """The "Opinion / Editorial" sidebar: headline, date and a prose teaser per editorial."""
    items = "".join(
        f'<div class="opinion-item"><a href="{e.path}">{escape(e.title)}</a>'
        f'<span class="date">{"Updated " if e.updated else ""}{e.date:%d %b, %Y}</span>'
        f"<h4>{escape(e.title)}</h4><p>{escape(e.teaser)}</p></div>"
        for e in site.editorials
    )
    return f'<aside class="sidebar"><h2>Opinion</h2><h3>Editorial</h3>{items}</aside>'


def home(site: Site) -> str:
    """The home page: top stories, latest news, a block per section, the opinion sidebar."""
    latest = "".join(_teaser(a) for a in site.articles[:15])
    blocks = "".join(
        f'<section class="section-block"><h2><a href="/{slug}/">{label}</a></h2>'
        + "".join(_teaser(a) for a in site.in_section(slug)[:3]) + "</section>"
        for slug, label in content.SECTIONS
    )
    body = f'<h1>Latest news</h1><div class="latest">{latest}</div>{blocks}{opinion_sidebar(site)}'
    return layout(site, "Home", body)


def listing(site: Site, title: str, path: str, articles: list[Article], page: int) -> str | None:
    """A paginated list page (section, author or tag); None past the last page."""
    pages = max(1, -(-len(articles) // PAGE_SIZE))
    if page < 1 or page > pages:
        return None
    chunk = articles[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    nav = []
    if page > 1:
        prev = path if page == 2 else f"{path}page/{page - 1}/"
        nav.append(f'<a rel="prev" href="{prev}">Newer</a>')
    for n in range(1, pages + 1):
        nav.append(f'<a href="{path if n == 1 else f"{path}page/{n}/"}">{n}</a>')
    if page < pages:
        nav.append(f'<a rel="next" href="{path}page/{page + 1}/">Older</a>')
    body = (
        f"<h1>{escape(title)}</h1><div class=\"list\">{''.join(_teaser(a) for a in chunk)}</div>"
        f'<nav class="pagination">{" ".join(nav)}</nav>'
    )
    return layout(site, f"{title} - page {page}" if page > 1 else title, body)


def article_page(site: Site, article: Article, base: str) -> str:
    """An article page with JSON-LD, OpenGraph, byline, body and all the boilerplate."""
    iso_pub = f"{article.published:%Y-%m-%dT%H:%M:%SZ}"
    iso_mod = f"{article.modified:%Y-%m-%dT%H:%M:%SZ}"
    ld = json.dumps({
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": article.title,
        "datePublished": iso_pub, "dateModified": iso_mod,
        "author": [{"@type": "Person", "name": article.author}],
        "articleSection": article.section, "keywords": list(article.tags),
        "publisher": {"@type": "Organization", "name": NAME},
        "mainEntityOfPage": base + article.path,
    })
    head = (
        f'<link rel="canonical" href="{base}{article.path}">'
        f'<meta property="og:type" content="article">'
        f'<meta property="og:title" content="{escape(article.title)}">'
        f'<meta property="og:url" content="{base}{article.path}">'
        f'<meta property="article:published_time" content="{iso_pub}">'
        f'<meta name="author" content="{escape(article.author)}">'
        f'<script type="application/ld+json">{ld}</script>'
    )
    return layout(site, article.title, _article_body(site, article, iso_pub), head, base)


def _article_body(site: Site, article: Article, iso_pub: str) -> str:
    """The ``<main>`` of an article page."""
    author_path = f"/author/{content.slugify(article.author)}/"
    paras = "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
    tags = "".join(f'<a rel="tag" href="/tag/{t}/">{t}</a> ' for t in article.tags)
    related = _related(site, article)
    comments = "".join(
        f'<li class="comment"><b>{escape(who)}</b><p>{escape(text)}</p></li>'
        for who, text in article.comments
    )
    return f"""<div class="layout"><article class="story">
<nav class="breadcrumb"><a href="/">Home</a> &rsaquo;
<a href="/{article.section}/">{article.section.title()}</a></nav>
<h1 class="headline">{escape(article.title)}</h1>
<p class="byline">By <a rel="author" href="{author_path}">{escape(article.author)}</a>
<time datetime="{iso_pub}">{article.published:%d %B %Y, %H:%M}</time></p>
<div class="share"><a href="https://twitter.example/share">Share on X</a>
<a href="https://facebook.example/share">Facebook</a><a href="mailto:?subject=story">Email</a></div>
<div class="article-body">{paras}</div>
<div class="ad-slot"><p>{escape(article.ad_text)}</p></div>
<p class="tags">Topics: {tags}</p></article>
<section class="related"><h2>Related stories</h2><ul>{related}</ul></section>
<section class="comments"><h2>Comments ({len(article.comments)})</h2><ol>{comments}</ol></section>
{opinion_sidebar(site)}</div>"""


def _related(site: Site, article: Article) -> str:
    """Links to four other articles of the same section."""
    others = [a for a in site.in_section(article.section) if a.slug != article.slug][:4]
    return "".join(f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in others)


def opinion_page(site: Site) -> str:
    """The /opinion/ list page with the editorials' teasers."""
    items = "".join(
        f'<div id="{content.slugify(e.title)}"><h2><a href="{e.path}">{escape(e.title)}</a></h2>'
        f'<p>{escape(e.teaser)} <a href="{e.path}">Read more</a></p></div>'
        for e in site.editorials
    )
    head = _LIST_HEAD + '<script type="application/ld+json">{"@type": "CollectionPage"}</script>'
    return layout(site, "Opinion", f"<h1>Opinion</h1>{items}", head)


def simple_page(site: Site, title: str, text: str) -> str:
    """A short static page (about, search results, private previews)."""
    return layout(site, title, f"<h1>{escape(title)}</h1><p>{escape(text)}</p>")
