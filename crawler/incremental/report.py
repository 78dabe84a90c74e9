"""One summary line of what incremental crawling did in a crawl, from its stats."""

from __future__ import annotations

from collections.abc import Mapping


def summary(stats: Mapping[str, object]) -> str | None:
    """E.g. "incremental: 5 new, 1 changed, 2 revisits (1 not modified), 119 skipped"."""

    def count(key: str) -> int:
        value = stats.get(f"incremental/{key}", 0)
        return value if isinstance(value, int) else 0

    if count("forced"):
        return f"incremental: off for this crawl (--full), {count('forced')} articles refetched"
    skipped = count("skipped_urls") or count("skip")
    if not any(count(k) for k in ("new", "changed", "revisit", "skip")):
        return None
    parts = [f"{count('new')} new", f"{count('changed')} changed"]
    revisits = f"{count('revisit')} revisits"
    if count("not_modified"):
        revisits += f" ({count('not_modified')} not modified)"
    parts.append(revisits)
    parts.append(f"{skipped} archived and not due (skipped)")
    return "incremental: " + ", ".join(parts)
