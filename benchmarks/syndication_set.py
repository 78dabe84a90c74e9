"""The labelled syndication set: real stories, copies as syndication makes them, hard negatives.

Stories are real article texts: the truth bodies of the development sets in ``../shared/data``
(their originals are the real pages, extracted by our extractor) and the demo site's articles
(one site, one vocabulary: hard negatives for each other). Each copy is another site's page:

- the text inside one of several syndication sites' templates (navigation, teasers of other
  stories, newsletter box, in-body "Read more" links, a credit line), extracted again;
- a new headline; often the last paragraphs cut; sometimes an editor's note or a local
  paragraph added; quotes and dashes re-typed; a few words edited; an agency dateline.

Hard negatives: follow-up stories that quote one or two paragraphs of a first story inside a
different story, different stories on the same syndication site, and same-topic stories
(counted by word overlap). Every document carries its story id and half (``A``/``B``).
"""

from __future__ import annotations

import hashlib
import html
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

from benchmarks import devsets

SITES = ("wirewatch", "harbourpost", "metrotimes", "valleyherald", "citybeat", "newsnow")
AGENCIES = (("(Reuters) - ", "Reporting by {n}; Editing by {m}"), ("(AP) — ", "Associated Press "
            "writer {n} contributed."), ("(AFP) - ", "— AFP"), ("(PA) - ", "Press Association"))
CITIES = ("LONDON", "NAIROBI", "WASHINGTON", "JAKARTA", "LIMA", "OSLO", "KARACHI", "MADRID")
NAMES = ("Jane Doe", "Ali Raza", "Mei Chen", "Tom Otieno", "Ana Ruiz", "Lars Berg")
EDITS = (("said", "told reporters"), ("percent", "per cent"), ("per cent", "percent"),
         ("the", "a"), ("however", "but"), ("about", "around"), ("also", ""), ("very", ""),
         ("organization", "organisation"), ("center", "centre"), ("people", "residents"))
MIN_COPY_WORDS = 120
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
#: Word 8-gram overlap from which two source texts are the same story (the sets hold a few).
SAME_SOURCE = 0.3


@dataclass(frozen=True, slots=True)
class Doc:
    """One page of the set: where it is, its HTML, and its truth labels."""

    url: str
    site: str
    html: bytes
    story: str
    half: str
    kind: str  # original, copy, follow-up
    quotes: str | None = None  # for a follow-up: the story it quotes


@dataclass(frozen=True, slots=True)
class Story:
    """A real story: its id, half, headline, paragraphs, and its original page if it has one."""

    key: str
    half: str
    title: str
    paragraphs: tuple[str, ...]
    url: str
    html: bytes | None


def _half(key: str) -> str:
    """Fixed half of a story id (the same rule as benchmarks.devsets)."""
    return "A" if hashlib.sha1(key.encode()).digest()[0] % 2 == 0 else "B"


def _paragraphs(body: str) -> tuple[str, ...]:
    """Paragraphs of a truth body (blank-line or line separated)."""
    parts = [p.strip() for p in re.split(r"\n\s*\n|\n", body)]
    return tuple(p for p in parts if p)


def _grams(paragraphs: tuple[str, ...]) -> set[tuple[str, ...]]:
    """Word 8-grams of a text (exact, for cleaning the sources; not our MinHash)."""
    words = " ".join(paragraphs).lower().split()
    return {tuple(words[i:i + 8]) for i in range(max(1, len(words) - 7))}


def _distinct_sources(stories: list[Story]) -> list[Story]:
    """Drop stories that repeat an earlier one (label noise: they are copies themselves)."""
    kept: list[Story] = []
    seen: dict[tuple[str, ...], int] = {}
    for story in stories:
        grams = _grams(story.paragraphs)
        hits: dict[int, int] = {}
        for gram in grams:
            if gram in seen:
                hits[seen[gram]] = hits.get(seen[gram], 0) + 1
        if any(n >= SAME_SOURCE * len(grams) for n in hits.values()):
            continue
        for gram in grams:
            seen.setdefault(gram, len(kept))
        kept.append(story)
    return kept


def load_stories(root: devsets.Path) -> list[Story]:
    """Distinct stories of the development sets under ``root`` and of the demo site."""
    return _distinct_sources(list(_all_stories(root)))


def _all_stories(root: devsets.Path) -> Iterator[Story]:
    """Stories of the development sets present under ``root`` and of the demo site."""
    for set_name in devsets.SETS:
        if not devsets.available(set_name, root):
            continue
        for page in devsets.iter_pages(set_name, root):
            if page.page_type and page.page_type not in devsets.ARTICLE_TYPES:
                continue
            paras = _paragraphs(page.body)
            if len(" ".join(paras).split()) < 60:
                continue
            key = f"{set_name}:{page.key}"
            yield Story(key, page.half, page.title or "", paras, page.url, page.html)
    from crawler.demosite.model import build_site

    for article in build_site(1).articles:
        if article.copy_of:  # the demo's own syndicated copies are not distinct stories
            continue
        key = f"demo:{article.slug}"
        yield Story(key, _half(key), article.title, article.paragraphs,
                    f"http://demo.example/{article.slug}/", None)


def render(site: str, title: str, paragraphs: list[str], teasers: list[str], rng: random.Random
           ) -> bytes:
    """A syndication site's article page: its template and boilerplate around the text."""
    esc = html.escape
    body = [f"<p>{esc(p)}</p>" for p in paragraphs]
    if len(body) > 3 and rng.random() < 0.5:
        body.insert(2, f'<p><strong>Read more:</strong> <a href="/more/{rng.randrange(999)}">'
                       f"{esc(teasers[0])}</a></p>")
    if rng.random() < 0.5:
        body.append(f"<p><em>This story was published from a wire agency feed; {site.title()} "
                    "staff did not edit it.</em></p>")
    nav = "".join(f'<li><a href="/{s}/">{s.title()}</a></li>' for s in
                  ("world", "business", "sport", "opinion", "culture"))
    related = "".join(f'<li><a href="/story/{i}">{esc(t)}</a></li>' for i, t in enumerate(teasers))
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{esc(title)} | "
        f"{site.title()}</title><meta property='og:type' content='article'></head><body>"
        f"<header><a href='/'>{site.title()}</a><nav><ul>{nav}</ul></nav></header>"
        f"<main><article><h1>{esc(title)}</h1><p class='byline'>By {site.title()} staff and "
        f"agencies</p><time datetime='2026-03-0{rng.randint(1, 9)}'>March 2026</time>"
        f"<div class='story-body'>{''.join(body)}</div></article>"
        f"<aside class='newsletter'><h3>Sign up</h3><p>Get the {site.title()} morning briefing "
        "in your inbox every weekday.</p></aside>"
        f"<section class='related'><h2>More stories</h2><ul>{related}</ul></section></main>"
        f"<footer><p>© 2026 {site.title()} Media. All rights reserved.</p><a href='/privacy'>"
        "Privacy</a> <a href='/terms'>Terms</a></footer></body></html>"
    ).encode()


def retype(text: str, rng: random.Random) -> str:
    """Quotes and dashes as another site's CMS types them."""
    if rng.random() < 0.5:
        return (text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")
                .replace("\u2014", "--").replace("\u2013", "-"))
    text = re.sub(r'"(\w)', "\u201c\\1", text)
    return text.replace('"', "\u201d").replace("'", "\u2019").replace(" - ", " \u2014 ")


def edit_words(paragraphs: list[str], rng: random.Random, count: int) -> list[str]:
    """A few words edited, as a copy editor would (one replacement per edit)."""
    out = list(paragraphs)
    for _ in range(count):
        i = rng.randrange(len(out))
        old, new = rng.choice(EDITS)
        pattern = re.compile(rf"\b{re.escape(old)}\b")
        if pattern.search(out[i]):
            out[i] = re.sub(r"\s{2,}", " ", pattern.sub(new, out[i], count=1))
    return out


def make_copy(story: Story, other: Story, rng: random.Random) -> tuple[str, list[str]]:
    """A syndicated copy of ``story``: new headline, cut, notes, re-typed, edited."""
    paras = list(story.paragraphs)
    if len(paras) > 4 and rng.random() < 0.6:
        keep = max(3, round(len(paras) * rng.uniform(0.5, 0.9)))
        paras = paras[:keep]
    lead, credit = rng.choice(AGENCIES)
    if rng.random() < 0.5:
        paras[0] = f"{rng.choice(CITIES)}, March {rng.randint(1, 28)} {lead}{paras[0]}"
    if rng.random() < 0.3:
        paras.append(credit.format(n=rng.choice(NAMES), m=rng.choice(NAMES)))
    if rng.random() < 0.35:
        note = ("Editor's note: this story has been updated with comment from local officials "
                "and will be updated again as more information becomes available.")
        paras.insert(0 if rng.random() < 0.5 else len(paras), note)
    if rng.random() < 0.3 and other.paragraphs:
        paras.insert(min(len(paras), rng.randint(1, 3)), rng.choice(other.paragraphs))
    paras = edit_words([retype(p, rng) for p in paras], rng, rng.randint(1, 6))
    prefix = rng.choice(("Update: ", "Explainer: ", "Watch: ", ""))
    return prefix + _new_headline(story.title, rng), paras


def _new_headline(title: str, rng: random.Random) -> str:
    """Another desk's headline for the same story."""
    words = title.split()
    rng.shuffle(words)
    return " ".join(words[:8]) or "Wire story"


def follow_up(first: Story, other: Story, rng: random.Random) -> list[str]:
    """A different story (``other``) that recalls ``first`` by quoting a paragraph or two.

    The quotation stays under a third of the first story, as a recap does.
    """
    budget = len(" ".join(first.paragraphs).split()) // 3
    quoted: list[str] = []
    for paragraph in first.paragraphs[: rng.randint(1, 2)]:
        if len(" ".join(quoted + [paragraph]).split()) > budget:
            break
        quoted.append(paragraph)
    if not quoted:
        quoted = [_SENTENCE_END.split(first.paragraphs[0])[0]]
    body = list(other.paragraphs)
    at = min(len(body), rng.randint(1, 3))
    recap = [f"As reported earlier: \u201c{quoted[0]}\u201d"] + quoted[1:]
    return body[:at] + recap + body[at:]


def _topic_words(story: Story) -> set[str]:
    """Content words of a story (for picking a follow-up on the same topic)."""
    return {w for w in re.findall(r"\w+", " ".join(story.paragraphs).lower()) if len(w) > 3}


def _reserve(stories: list[Story]) -> tuple[list[Story], list[Story]]:
    """Split off one story in eight: bodies of follow-ups only, never published alone."""
    main, reserved = [], []
    for story in stories:
        digest = hashlib.sha1(b"followup:" + story.key.encode()).digest()[0]
        (reserved if digest % 8 == 0 else main).append(story)
    return main, reserved


def build(all_stories: list[Story], seed: int = 13) -> Iterator[Doc]:
    """Every document of the set: originals, their copies and the follow-ups."""
    rng = random.Random(seed)
    stories, bodies = _reserve(all_stories)
    long_ones = {s.key for s in stories if len(" ".join(s.paragraphs).split()) >= MIN_COPY_WORDS}
    for story in stories:
        yield _original(story, stories, rng)
        if story.key not in long_ones:
            continue
        count = rng.choices((0, 1, 2, 3, 4), (30, 35, 20, 10, 5))[0]
        for n, site in enumerate(rng.sample(SITES, count)):
            title, paras = make_copy(story, rng.choice(stories), rng)
            teasers = [rng.choice(stories).title for _ in range(4)]
            url = f"https://{site}.example/{story.key.replace(':', '-')}/copy{n}"
            yield Doc(url, site, render(site, title, paras, teasers, rng), story.key,
                      story.half, "copy")
        if any(b.half == story.half for b in bodies) and rng.random() < 0.2:
            yield _follow_up_doc(story, bodies, stories, rng)


def _follow_up_doc(story: Story, bodies: list[Story], stories: list[Story],
                   rng: random.Random) -> Doc:
    """A new story (the reserved body closest in topic, used once) that quotes ``story``."""
    words = _topic_words(story)
    body = max((b for b in bodies if b.half == story.half),
               key=lambda b: len(words & _topic_words(b)))
    bodies.remove(body)
    site = rng.choice(SITES)
    key = f"followup:{story.key}"
    teasers = [rng.choice(stories).title for _ in range(4)]
    page = render(site, "Follow-up: " + body.title, follow_up(story, body, rng), teasers, rng)
    return Doc(f"https://{site}.example/{key.replace(':', '-')}", site, page, key, story.half,
               "follow-up", quotes=story.key)


def _original(story: Story, stories: list[Story], rng: random.Random) -> Doc:
    """The story's original page: the real page if the set has it, else a demo-site page."""
    if story.html is not None:
        return Doc(story.url, story.url.split("/")[2], story.html, story.key, story.half,
                   "original")
    teasers = [rng.choice(stories).title for _ in range(4)]
    page = render("demo", story.title, list(story.paragraphs), teasers, rng)
    return Doc(story.url, "demo", page, story.key, story.half, "original")
