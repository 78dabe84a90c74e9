"""List the captures and text versions of one URL, with their dates."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.exceptions import UserError
from crawler.settings import ARCHIVE_DIR
from crawler.terminal import printable
from crawler.timestamps import parse_timestamp

NOT_MODIFIED_STATUS = "304"


@dataclass(frozen=True)
class Capture:
    """One WARC capture of a URL, as its CDXJ index line describes it."""

    when: datetime
    status: str
    record: str  # "response", "revisit (not modified)", "revisit (identical payload)"
    filename: str


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the subcommand's arguments."""
    parser.add_argument("url", help="the article URL, as crawled")
    parser.add_argument(
        "--archive-dir", default=ARCHIVE_DIR, metavar="DIR",
        help=f"archive folder holding warc/, indexes/ and articles.sqlite (default {ARCHIVE_DIR})",
    )


def fmt_time(value: Any) -> str:
    """Render a datetime or an ISO string as ``YYYY-MM-DD HH:MM:SS UTC``."""
    if value is None:
        return "-"
    moment = parse_timestamp(value)
    if moment is None:
        return str(value)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def open_versions(archive_dir: str, url: str) -> tuple[str, list[Any]]:
    """The URL as stored (trailing slash forgiven) and its text versions, oldest first."""
    from crawler.store import open_store

    with open_store(archive_dir, create=False) as store:
        for candidate in url_variants(url):
            versions = store.versions(candidate)
            if versions:
                return candidate, versions
    return url, []


def url_variants(url: str) -> list[str]:
    """The URL as given and as the crawler stores it (no #fragment...), each with/without "/"."""
    from crawler.discovery import normalize_url

    forms = [url, normalize_url(url) or url]
    slash = [form[:-1] if form.endswith("/") else form + "/" for form in forms]
    variants = [forms[0], slash[0], forms[1], slash[1]]
    return list(dict.fromkeys(variants))


def _record_kind(entry: dict[str, Any]) -> str:
    if entry.get("mime") != "warc/revisit":
        return "response"
    if entry.get("status") == NOT_MODIFIED_STATUS:
        return "revisit (not modified)"
    return "revisit (identical payload)"


def iter_captures(archive_dir: str | Path, url: str) -> Iterator[Capture]:
    """Stream the captures of ``url`` from the CDXJ indexes (one line at a time)."""
    from surt import surt

    index_dir = Path(archive_dir) / "indexes"
    if not index_dir.is_dir():
        return
    prefix = surt(url) + " "
    for index in sorted(index_dir.glob("*.cdxj")):
        with open(index, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if not line.startswith(prefix):
                    continue
                _key, stamp, data = line.split(" ", 2)
                entry = json.loads(data)
                if entry.get("url") != url:
                    continue
                when = datetime.strptime(stamp[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
                yield Capture(
                    when, entry.get("status", "-"), _record_kind(entry), entry.get("filename", "")
                )


def capture_lines(archive_dir: str, url: str) -> list[str]:
    """Formatted capture lines, oldest first."""
    captures = sorted(iter_captures(archive_dir, url), key=lambda c: c.when)
    return [
        f"  {fmt_time(c.when)}  {printable(str(c.status)):>3}  {c.record:<28} "
        f"{printable(c.filename)}"
        for c in captures
    ]


def version_lines(versions: list[Any]) -> list[str]:
    """Formatted text version lines, oldest first."""
    lines = []
    for article in versions:
        seen = fmt_time(article.first_seen)
        if article.last_seen and article.last_seen != article.first_seen:
            seen += f" .. {fmt_time(article.last_seen)}"
        count = f"{article.captures} capture" + ("s" if article.captures != 1 else "")
        title = f'  "{printable(article.title)}"' if article.title else ""
        lines.append(f"  v{article.version}  {seen}  {count}, {article.word_count} words{title}")
    return lines


def run(args: argparse.Namespace) -> int:
    """Print the URL's captures (from the WARC indexes) and text versions (from the store)."""
    url, versions = open_versions(args.archive_dir, args.url)
    captures: list[str] = []
    for candidate in url_variants(url):
        captures = capture_lines(args.archive_dir, candidate)
        if captures:
            break
    if not versions and not captures:
        raise UserError(
            f"{args.url} is not in the archive {args.archive_dir}: give the URL exactly as "
            "crawled (`crawler export` lists them), or point --archive-dir at the right folder"
        )
    shown = printable(url)
    print(shown)
    print(f"captures ({len(captures)}):")
    print("\n".join(captures) if captures else "  (no WARC index lists this URL)")
    print(f"text versions ({len(versions)}):")
    print("\n".join(version_lines(versions)) if versions else "  (not stored as an article)")
    if len(versions) > 1:
        print(f"see the changes: crawler diff {shown} --archive-dir "
              f"{printable(args.archive_dir)}")
    if versions and versions[-1].cluster_size > 1:
        print(f"copies: {versions[-1].cluster_size - 1} other URL(s) carry this story: "
              f"crawler duplicates {shown} --archive-dir {printable(args.archive_dir)}")
    return 0
