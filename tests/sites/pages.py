"""The HTML pages of the requisites test site (tests/sites/requisites.py), written by hand.

Every kind of reference a browser follows to render a page appears here in the form news
sites use; the resource list in requisites.py is kept separately, so a reference that
discovery misses shows up as a requisite missing from the archive.
"""

from __future__ import annotations

import json

_PIXEL = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
_TOPICS = ("harbour", "orchard", "railway", "library")


def _paragraphs(i: int) -> str:
    topic = _TOPICS[(i - 1) % len(_TOPICS)]
    sentences = [
        f"The {topic} committee met on Tuesday evening to weigh the plans that residents had "
        "sent in over the summer, and most of the people who came stayed until the vote.",
        f"Council officers said the {topic} work would start in the spring if the budget "
        "holds, though two members asked for a second survey before any contract is signed.",
        "Local traders welcomed the decision, saying the delays of the past year had cost "
        "them customers, while a residents' group said it would keep watching the costs.",
        f"A final report on the {topic} is due in March and will be published in full on the "
        "council's website, together with the answers to every public question.",
    ]
    return "\n".join(f"<p>{s}</p>" for s in sentences)


def _head(title: str, main: str, cdn: str, extra: str = "") -> str:
    return f"""<head>
<meta charset="utf-8">
<title>{title}</title>
{extra}
<link rel="stylesheet" href="/static/site.css">
<link rel="icon" href="/favicon.ico">
<link rel="apple-touch-icon" href="/img/touch.png">
<link rel="modulepreload" href="/js/module.js">
<script src="{cdn}/js/cdn-lib.js"></script>
</head>"""


def home_page(main: str, cdn: str, articles: tuple[int, ...]) -> bytes:
    """The home page: a list of the articles, the shared requisites and the CDN logo."""
    links = "\n".join(
        f'<li><a href="{article_path(i)}">Story {i}: the {_TOPICS[(i - 1) % 4]} plan</a></li>'
        for i in articles
    )
    links += f'\n<li><a href="{FAULTS_PATH}">Notes and corrections</a></li>'
    return f"""<!doctype html>
<html lang="en">{_head("The Requisite Times", main, cdn)}
<body>
<header class="hero"><img src="{cdn}/img/logo.png" alt="The Requisite Times" width="120"
 height="30"><span class="brand">REQUISITE TIMES</span></header>
<h2>Latest</h2>
<ul>
{links}
</ul>
<script src="/js/site.js"></script>
</body></html>""".encode()


def article_path(i: int) -> str:
    """The URL path of article ``i``."""
    return f"/news/2026/12/0{i}/council-votes-on-the-{_TOPICS[(i - 1) % 4]}-plan-story-{i}"


FAULTS_PATH = "/news/2026/12/05/notes-and-corrections-faults-page"


def _jsonld(i: int, cdn: str, title: str) -> str:
    data = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
        "datePublished": f"2026-12-0{i}T09:00:00Z",
        "author": {"@type": "Person", "name": "Ada Reporter"},
        "image": {"@type": "ImageObject", "url": f"{cdn}/img/a{i}-ld.png"},
    }
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def article_page(i: int, main: str, cdn: str, base_href: bool = False) -> tuple[str, bytes]:
    """Article ``i`` with every kind of requisite; ``base_href``: a <base href> page."""
    title = f"Council votes on the {_TOPICS[(i - 1) % 4]} plan"
    meta = (f'<meta property="og:type" content="article">\n'
            f'<meta property="og:image" content="{cdn}/img/a{i}-og.png">\n'
            f'<link rel="preload" as="image" href="/img/a{i}-preload.png">\n'
            '<link rel="preload" as="font" type="font/woff2" href="/fonts/box.woff2" crossorigin>\n'
            + _jsonld(i, cdn, title) + "\n"
            f'<style>@import "/static/print.css";\n'
            f'.box {{ background-image: url(/img/a{i}-style.png); height: 20px; }}</style>')
    if base_href:
        meta = f'<base href="/assets/a{i}/">\n' + meta
    based = '<img src="photo.png" alt="resolved against the base URL">' if base_href else ""
    html = f"""<!doctype html>
<html lang="en">{_head(title, main, cdn, meta)}
<body>
<header class="hero"><img src="{cdn}/img/logo.png" alt="logo" width="120" height="30">
<span class="brand">REQUISITE TIMES</span></header>
<article>
<h1>{title}</h1>
<p class="byline">By Ada Reporter, 0{i} December 2026</p>
<figure class="lead"><img src="{cdn}/img/a{i}-lead.jpg"
 srcset="{cdn}/img/a{i}-480.png 480w, {cdn}/img/a{i}-960.png 960w"
 sizes="(max-width: 600px) 480px, 960px" alt="lead photo" width="320" height="180"></figure>
{_paragraphs(i)}
<picture><source srcset="{cdn}/img/a{i}-pic.gif" type="image/gif">
<img src="/img/a{i}-pic.png" alt="picture" width="70" height="35"></picture>
<div class="box"></div>
<div style="background: url('/img/a{i}-inline.png') no-repeat; height: 20px"></div>
<img src="{_PIXEL}" data-src="/img/a{i}-lazy.png"
 data-srcset="/img/a{i}-lazy-2x.png 2x" alt="lazy" width="80" height="40">
<img data-lazy-src="{cdn}/img/a{i}-lazysrc.png" alt="lazy 2" width="80" height="40">
<img class="lazy" data-original="{cdn}/img/a{i}-orig.png" alt="lazy 3" width="80" height="40">
<video poster="/img/a{i}-poster.png" width="96" height="54"></video>
<svg width="60" height="30" xmlns="http://www.w3.org/2000/svg"
 xmlns:xlink="http://www.w3.org/1999/xlink">
<image href="/img/a{i}-svg.png" x="0" y="0" width="30" height="30"/>
<use href="/img/icons.svg#dot" x="30" y="0" width="30" height="30"/></svg>
{based}
<form action="/search"><input type="image" src="/img/submit.png" alt="search"></form>
</article>
<script src="/js/site.js"></script>
</body></html>"""
    if base_href:
        # Root-relative and absolute URLs are not affected by <base>; relative ones are.
        html = html.replace('src="/img/', 'src="../../img/').replace(
            'href="/static/', 'href="../../static/')
    return article_path(i), html.encode()


def faults_page(main: str, cdn: str, unreachable: str) -> tuple[str, bytes]:
    """An article whose requisites fail: 404, robots.txt, DNS, a video, a big image."""
    title = "Notes and corrections from the week"
    html = f"""<!doctype html>
<html lang="en">{_head(title, main, cdn, '<meta property="og:type" content="article">')}
<body>
<article>
<h1>{title}</h1>
{_paragraphs(5)}
<img src="/img/missing.png" alt="gone">
<img src="{cdn}/private/blocked.png" alt="blocked by robots.txt">
<script src="{unreachable}"></script>
<video poster="/img/a1-poster.png" controls width="96" height="54">
<source src="/media/clip.webm" type="video/webm"></video>
<img src="/img/big.png" alt="big" width="300" height="300">
</article>
</body></html>"""
    return FAULTS_PATH, html.encode()
