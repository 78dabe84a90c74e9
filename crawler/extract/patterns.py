"""Every tag set and regular expression the extractor uses, compiled once."""

from __future__ import annotations

import re

# "At the start, or after a separator" opening a pattern: ``(?:^|[\s_-])``, ``(?:^|\s)``.
_START_OR = re.compile(r"\(\?:\^\|(\[[^\]]+\]|\\s)\)")
_META = frozenset(".^$*+?{}[]\\|()")


def _scan(source: str, start: int = 0) -> tuple[list[str], int]:
    """The alternatives of the group (or whole source) that opens before ``start``, and the
    index of its closing parenthesis (``len(source)`` for the whole source)."""
    found, depth, index = [], 0, start
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 1
        elif char == "[":
            index = source.index("]", index + 2)  # a class holds at least one character
        elif char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
        elif char == "|" and depth == 0:
            found.append(source[start:index])
            start = index + 1
        index += 1
    return [*found, source[start:index]], index


def _factored(alternatives: list[str]) -> list[str]:
    """The same alternation with alternatives that open with the same literal character
    grouped under it, recursively (a trie): ``share|sharing|social`` becomes
    ``s(?:har(?:e|ing)|ocial)``. It matches the same strings; ``re`` tries a branch by its
    first character, so a search tries a few branches at each position instead of all."""
    groups: dict[str, list[str]] = {}
    parts: list[str] = []
    for alternative in alternatives:
        head = alternative[:1]
        if not head or head in _META or alternative[1:2] in ("*", "+", "?", "{"):
            parts.append(alternative)  # not a plain character: left as it is
        else:
            groups.setdefault(head, []).append(alternative[1:])
    grouped = []
    for head, tails in groups.items():
        inner = _factored([tail for tail in tails if tail])
        if "" in tails:
            grouped.append(f"{head}(?:{'|'.join(inner)})?" if inner else head)
        elif len(inner) == 1:
            grouped.append(head + inner[0])
        else:
            grouped.append(f"{head}(?:{'|'.join(inner)})")
    return grouped + parts


def factored(source: str) -> str:
    """``source`` with its main alternation factored (:func:`_factored`): the top level's, or
    that of the first group holding one (``(?:^|\\s)(?:ad|ads|...)(?:$|\\s)``)."""
    top, _ = _scan(source)
    if len(top) > 1:
        return "|".join(_factored(top))
    start = 0
    while (start := source.find("(?:", start) + 3) >= 3:
        inner, end = _scan(source, start)
        if len(inner) > 2:
            return source[:start] + "|".join(_factored(inner)) + source[end:]
    return source


class Folded:
    """A case-insensitive pattern that searches ASCII text lower-cased, without IGNORECASE.

    The matches are the same (case folding only differs outside ASCII, and the pattern is
    lower-case ASCII); IGNORECASE matching costs several times more. The lower-case pattern's
    alternation is also factored by common prefixes (:func:`factored`), and a pattern that
    opens with "start or separator" (``(?:^|[\\s_-])``) opens with the separator alone and
    searches the text after a space: ``re`` then skips to the separators by their class
    instead of trying the pattern at every position. A match is found exactly when the
    pattern's is (callers test for one; its span and alternative may differ).
    """

    __slots__ = ("any_case", "lower", "pad")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        """Wrap a pattern compiled with IGNORECASE whose source is lower-case ASCII."""
        escapes = set(re.findall(r"\\(.)", pattern.pattern))
        source = re.sub(r"\\.", "", pattern.pattern)
        # Class escapes and escaped punctuation only: \x41 or \u00e9 could name any letter.
        plain = all(e in "sSwWdDbB" or not e.isalnum() for e in escapes)
        if not plain or not source.isascii() or source != source.lower():
            raise ValueError(f"not a lower-case ASCII pattern: {pattern.pattern[:40]}")
        self.any_case = pattern
        source = factored(pattern.pattern)
        opening = _START_OR.match(source)
        self.pad = ""
        if opening and re.fullmatch(opening[1], " "):
            source, self.pad = opening[1] + source[opening.end() :], " "
        self.lower = re.compile(source, pattern.flags & ~re.IGNORECASE)

    def search(self, text: str) -> re.Match[str] | None:
        """A match of ``pattern`` in ``text`` or None (for ASCII text, a match in the
        lower-cased text, after a space when the pattern opens with a separator)."""
        if text.isascii():
            return self.lower.search(self.pad + text.lower())
        return self.any_case.search(text)


#: Elements that start a new paragraph of text.
BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "ul",
        "ol", "li", "dl", "dt", "dd", "table", "tr", "td", "th", "tbody", "thead", "blockquote",
        "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "form", "center", "figure",
        "figcaption", "address", "details", "summary", "body", "html", "caption",
    }
)  # fmt: skip

#: Blocks whose text belongs to the element around them when scoring containers.
PARAGRAPH_TAGS = frozenset(
    {"p", "pre", "blockquote", "li", "td", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt"}
)
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

#: ARIA roles of page furniture.
JUNK_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "menu", "menubar", "dialog",
     "alert", "search", "toolbar", "tablist"}
)  # fmt: skip

# class/id words of page furniture, removed whatever their size (below the page-share guard).
STRONG_JUNK_CLASS = Folded(
    re.compile(
        r"(?:^|[\s_-])(?:"
        r"share|sharing|sharebar|social|sociable|newsletter|subscribe|subscription|signup|"
        r"related|recommended|recommendations?|more-stories|read-more|readmore|also-read|"
        r"see-also|promo\w*|promotions?|sponsored|advert|advertisement|adverts|outbrain|taboola|"
        r"sidebar|side-bar|comments?|disqus|breadcrumbs?|cookies?|consent|popup|byline|bylines|"
        r"caption|captions|credit|credits|photo-credit|copyright|trending|popular|most-read|"
        r"mostread|most-popular|footer|masthead|navbar|navigation|menu|pagination|pager|"
        r"(?:paywall|regwall|subscribe|subscription)-(?:prompt|offer|message|banner|modal|overlay|"
        r"cta|callout|box|promo|notice)|membership|donate|donation|newsletter-signup|skip-link|sr-only|"
        r"visually-hidden|author-bio|author-info|about-author|inline-related|further-reading|"
        r"rollover|tooltip|popover|hovercard|responses|replies|discussion|respond"
        r")(?:$|[\s_-])",
        re.IGNORECASE,
    )
)
COMMENT_CLASS = Folded(
    re.compile(
        r"(?:^|[\s_-])(?:comments?|comment-list|commentlist|responses|replies|disqus|discussion)"
        r"(?:$|[\s_-])",
        re.IGNORECASE,
    )
)
WRAPPER_CLASS = Folded(
    re.compile(
        r"content|main|wrap|container|page|layout|body|article|story|post|entry", re.IGNORECASE
    )
)
# class/id tokens that mark furniture only when the element is small or mostly links.
WEAK_JUNK_CLASS = Folded(
    re.compile(
        r"(?:^|\s)(?:ad|ads|adslot|ad-\S*|ads-\S*|dfp\S*|widget\S*|modal\S*|meta|post-meta|"
        r"entry-meta|article-meta|tags|tag-list|keywords|topics|kicker|dek|standfirst|"
        r"tools|toolbar|utility|gallery|slideshow|carousel|player|video-player|embed|timestamp|"
        r"dateline|author|authors|teaser|teasers|rail|tip|tips|follow|headlines|nav|"
        r"subhead|excerpt|print|hidden|aside)(?:$|\s)",
        re.IGNORECASE,
    )
)
# Class tokens that mark the article body: never removed by JUNK_CLASS.
BODY_CLASS = Folded(
    re.compile(
        r"article-?body|articlebody|story-?body|storybody|entry-content|post-content|"
        r"article-content|articlecontent|story-content|post-body|main-content|article__body|"
        r"body-text|bodytext|article-text|rich-text|richtext|paywall(?![-_])|content-body",
        re.IGNORECASE,
    )
)
#: Paragraphs that are prompts, not prose.
JUNK_TEXT = re.compile(
    r"^\W*(?:read more|related|see also|also read|more on this|more from|recommended|"
    r"advertisement|advertising|sponsored|sign up|subscribe|click here|follow us|"
    r"share this|share on|share:|tweet|email this|print this|have a tip|got a tip|"
    r"listen to this|watch:|watch now|photo:|image:|credit:|copyright|©|all rights reserved|"
    r"this article was|this story was|don't miss|must read|trending|more:|read next|"
    r"next article|previous article|join our|get our|download our|leave a comment|"
    r"comments?\b|loading|you may also like|most popular|most read|editor's picks|"
    r"like this:|citation:|this document is subject to copyright|leia (?:mais|também)|"
    r"lesen sie (?:auch|mehr)|lire (?:aussi|la suite)|"
    r"à lire aussi|leer más|lee también|continua a leggere|leggi anche|читайте также|"
    r"mehr zum thema|ver más|veja também)",
    re.IGNORECASE,
)
# Whole-paragraph prompts matched anywhere in short text.
PROMPT_TEXT = Folded(
    re.compile(
        r"\b(?:newsletter|subscribe|sign up|log in to|create an account|support (?:our|us)|"
        r"become a (?:member|subscriber)|membership|free trial|cookies?|javascript|"
        r"share this article|follow (?:us|him|her) on|all rights reserved|"
        r"have a tip|send us a tip|contact us|reprints?\b|permissions|"
        r"read (?:the )?(?:full|more)|continue reading|subscriber[- ]only|"
        r"(?:click|tap) here|sign in|already a subscriber|paywall|share it with|"
        r"like this (?:story|article))",
        re.IGNORECASE,
    )
)
# Headings that introduce teasers to other pages, in the languages we meet most.
RELATED_MARKER = re.compile(
    r"^\W*(?:you (?:may|might) (?:also )?like|related|more (?:stories|news|from)|read more|"
    r"recommended|more on this|see also|also read|read next|popular|trending|explore further|"
    r"você (?:pode|também pode) gostar|leia (?:também|mais)|veja (?:também|mais)|"
    r"lesen sie (?:auch|mehr)|mehr zum thema|(?:à )?lire aussi|te puede interesar|"
    r"lee también|noticias relacionadas|artículos relacionados|leggi anche|"
    r"читайте также|смотрите также|по теме|"
    r"comments?\b|\d+ (?:comments|responses|replies|reactions)|leave a (?:reply|comment)|"
    r"join the (?:discussion|conversation)|reader comments|what do you think|"
    r"kommentare|commentaires|comentários|comentarios|commenti|комментарии)",
    re.IGNORECASE,
)
# Headings of a comment section: once one is reached, the article is over.
COMMENT_MARKER = re.compile(
    r"^\W*(?:comments?\b|\d+ (?:comments|responses|replies|reactions)|leave a (?:reply|comment)|"
    r"join the (?:discussion|conversation)|reader comments|"
    r"kommentare|commentaires|comentários|comentarios|commenti|комментарии)",
    re.IGNORECASE,
)
PAYWALL_CLASS = Folded(re.compile(r"paywall|regwall|subscriber-only|subscribe-wall|piano-", re.I))
# Wording of subscription walls: the text that follows is cut.
PAYWALL_TEXT = re.compile(
    r"to continue reading|subscribe to (?:continue|read|keep)|sign in to (?:read|continue)|"
    r"log in to (?:read|continue)|already a (?:subscriber|member)|subscribers only|"
    r"for subscribers|members only|create a free account to",
    re.IGNORECASE,
)
# "Posted by X in Y", "Publicado por", "Publié par": a metadata line, not prose.
META_LINE = re.compile(
    r"\b(?:posted|published|publicado|publié|pubblicato|veröffentlicht|written|filed)\s+"
    r"(?:by|por|par|da|von|under)\b",
    re.IGNORECASE,
)
BYLINE_TEXT = re.compile(r"^(?:by|written by|words by|von|par|por|door)\s+\S", re.IGNORECASE)

#: URL path shapes of pages that list other pages.
# The list keyword must be near the end: /tag/x/, /author/x/page/2/ (not /category/x/story).
LIST_PATH = re.compile(
    r"/(?:tag|tags|topic|topics|category|categories|section|sections|author|authors|"
    r"search|archive|archives|latest|feeds?|rss|label|labels|series|people|"
    r"profile|contributors?)(?:/[^/]*)?/?(?:page/\d+/?)?(?:index\.\w+)?$|/page/\d+/?$",
    re.IGNORECASE,
)
LIST_QUERY = re.compile(r"[?&](?:page|p|s|q|query|search)=", re.IGNORECASE)
# A headline-like last path segment: four or more words, or a long numeric id.
SLUG = re.compile(r"[^/]*[a-z0-9]+(?:[-_][a-z0-9]+){3,}[^/]*|[^/]*\d{6,}[^/]*", re.IGNORECASE)
ARTICLE_URL = re.compile(
    r"/(?:19|20)\d{2}/\d{1,2}/(?:\d{1,2}/)?[^/]+|[a-z0-9]+(?:-[a-z0-9]+){3,}|\d{6,}|"
    r"\.(?:s?html?|php|aspx?)$",
    re.IGNORECASE,
)

ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
        "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "liveblogposting",
        "scholarlyarticle", "techarticle", "report", "socialmediaposting", "review",
        "posting", "advertisernewsarticle", "satiricalarticle", "medicalscholarlyarticle",
    }
)  # fmt: skip
LIST_TYPES = frozenset(
    {"collectionpage", "itemlist", "searchresultspage", "profilepage", "website",
     "blog", "periodical", "sitenavigationelement", "aboutpage", "contactpage"}
)  # fmt: skip
