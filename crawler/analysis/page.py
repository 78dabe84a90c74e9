"""Per-page work run in a process pool: parse once, find links, then extract (no scrapy).

The spider ships ``(body, url, content type, options)`` to :func:`analyze_page` in a worker
process so the CPU-heavy part never runs on Scrapy's reactor thread. An HTML page is parsed
once; link and requisite discovery read the tree before
:func:`crawler.extract.extract_document` prunes it. Feeds and sitemaps are parsed here too (a
sitemap may hold 50,000 URLs), and fetched stylesheets (:func:`analyze_stylesheet`).
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, replace
from pathlib import Path

from crawler import discovery
from crawler.common.headers import charset_of
from crawler.discovery import Discovered, LinkOptions, Requisite, RequisiteOptions
from crawler.discovery.css import stylesheet_requisites
from crawler.extract import (
    ExtractOptions,
    ExtractResult,
    SiteProfile,
    extract,
    extract_document,
    parse_document,
)


@dataclass(frozen=True, slots=True)
class PageAnalysis:
    """What one fetched document holds: its kind, the URLs it points to, and the extraction.

    ``kind`` is one of :mod:`crawler.discovery.seeds`' kinds; ``result`` is set for HTML only.
    """

    kind: str
    links: tuple[Discovered, ...] = ()
    result: ExtractResult | None = None
    #: What the page needs to render (empty unless ``AnalysisRequest.requisites`` asked).
    requisites: tuple[Requisite, ...] = ()
    #: What is wrong with a feed's or sitemap's XML (truncated, malformed), if anything.
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class AnalysisRequest:
    """Everything a worker needs besides the body: picklable, small."""

    url: str
    content_type: str | None
    links: LinkOptions
    extract: ExtractOptions
    find_links: bool = True
    #: Where the site's profile is, when it is not inside ``extract`` (see ProfileRef).
    profile: ProfileRef | None = None
    #: Which page requisites to find (None: none).
    requisites: RequisiteOptions | None = None


@dataclass(frozen=True, slots=True)
class ProfileRef:
    """A site profile snapshot stored in a file, so it is not pickled with every page.

    A big site's profile holds thousands of signatures; workers load each version once.
    """

    site: str
    version: int
    path: str


#: Per worker process: site -> (version, profile) of the newest profile loaded.
_PROFILES: dict[str, tuple[int, SiteProfile]] = {}


def load_profile(ref: ProfileRef) -> SiteProfile | None:
    """The profile ``ref`` names, cached per worker.

    The spider keeps only the two newest snapshots of a site on disk, while pages queued for
    the pool still name older ones: a snapshot gone is replaced by the newest one of its site
    (what the page would have got a moment later), else the newest cached one.
    """
    cached = _PROFILES.get(ref.site)
    if cached is not None and cached[0] >= ref.version:
        return cached[1]
    candidate: ProfileRef | None = ref
    profile = _read_profile(ref)
    if profile is None:  # only then is the folder listed
        candidate = _newest_snapshot(ref)
        profile = _read_profile(candidate) if candidate is not None else None
    if profile is None or candidate is None:
        return cached[1] if cached else None
    _PROFILES[ref.site] = (candidate.version, profile)
    return profile


def _read_profile(ref: ProfileRef) -> SiteProfile | None:
    """The profile stored at ``ref.path``; None if the file is gone or half written."""
    try:
        with open(ref.path, "rb") as handle:
            profile: SiteProfile = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError):
        return None
    return profile


def _newest_snapshot(ref: ProfileRef) -> ProfileRef | None:
    """The newest snapshot of ``ref``'s site in its folder (files ``<site>-<version>.pickle``)."""
    path = Path(ref.path)
    stem = path.name.rsplit("-", 1)[0]
    best: ProfileRef | None = None
    for other in path.parent.glob(f"{stem}-*.pickle"):
        version = other.stem.rsplit("-", 1)[-1]
        if version.isdigit() and (best is None or int(version) > best.version):
            best = ProfileRef(ref.site, int(version), str(other))
    return best


def _options(request: AnalysisRequest) -> ExtractOptions:
    """The extraction options with the referenced site profile filled in."""
    if request.profile is None:
        return request.extract
    return replace(request.extract, site_profile=load_profile(request.profile))


def analyze_page(body: bytes, request: AnalysisRequest) -> PageAnalysis:
    """Classify a fetched document and read it: links + extraction for HTML, entries for XML."""
    if request.profile is not None:
        request = replace(request, extract=_options(request), profile=None)
    kind = discovery.detect_kind(body, request.content_type)
    if kind == discovery.HTML:
        return _analyze_html(body, request)
    if kind in (discovery.FEED, discovery.SITEMAP, discovery.SITEMAP_INDEX):
        parse = discovery.parse_feed if kind == discovery.FEED else discovery.parse_sitemap
        found = parse(body, request.url)
        problem = discovery.xml_problem(body)
        return PageAnalysis(kind, _in_scope(found, request), problem=problem)
    if kind == discovery.TEXT_SITEMAP:
        found = discovery.parse_text_sitemap(body, request.url)
        return PageAnalysis(kind, _in_scope(found, request))
    return PageAnalysis(kind)


def _analyze_html(body: bytes, request: AnalysisRequest) -> PageAnalysis:
    """One parse shared by link discovery and extraction."""
    doc = parse_document(body, request.url, request.extract)
    links: tuple[Discovered, ...] = ()
    requisites: tuple[Requisite, ...] = ()
    if doc.tree is not None and request.find_links:
        links = tuple(discovery.extract_links(doc.tree, request.url, request.links))
    if doc.tree is not None and request.requisites is not None:
        requisites = tuple(discovery.find_requisites(doc.tree, request.url, request.requisites))
    result = extract_document(doc, request.url, request.extract)
    return PageAnalysis(discovery.HTML, links, result, requisites)


def page_requisites(
    body: bytes, url: str, content_type: str | None, options: RequisiteOptions
) -> tuple[Requisite, ...]:
    """What an HTML page needs to render (nothing if the body is not HTML); no extraction."""
    if discovery.detect_kind(body, content_type) != discovery.HTML:
        return ()
    doc = parse_document(body, url, ExtractOptions(http_encoding=charset_of(content_type)))
    if doc.tree is None:
        return ()
    return tuple(discovery.find_requisites(doc.tree, url, options))


def analyze_stylesheet(
    body: bytes, url: str, charset: str | None, options: RequisiteOptions
) -> tuple[Requisite, ...]:
    """The imports, fonts and images a fetched stylesheet names, resolved against its URL."""
    found = stylesheet_requisites(body, url, charset, limit=options.per_page)
    return tuple(r for r in found if r.kind in options.kinds)


def _in_scope(found: list[Discovered], request: AnalysisRequest) -> tuple[Discovered, ...]:
    """Keep the feed or sitemap entries whose host is allowed (sitemaps may list any host)."""
    allowed = request.links.allowed_domains
    return tuple(d for d in found if discovery.in_scope(d.url, allowed))


def reextract(body: bytes, request: AnalysisRequest) -> ExtractResult:
    """Extract a held-back page again, with its site's matured profile."""
    return extract(body, request.url, _options(request))
