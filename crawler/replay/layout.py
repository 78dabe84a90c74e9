"""Where replay finds things in an archive folder, and where it keeps its own generated files."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from crawler.exceptions import UserError

#: WARC file endings replay serves; ``.open`` files are still being written and are skipped.
WARC_SUFFIXES = (".warc.gz", ".warc")
#: Index file endings pywb reads from an index directory.
INDEX_SUFFIXES = (".cdxj", ".cdx")


@dataclass(frozen=True)
class ArchiveLayout:
    """Absolute paths of one archive folder (see docs/CONTRACTS.md) plus replay's own folder."""

    root: Path
    #: Where replay's own files go (default ``root/replay``; a temp folder for read-only archives).
    replay_root: Path | None = None

    @property
    def warc_dir(self) -> Path:
        """WARC files written by the crawl."""
        return self.root / "warc"

    @property
    def index_dir(self) -> Path:
        """CDXJ indexes written by the crawl (one or more ``*.cdxj`` files)."""
        return self.root / "indexes"

    @property
    def store_path(self) -> Path:
        """The cleaned-text store."""
        return self.root / "articles.sqlite"

    @property
    def replay_dir(self) -> Path:
        """Replay's generated pywb root: config.yaml, templates, fallback indexes, log."""
        return self.replay_root or self.root / "replay"

    @property
    def extra_index_dir(self) -> Path:
        """CDXJ made by replay for closed WARCs that no crawl index covers yet."""
        return self.replay_dir / "indexes"

    def closed_warcs(self) -> list[Path]:
        """Closed WARC files, sorted by name (which sorts by creation time)."""
        if not self.warc_dir.is_dir():
            return []
        return sorted(
            p for p in self.warc_dir.iterdir() if p.is_file() and p.name.endswith(WARC_SUFFIXES)
        )

    def index_files(self) -> list[Path]:
        """The crawl's CDXJ files, sorted by name."""
        if not self.index_dir.is_dir():
            return []
        return sorted(
            p for p in self.index_dir.iterdir() if p.is_file() and p.name.endswith(INDEX_SUFFIXES)
        )


def open_layout(archive_dir: str | os.PathLike[str]) -> ArchiveLayout:
    """Check that ``archive_dir`` holds WARCs and return its layout; UserError otherwise."""
    root = Path(archive_dir).expanduser().resolve()
    if not root.is_dir():
        raise UserError(
            f"archive folder {root} does not exist; crawl first (`crawler crawl --archive-dir "
            f"{archive_dir}`) or pass the right folder with --archive-dir"
        )
    layout = ArchiveLayout(root)
    if not layout.closed_warcs():
        raise UserError(
            f"no closed WARC files in {layout.warc_dir}; crawl first (`crawler crawl "
            f"--archive-dir {archive_dir}`) or pass the right folder with --archive-dir"
        )
    return layout


def writable_layout(layout: ArchiveLayout) -> ArchiveLayout:
    """The layout itself, or one keeping replay's files in a temp folder if the archive is
    read-only (a colleague's archive, a mounted disk)."""
    target = layout.replay_dir if layout.replay_dir.exists() else layout.root
    if os.access(target, os.W_OK):
        return layout
    return ArchiveLayout(layout.root, Path(tempfile.mkdtemp(prefix="crawler-replay-")))


def create_new_file(path: Path, mode: int = 0o644) -> int:
    """Open ``path`` for writing as a new file, never through a symlink; return its descriptor.

    Whatever is at ``path`` (our previous file, or a symlink someone planted to make us
    overwrite its target) is removed first (removing a symlink leaves its target alone); the
    open then refuses to follow a link or reuse a file that appeared meanwhile.
    """
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise UserError(f"cannot replace {path} ({exc.strerror}): remove it and start again") \
            from None
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        return os.open(path, flags | getattr(os, "O_CLOEXEC", 0), mode)
    except OSError as exc:
        raise UserError(f"cannot create {path} ({exc.strerror}): remove it and start again") \
            from None
