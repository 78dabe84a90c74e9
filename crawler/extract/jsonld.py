"""JSON-LD in pages: parse every ld+json script leniently and find the article object."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

from crawler.extract import patterns

_MAX_SCRIPT_CHARS = 2_000_000
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def _loads(text: str) -> Any:
    text = text.strip().removeprefix("<!--").removesuffix("-->").strip().rstrip(";")
    for attempt in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            return json.loads(attempt, strict=False)
        except (json.JSONDecodeError, RecursionError):
            continue
    return None


def _flatten(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _flatten(graph, depth + 1)
        main = data.get("mainEntity")
        if isinstance(main, dict | list):
            yield from _flatten(main, depth + 1)


def json_ld_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    """All JSON-LD objects of the page (``@graph`` and ``mainEntity`` flattened)."""
    objects: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        kind = (script.get("type") or "").lower()
        if "ld+json" not in kind or not script.text or len(script.text) > _MAX_SCRIPT_CHARS:
            continue
        objects.extend(_flatten(_loads(script.text)))
    return objects


def types_of(obj: dict[str, Any]) -> set[str]:
    """Lower-cased schema.org types of a JSON-LD object."""
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1].lower() for k in kinds if isinstance(k, str)}


def find_article(objects: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The page's article object: the first of an article type, preferring one with a body."""
    articles = [obj for obj in objects if types_of(obj) & patterns.ARTICLE_TYPES]
    for obj in articles:
        if obj.get("articleBody"):
            return obj
    return articles[0] if articles else None


def names_of(value: Any) -> list[str]:
    """Names from a JSON-LD person/organization value (a string, object or list)."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items[:20]:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            names.append(item["name"])
    return [n.strip() for n in names if n and n.strip()]


def text_value(value: Any) -> str | None:
    """A plain string from a JSON-LD value that may be a string, list or object."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list) and value:
        return text_value(value[0])
    if isinstance(value, dict):
        return text_value(value.get("@value") or value.get("name") or value.get("@id"))
    return None
