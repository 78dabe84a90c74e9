"""State of a resumable export (``crawler export --state FILE``): where the last one stopped.

The state names the store (its random ``store_id``) and the highest page id the last export
covered. Page ids only grow, and a version is stored in the same transaction as the capture
that defines it, so "versions whose page id is above the mark and at most the store's
highest page id, read in one snapshot" names every new version exactly once. The file is
written atomically (a temporary file, fsync, rename) and only after the output is complete.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.exceptions import UserError

#: ``kind`` of a state file: tells it apart from any other JSON file.
STATE_KIND = "newsarchiver-export-state"
STATE_VERSION = 1


@dataclass(frozen=True, slots=True)
class ExportState:
    """Where the previous export with this state file stopped, and what it selected."""

    store_id: str = ""
    last_page_id: int = 0
    site: str | None = None
    exported_at: str = ""
    exported: int = 0

    def to_json(self) -> str:
        """The file's content."""
        data: dict[str, Any] = {"kind": STATE_KIND, "version": STATE_VERSION, **asdict(self)}
        return json.dumps(data, indent=2) + "\n"


def _bad(path: Path, why: str) -> UserError:
    return UserError(
        f"export state {path} {why}: give the state file an earlier `crawler export --state` "
        "wrote, or a new path to export everything once"
    )


def load_state(path: Path) -> ExportState:
    """The state in ``path``; a fresh state when the file does not exist; UserError if bad."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise UserError(f"folder {path.parent} of the export state does not exist: "
                            "create it or choose another --state") from None
        if not os.access(path.parent, os.W_OK):
            raise UserError(f"cannot write the export state into {path.parent}: "
                            "choose another --state") from None
        return ExportState()
    except OSError as exc:
        raise UserError(f"cannot read the export state {path} ({exc.strerror}): "
                        "choose another --state") from None
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise UserError(f"cannot update the export state {path} (no write access to it or "
                        "its folder): choose another --state")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise _bad(path, "is not JSON") from None
    if not isinstance(data, dict) or data.get("kind") != STATE_KIND:
        raise _bad(path, "is not an export state file")
    if data.get("version") != STATE_VERSION:
        raise _bad(path, f"has format version {data.get('version')!r} (this crawler reads "
                         f"{STATE_VERSION})")
    mark, store_id, site = data.get("last_page_id"), data.get("store_id"), data.get("site")
    if (not isinstance(mark, int) or isinstance(mark, bool) or mark < 0
            or not isinstance(store_id, str) or not (site is None or isinstance(site, str))):
        raise _bad(path, "is damaged (last_page_id, store_id or site missing or wrong)")
    return ExportState(store_id, mark, site, str(data.get("exported_at", "")),
                       int(data.get("exported") or 0))


def check_state(path: Path, state: ExportState, store_id: str, top: int, site: str | None) -> None:
    """UserError when the state belongs to another store or another selection."""
    if state.store_id and state.store_id != store_id:
        raise UserError(f"export state {path} belongs to another article store: use one "
                        "state file per archive (a new path exports everything once)")
    if state.last_page_id > top:
        raise UserError(f"export state {path} is ahead of this store (page {state.last_page_id},"
                        f" the store has {top}): was the store replaced? Use a new state file")
    if state.store_id and state.site != site:
        raise UserError(f"export state {path} was written for --site {state.site or '(all)'}, "
                        f"not {site or '(all)'}: use one state file per selection")


def save_state(path: Path, state: ExportState) -> None:
    """Write the state atomically: whole or not at all, durable once this returns."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(state.to_json())
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # the rename itself durable (not on every filesystem)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def next_state(store_id: str, top: int, site: str | None, exported: int) -> ExportState:
    """The state to record after exporting up to page ``top``."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return ExportState(store_id, top, site, now, exported)
