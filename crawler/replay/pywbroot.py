"""Generate the pywb root for an archive folder: config.yaml and the replay banner template.

No ``wb-manager`` steps: the collection's index and archive paths point straight at the archive
folder, and pywb re-reads the index directories on every lookup, so new CDXJ files (a new crawl)
are served without a restart.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from crawler.replay.layout import ArchiveLayout, create_new_file

#: The pywb collection name: replay URLs are ``/{COLLECTION}/{timestamp}/{url}``.
COLLECTION = "archive"

# Shown on every replayed page (frameless replay has no banner of its own). Plain text only:
# pywb's client-side rewriting would turn a link into a link inside the archived site. ASCII
# only: pywb encodes this insert in the page's charset and then, for UTF-8 pages, encodes it a
# second time (a raw middle dot showed as "Â·"), so non-ASCII characters are JS escapes.
_BANNER_TEMPLATE = """<script>
document.addEventListener("DOMContentLoaded", function () {
  var BROWSER_PORT = "@BROWSER_PORT@";
  var ts = {{ cdx.timestamp | tojson }};
  var bar = document.createElement("div");
  bar.id = "newsarchiver-banner";
  bar.setAttribute("style", "position:fixed;z-index:2147483647;bottom:0;right:0;" +
    "background:#222;color:#fff;font:12px/1.4 sans-serif;padding:3px 8px;opacity:.85");
  bar.textContent = "Archived copy, captured " + ts.slice(0, 4) + "-" + ts.slice(4, 6) + "-" +
    ts.slice(6, 8) + " " + ts.slice(8, 10) + ":" + ts.slice(10, 12) + " UTC \\u00b7 " +
    "archive browser: " + location.protocol + "//" + location.hostname + ":" + BROWSER_PORT + "/";
  document.body.appendChild(bar);
});
</script>
"""


def pywb_config(layout: ArchiveLayout) -> dict[str, Any]:
    """The pywb configuration serving the archive folder as one collection."""
    return {
        "collections": {
            COLLECTION: {
                # Two directories of CDXJ: the crawl's own and replay's for uncovered WARCs.
                "index_group": {
                    "crawl": f"{layout.index_dir}{os.sep}",
                    "replay": f"{layout.extra_index_dir}{os.sep}",
                },
                # cdxj-indexer writes the WARC's base name; the root also resolves "warc/NAME".
                "archive_paths": [f"{layout.warc_dir}{os.sep}", f"{layout.root}{os.sep}"],
            }
        },
        "enable_auto_colls": False,
        "framed_replay": False,  # the page itself, with a banner: what a browser and --dump-dom see
        "enable_memento": True,
    }


def write_pywb_root(layout: ArchiveLayout, browser_port: int = 8080) -> Path:
    """Write config.yaml and templates into ``layout.replay_dir``; return that directory.

    ``browser_port`` is the archive browser's port, named in the banner of replayed pages.
    """
    root = layout.replay_dir
    (root / "templates").mkdir(parents=True, exist_ok=True)
    layout.extra_index_dir.mkdir(parents=True, exist_ok=True)
    layout.index_dir.mkdir(parents=True, exist_ok=True)
    _write_atomic(root / "config.yaml", yaml.safe_dump(pywb_config(layout), sort_keys=False))
    _write_atomic(root / "templates" / "custom_banner.html",
                  _BANNER_TEMPLATE.replace("@BROWSER_PORT@", str(int(browser_port))))
    # Written by earlier versions; "/" is the archive browser's now.
    for stale in ("index.html", "articles_list.html"):
        (root / "templates" / stale).unlink(missing_ok=True)
    return root


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with os.fdopen(create_new_file(tmp), "w", encoding="utf-8") as fh:  # never via a symlink
        fh.write(text)
    os.replace(tmp, path)
