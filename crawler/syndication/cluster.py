"""Which cluster a new article version joins, given the stored versions its text copies."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Match:
    """A stored article version whose text the new one copies (or is a copy of)."""

    article_id: int
    url: str
    cluster_id: int
    first_seen: str
    similarity: float


def choose_cluster(url: str, matches: list[Match]) -> int | None:
    """The cluster a new version of ``url`` joins, or None for a cluster of its own.

    A copy on another URL decides (the most similar, the earliest on a tie): versions of one
    URL are not copies of each other. Only when no other URL matches does a new version stay
    in the cluster of its URL's earlier version that it resembles.
    """
    others = [m for m in matches if m.url != url]
    pool = others or matches
    if not pool:
        return None
    best = min(pool, key=lambda m: (-m.similarity, m.first_seen, m.article_id))
    return best.cluster_id
