"""Articles as Markdown files: one ``.md`` per article version, YAML front matter, safe names.

A file is ``DIR/<site>/<slug>-<url hash>-v<version>.md``: the slug comes from the title (else
the URL's path), reduced to lower-case ASCII letters, digits and hyphens, so no title or URL
can name a path outside ``DIR``, a hidden file or a device; the hash of the URL keeps two
articles with one slug apart. The same version always gets the same name: a second export
rewrites the file instead of adding a copy.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import unicodedata
import urllib.parse
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

#: Longest slug in a file name (characters); the whole name stays far below 255 bytes.
SLUG_CHARS = 60

#: Front matter keys, in order (the export schema's names).
FRONT_MATTER = (
    "title", "url", "canonical_url", "site", "authors", "published", "modified", "language",
    "version", "first_seen", "last_seen", "lead", "lead_image", "warc_filename", "warc_offset",
    "warc_length", "warc_record_id", "payload_digest", "warc_record_type",
)

# Names Windows reserves for devices, whatever the extension (a folder copied there).
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}


def slug(text: str, limit: int = SLUG_CHARS) -> str:
    """Lower-case ASCII words joined by hyphens ("" when nothing is left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words)[:limit].strip("-")


def site_folder(site: str) -> str:
    """A site name as one safe folder name (letters, digits, dots, hyphens; no leading dot)."""
    ascii_site = unicodedata.normalize("NFKD", site).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^a-z0-9.-]+", "-", ascii_site.lower()).strip(".-")[:100]
    return name if name and name.split(".")[0] not in _RESERVED else "site"


def file_name(row: dict[str, Any]) -> str:
    """The file name (inside its site folder) of one article version."""
    url = str(row["url"])
    path = urllib.parse.urlsplit(url).path
    name = slug(str(row.get("title") or "")) or slug(path.replace("/", " ")) or "article"
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:10]
    return f"{name}-{digest}-v{int(row['version'])}.md"


def relative_path(row: dict[str, Any]) -> str:
    """``site/file.md``: where one article version goes inside the output folder."""
    return f"{site_folder(str(row['site']))}/{file_name(row)}"


def front_matter(row: dict[str, Any]) -> str:
    """YAML front matter (between ``---`` lines) of one article version."""
    data = {key: row.get(key) for key in FRONT_MATTER}
    data["authors"] = list(data["authors"] or [])
    # safe_dump quotes whatever YAML would read otherwise ("---" in a title, ": ", a newline).
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1_000_000)
    return f"---\n{body}---\n"


def document(row: dict[str, Any]) -> str:
    """The whole ``.md`` file: front matter, a blank line, the article's Markdown."""
    return front_matter(row) + "\n" + str(row.get("markdown") or "")


def write_markdown_files(rows: Iterable[dict[str, Any]], folder: Path) -> int:
    """Write one file per article version into ``folder``; return how many.

    Each file is written to ``name.partial`` and renamed, so a file is whole or absent.
    """
    count = 0
    made: set[str] = set()
    for row in rows:
        rel = relative_path(row)
        site_dir = folder / rel.split("/", 1)[0]
        if site_dir.name not in made:
            site_dir.mkdir(exist_ok=True)
            made.add(site_dir.name)
        target = folder / rel
        partial = target.with_name(target.name + ".partial")
        try:
            with open(partial, "w", encoding="utf-8", newline="\n") as out:
                out.write(document(row))
            os.replace(partial, target)
        finally:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
        count += 1
    return count
