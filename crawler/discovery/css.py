"""The URLs a piece of CSS makes a browser fetch: ``@import``, ``url()``, ``image-set()`` (pure).

Tokenised by tinycss2 (CSS Syntax Level 3), so comments, strings that merely contain
``url(``, escapes and broken input are handled as a browser handles them. Each URL is
resolved against the stylesheet's own URL (or the page's base URL for ``<style>`` blocks
and ``style=""`` attributes), as browsers do.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import tinycss2

from crawler.discovery.model import Requisite
from crawler.discovery.requrls import resolve_requisite

#: CSS text parsed at most (characters): a hostile stylesheet costs no more than this.
MAX_CSS_CHARS = 2 * 1024 * 1024
_IMAGE_SETS = frozenset({"image-set", "-webkit-image-set"})


def stylesheet_requisites(
    body: bytes, url: str, charset: str | None = None, limit: int = 500
) -> list[Requisite]:
    """The requisites of a fetched stylesheet (bytes, decoded as a browser would)."""
    rules, _encoding = tinycss2.parse_stylesheet_bytes(
        body[:MAX_CSS_CHARS], protocol_encoding=charset, skip_comments=True,
        skip_whitespace=True,
    )
    return _collect(_from_rules(rules), url, limit)


def css_text_requisites(text: str, base: str, limit: int = 500) -> list[Requisite]:
    """The requisites of a ``<style>`` block's text."""
    rules = tinycss2.parse_stylesheet(text[:MAX_CSS_CHARS], skip_comments=True,
                                      skip_whitespace=True)
    return _collect(_from_rules(rules), base, limit)


def style_attribute_requisites(text: str, base: str, limit: int = 500) -> list[Requisite]:
    """The requisites of a ``style=""`` attribute (declarations only: no ``@import``)."""
    tokens = tinycss2.parse_component_value_list(text[:MAX_CSS_CHARS], skip_comments=True)
    return _collect(((ref, "image") for ref in _urls_in(tokens)), base, limit)


def _collect(found: Iterable[tuple[str, str]], base: str, limit: int) -> list[Requisite]:
    """Resolve and de-duplicate (reference, kind) pairs, at most ``limit``."""
    seen: set[str] = set()
    result: list[Requisite] = []
    for ref, kind in found:
        resolved = resolve_requisite(ref, base)
        if resolved is None or resolved in seen:
            continue
        seen.add(resolved)
        result.append(Requisite(resolved, kind))
        if len(result) >= limit:
            break
    return result


def _from_rules(rules: Iterable[Any]) -> Iterator[tuple[str, str]]:
    """(reference, kind) of every URL in parsed rules; ``@media``/``@supports`` recursed."""
    for rule in rules:
        kind = getattr(rule, "type", "")
        if kind == "at-rule":
            keyword = rule.lower_at_keyword
            if keyword == "import":
                ref = _import_target(rule.prelude)
                if ref:
                    yield ref, "stylesheet"
                continue
            if rule.content is None:
                continue
            if keyword == "font-face":
                yield from ((ref, "font") for ref in _urls_in(rule.content))
            elif keyword in ("media", "supports", "layer", "container", "document", "scope"):
                nested = tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                  skip_whitespace=True)
                yield from _from_rules(nested)
            else:
                yield from ((ref, "image") for ref in _urls_in(rule.content))
        elif kind == "qualified-rule":
            yield from ((ref, "image") for ref in _urls_in(rule.content))


def _import_target(prelude: list[Any]) -> str | None:
    """The URL of an ``@import`` prelude: ``"a.css"``, ``url(a.css)`` or ``url("a.css")``."""
    for token in prelude:
        kind = getattr(token, "type", "")
        if kind in ("whitespace", "comment"):
            continue
        if kind in ("url", "string"):
            return str(token.value)
        if kind == "function" and token.lower_name == "url":
            return _first_string(token.arguments)
        return None
    return None


def _first_string(tokens: list[Any]) -> str | None:
    for token in tokens:
        if getattr(token, "type", "") == "string":
            return str(token.value)
    return None


def _urls_in(tokens: Iterable[Any]) -> Iterator[str]:
    """Every ``url()`` (quoted or not) and ``image-set()`` string in a token tree."""
    stack = [iter(tokens)]
    while stack:
        token = next(stack[-1], None)
        if token is None:
            stack.pop()
            continue
        kind = getattr(token, "type", "")
        if kind == "url":
            yield str(token.value)
        elif kind == "function":
            name = token.lower_name
            if name in ("url", "src"):
                ref = _first_string(token.arguments)
                if ref:
                    yield ref
            elif name in _IMAGE_SETS:
                yield from (str(t.value) for t in token.arguments
                            if getattr(t, "type", "") == "string")
                stack.append(iter(token.arguments))
            else:
                stack.append(iter(token.arguments))
        elif kind in ("() block", "[] block", "{} block"):
            stack.append(iter(token.content))
