"""One summary line of what incremental crawling did in a crawl, from its stats.

The fetched counts (``incremental/fetched/*``, ``incremental/not_modified``) are taken as
responses arrive (a page of unknown role once it is stored as an article), so an interrupted
or page-capped crawl reports what it captured; ``incremental/skipped_urls`` counts the
distinct URLs dropped as archived and not due.
"""

from __future__ import annotations

from collections.abc import Mapping


def summary(stats: Mapping[str, object]) -> str | None:
    """The "incremental: fetched ... ; skipped ..." line, or None if the policy never applied."""

    def count(key: str) -> int:
        value = stats.get(f"incremental/{key}", 0)
        return value if isinstance(value, int) else 0

    if count("forced"):
        return (f"incremental: off for this crawl (--full), {count('fetched/forced')} article "
                "pages fetched regardless of the revisit schedule")
    skipped = count("skipped_urls") or count("skip")
    decided = ("new", "changed", "revisit", "skip", "fetched/new")
    if not any(count(k) for k in decided):
        return None
    revisits = f"{count('fetched/revisit')} due revisits"
    if count("not_modified"):
        revisits += f" ({count('not_modified')} not modified)"
    return (f"incremental: fetched {count('fetched/new')} new articles (never archived), "
            f"{count('fetched/changed')} changed since archived, {revisits}; "
            f"skipped {skipped} archived and not due")
