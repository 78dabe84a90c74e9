"""Find what an HTML page needs to render, in its already parsed lxml tree (pure, no scrapy).

Stylesheets, scripts, icons, preloads, images (``src``, every ``srcset`` candidate,
``<picture>`` sources, posters, ``<input type=image>``, SVG ``<image>``/``<use>``), media,
the lazy-loading attributes news sites use (``data-src``, ``data-srcset``,
``data-lazy-src``, ``data-original``...), ``url()``/``@import`` in ``<style>`` blocks and
``style=""`` attributes, and the lead image (``og:image``, ``twitter:image``, JSON-LD
``image``). URLs resolve against ``<base href>`` as in a browser. What a page's scripts fetch
at run time is not found: nothing of the page is run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

from crawler.discovery.css import css_text_requisites, style_attribute_requisites
from crawler.discovery.model import Requisite
from crawler.discovery.requrls import resolve_requisite

if TYPE_CHECKING:
    from lxml.html import HtmlElement

#: Every kind of requisite, in the order a page's are kept when over the per-page cap.
KINDS = ("stylesheet", "script", "font", "image", "media", "other")
#: Kinds fetched by default: video and audio are big and rarely needed to read a page.
DEFAULT_KINDS = ("stylesheet", "script", "font", "image")
DEFAULT_PER_PAGE = 200
#: References looked at per page at most (a hostile page may hold a million).
MAX_REFERENCES = 5_000

_ICON_RELS = frozenset({"icon", "shortcut", "apple-touch-icon", "apple-touch-icon-precomposed",
                        "mask-icon"})
_PRELOAD_AS = {"style": "stylesheet", "script": "script", "font": "font", "image": "image",
               "audio": "media", "video": "media", "track": "media"}
#: Lazy-loading attributes holding one URL (on images and elements with backgrounds).
_LAZY_SRC = ("data-src", "data-lazy-src", "data-original", "data-lazy", "data-hi-res-src",
             "data-full-src", "data-bg", "data-background", "data-background-image")
#: ... and holding a srcset.
_LAZY_SRCSET = ("data-srcset", "data-lazy-srcset")
_LAZY_XPATH = "//*[" + " or ".join(f"@{a}" for a in (*_LAZY_SRC, *_LAZY_SRCSET)) + "]"
_META_IMAGES = frozenset({"og:image", "og:image:url", "og:image:secure_url", "twitter:image",
                          "twitter:image:src"})
_SVG = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_MAX_JSONLD_CHARS = 256 * 1024


@dataclass(frozen=True, slots=True)
class RequisiteOptions:
    """Which kinds to look for and how many per page at most."""

    kinds: frozenset[str] = frozenset(DEFAULT_KINDS)
    per_page: int = DEFAULT_PER_PAGE


def page_base(root: HtmlElement, url: str) -> str:
    """The URL relative references resolve against: the first ``<base href>``, else the page's."""
    base = root.find(".//base[@href]")
    if base is not None:
        resolved = resolve_requisite(base.get("href", ""), url)
        if resolved:
            return resolved
    return url


def find_requisites(
    root: HtmlElement, url: str, options: RequisiteOptions | None = None
) -> list[Requisite]:
    """The page's requisites of the wanted kinds, de-duplicated, at most ``per_page``.

    When a page has more, stylesheets, scripts and fonts are kept before images and media.
    """
    options = options or RequisiteOptions()
    base = page_base(root, url)
    by_kind: dict[str, dict[str, None]] = {kind: {} for kind in KINDS}
    for ref, kind in islice(_references(root, base), MAX_REFERENCES):
        if kind not in options.kinds:
            continue
        resolved = resolve_requisite(ref, base)
        if resolved and resolved != url:
            by_kind[kind].setdefault(resolved, None)
    found: list[Requisite] = []
    seen: set[str] = set()
    for kind in KINDS:
        for resolved in by_kind[kind]:
            if resolved not in seen:
                seen.add(resolved)
                found.append(Requisite(resolved, kind))
    return found[: options.per_page]


def _references(root: HtmlElement, base: str) -> Iterator[tuple[str, str]]:
    """(reference, kind) pairs of the page, in document order within each source."""
    yield from _links(root)
    for elem in root.iter("script", "img", "source", "video", "audio", "track", "input",
                          "embed"):
        yield from _element_refs(elem)
    yield from _svg_refs(root)
    yield from _lazy_refs(root)
    yield from _meta_images(root)
    yield from _jsonld_images(root)
    for style in root.iter("style"):
        css = style.text_content()
        yield from ((r.url, r.kind) for r in css_text_requisites(css, base))
    for elem in root.xpath("//*[@style]"):
        declarations = str(elem.get("style") or "")
        lowered = declarations.lower()
        if "url(" in lowered or "image-set(" in lowered:
            yield from ((r.url, r.kind) for r in style_attribute_requisites(declarations, base))


def _links(root: HtmlElement) -> Iterator[tuple[str, str]]:
    """``<link>``: stylesheets, icons, preloads and module preloads."""
    for link in root.iter("link"):
        href = link.get("href")
        rels = set((link.get("rel") or "").lower().split())
        if not href or not rels:
            continue
        if "stylesheet" in rels and "alternate" not in rels:
            yield href, "stylesheet"
        elif rels & _ICON_RELS:
            yield href, "image"
        elif "modulepreload" in rels:
            yield href, "script"
        elif "preload" in rels:
            yield href, _PRELOAD_AS.get((link.get("as") or "").strip().lower(), "other")
        if "preload" in rels and link.get("imagesrcset"):
            yield from ((u, "image") for u in parse_srcset(link.get("imagesrcset", "")))


def _element_refs(elem: HtmlElement) -> Iterator[tuple[str, str]]:
    """``src``/``srcset``/``poster`` of scripts, images, sources, media and image inputs."""
    tag = elem.tag
    src = elem.get("src")
    if tag == "script":
        if src:
            yield src, "script"
        return
    if tag == "input":
        if src and (elem.get("type") or "").lower() == "image":
            yield src, "image"
        return
    media = tag in ("video", "audio", "track", "embed") or (
        tag == "source" and _parent_tag(elem) in ("video", "audio"))
    if src:
        yield src, "media" if media else "image"
    if elem.get("srcset"):
        yield from ((u, "image") for u in parse_srcset(elem.get("srcset", "")))
    if tag == "video" and elem.get("poster"):
        yield elem.get("poster", ""), "image"


def _parent_tag(elem: HtmlElement) -> str:
    parent = elem.getparent()
    return str(parent.tag) if parent is not None else ""


def _svg_refs(root: HtmlElement) -> Iterator[tuple[str, str]]:
    """SVG ``<image>`` and ``<use>`` references to other files (not to ``#id`` in the page)."""
    for elem in root.iter("image", "use", f"{_SVG}image", f"{_SVG}use"):
        href = elem.get("href") or elem.get("xlink:href") or elem.get(_XLINK_HREF)
        if href and not href.strip().startswith("#"):
            yield href, "image"


def _lazy_refs(root: HtmlElement) -> Iterator[tuple[str, str]]:
    """The URLs lazy-loading scripts swap in (a replayed page's script does it again)."""
    for elem in root.xpath(_LAZY_XPATH):
        if elem.tag in ("iframe", "script", "a"):
            continue  # frames are pages; script and link targets are not images
        kind = "media" if elem.tag in ("video", "audio") else "image"
        for name in _LAZY_SRC:
            value = elem.get(name)
            if value and not value.lstrip().startswith(("{", "[")):
                yield value, kind
        for name in _LAZY_SRCSET:
            if elem.get(name):
                yield from ((u, kind) for u in parse_srcset(elem.get(name, "")))


def _meta_images(root: HtmlElement) -> Iterator[tuple[str, str]]:
    """``og:image``, ``twitter:image`` and ``<link rel=image_src>``: the lead image."""
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key in _META_IMAGES and meta.get("content"):
            yield meta.get("content", ""), "image"
    for link in root.iter("link"):
        if (link.get("rel") or "").lower() == "image_src" and link.get("href"):
            yield link.get("href", ""), "image"


def _jsonld_images(root: HtmlElement) -> Iterator[tuple[str, str]]:
    """``image`` (and ``thumbnailUrl``) of JSON-LD objects: a URL, a list, an ImageObject."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        text = (script.text or "")[:_MAX_JSONLD_CHARS]
        try:
            data = json.loads(text)
        except ValueError:
            continue
        yield from ((u, "image") for u in _jsonld_urls(data, 0))


def _jsonld_urls(data: Any, depth: int) -> Iterator[str]:
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data[:50]:
            yield from _jsonld_urls(item, depth + 1)
    elif isinstance(data, dict):
        for key in ("image", "thumbnailUrl", "logo"):
            yield from _image_values(data.get(key), depth)
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "publisher"):
            if isinstance(data.get(key), list | dict):
                yield from _jsonld_urls(data[key], depth + 1)


def _image_values(value: Any, depth: int) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value[:20]:
            yield from _image_values(item, depth + 1)
    elif isinstance(value, dict) and depth < 6:
        for key in ("url", "contentUrl"):
            if isinstance(value.get(key), str):
                yield value[key]


def parse_srcset(text: str) -> list[str]:
    """The URLs of a ``srcset`` value, as the HTML standard's algorithm splits it.

    A URL may contain commas (``/img/w_480,h_300/a.jpg``): a candidate's URL runs to the
    next whitespace, trailing commas end the candidate, and its descriptors run to the next
    comma outside parentheses.
    """
    urls: list[str] = []
    pos, end = 0, len(text)
    while pos < end:
        while pos < end and (text[pos].isspace() or text[pos] == ","):
            pos += 1
        if pos >= end:
            break
        start = pos
        while pos < end and not text[pos].isspace():
            pos += 1
        url = text[start:pos]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth = 0
            while pos < end:  # descriptors, e.g. "480w" or "2x"
                char = text[pos]
                if char == "(":
                    depth += 1
                elif char == ")":
                    depth = max(0, depth - 1)
                elif char == "," and depth == 0:
                    break
                pos += 1
        if url:
            urls.append(url)
    return urls
