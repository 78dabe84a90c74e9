"""Hop markers in WARC ``metadata`` records: which responses are a page's requisites.

Heritrix (and wpull after it) writes a ``metadata`` record concurrent to each response
(``WARC-Concurrent-To``) whose ``application/warc-fields`` block holds ``via:`` (the URL that
led there) and ``hopsFromSeed:`` (the hop path from the seed, one letter a hop: ``L`` link,
``R`` redirect, ``P`` prerequisite, ``E`` embed, ``X`` speculative embed...). A path ending in
``E`` or ``X`` is a requisite: it is what a page needs to render, not a page. We write that
record for every requisite, so re-extraction never takes one answered as HTML (an error page,
an ``<iframe>`` document) for a page, and read Heritrix's and wpull's the same way.
"""

from __future__ import annotations

#: Hop letters of embeds: what a page (or a stylesheet) needs to render.
EMBED_HOPS = frozenset("EX")
#: Longest metadata block read back (Heritrix's list outlinks; the markers come first).
MAX_FIELDS_BYTES = 64 * 1024


def requisite_fields(kind: str, hops: str, referrer: str = "") -> list[tuple[str, str]]:
    """The fields of a requisite's metadata record (``hops``: its hop path, ending in ``E``)."""
    fields = [("via", referrer), ("hopsFromSeed", hops if hops.endswith("E") else hops + "E")]
    if kind:
        fields.append(("requisiteKind", kind))
    return fields


def parse_fields(block: bytes) -> dict[str, str]:
    """The ``name: value`` fields of an application/warc-fields block (first value wins)."""
    fields: dict[str, str] = {}
    for line in block.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip() and name.strip() not in fields:
            fields[name.strip()] = value.strip()
    return fields


def is_embed(fields: dict[str, str]) -> bool:
    """True if a metadata record's fields mark its response as an embed (a requisite)."""
    hops = fields.get("hopsFromSeed", "")
    return bool(hops) and hops[-1] in EMBED_HOPS
