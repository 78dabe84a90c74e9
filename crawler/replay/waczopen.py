"""Open a WACZ for replay: its WARCs copied out (streaming) into a scratch archive folder.

pywb (2.10) reads no WACZ in place: its own ``wb-manager add --unpack-wacz`` copies the WARCs
out too. So ``crawler replay FILE.wacz`` copies the package's ``archive/*.warc[.gz]`` entries
into ``SCRATCH/warc/`` and replays that folder as an archive with no text store (the browser
lists the pages from the indexes, which replay builds as for any folder). The entries are
checked first: safe names only, no entry that inflates like a zip bomb, room on the disk for
all of them; each is copied in bounded chunks and its CRC checked by zipfile.
"""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path

from crawler.exceptions import UserError
from crawler.replay.layout import WARC_SUFFIXES

#: How much an entry may inflate: WARCs in a WACZ are stored (1x) or hold gzip members that
#: do not compress again; a bomb inflates a thousandfold.
MAX_RATIO = 50
#: Disk space left free beside the copies (indexes, pywb's files, other programs).
SPARE_BYTES = 256 * 1024 * 1024
_CHUNK = 1024 * 1024
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")


def is_wacz(path: Path) -> bool:
    """True if ``path`` names a file ending in ``.wacz`` (its content is checked on opening)."""
    return path.suffix.lower() == ".wacz"


def unpack_wacz(wacz: Path, into: Path) -> int:
    """Copy the WARCs of ``wacz`` into ``into/warc``; return how many; UserError if unusable."""
    if not wacz.is_file():
        raise UserError(f"WACZ file {wacz} does not exist: pass the path of a .wacz file")
    try:
        with zipfile.ZipFile(wacz) as package:
            entries = _warc_entries(package, wacz)
            _check_room(entries, into, wacz)
            target = into / "warc"
            target.mkdir(parents=True, exist_ok=True)
            for entry in entries:
                _copy(package, entry, target / Path(entry.filename).name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise UserError(f"{wacz} is not a readable WACZ ({exc}): check the file, or make it "
                        "again with `crawler wacz`") from None
    except OSError as exc:
        raise UserError(f"cannot copy the WARCs of {wacz} into {into} ({exc.strerror or exc}): "
                        "free disk space or set TMPDIR to a roomier folder") from None
    return len(entries)


def _warc_entries(package: zipfile.ZipFile, wacz: Path) -> list[zipfile.ZipInfo]:
    """The package's WARC entries (``archive/NAME.warc[.gz]``), checked; UserError if none."""
    found: dict[str, zipfile.ZipInfo] = {}
    for entry in package.infolist():
        folder, _, name = entry.filename.rpartition("/")
        if folder != "archive" or not name.endswith(WARC_SUFFIXES) or entry.is_dir():
            continue
        if not _SAFE_NAME.match(name):
            raise UserError(f"{wacz} holds a WARC with an unsafe name {name[:80]!r}: it is not "
                            "a WACZ this tool made; unpack it by hand if you trust it")
        if entry.file_size > MAX_RATIO * entry.compress_size + _CHUNK:
            raise UserError(f"{wacz}: entry {name} would inflate {entry.compress_size} bytes to "
                            f"{entry.file_size}: refused as a zip bomb")
        found.setdefault(name, entry)
    if not found:
        raise UserError(f"{wacz} holds no WARC files under archive/: it is not a WACZ web "
                        "archive; make one with `crawler wacz`")
    return sorted(found.values(), key=lambda e: e.filename)


def _check_room(entries: list[zipfile.ZipInfo], into: Path, wacz: Path) -> None:
    """UserError unless the disk under ``into`` has room for every WARC, and some to spare."""
    need = sum(entry.file_size for entry in entries)
    free = shutil.disk_usage(into).free
    if need + SPARE_BYTES > free:
        raise UserError(f"replaying {wacz} needs {need} bytes for its WARCs but {into} has "
                        f"{free} free: set TMPDIR to a folder on a roomier disk")


def _copy(package: zipfile.ZipFile, entry: zipfile.ZipInfo, target: Path) -> None:
    """Copy one entry to ``target`` in bounded chunks (zipfile checks its size and CRC)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    with package.open(entry) as source, os.fdopen(os.open(target, flags, 0o644), "wb") as out:
        while chunk := source.read(_CHUNK):
            out.write(chunk)
