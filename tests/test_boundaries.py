"""The layers: what each package of ``crawler/`` may import, and what the root holds.

The pure core never imports scrapy or twisted; the Scrapy shell and the process runners sit on
top of it; the commands on top of everything. The table below is the architecture: a new import
across layers that it does not allow fails here, on purpose.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

CRAWLER = Path(__file__).resolve().parent.parent / "crawler"

#: Packages that never import scrapy or twisted (checked at run time, every submodule).
PURE_PACKAGES = [
    "crawler.common", "crawler.archive", "crawler.extract", "crawler.store", "crawler.discovery",
    "crawler.syndication", "crawler.frontier", "crawler.incremental", "crawler.analysis",
    "crawler.export", "crawler.reextract", "crawler.config", "crawler.recurring",
]
FORBIDDEN = ("scrapy", "twisted")

_CORE = {"common", "exceptions", "archive", "extract", "store", "discovery", "syndication",
         "analysis", "incremental", "frontier", "export", "reextract"}
#: Layer -> the other layers of ``crawler`` it may import.
ALLOWED: dict[str, set[str]] = {
    "common": set(),
    "exceptions": set(),
    "extract": {"common", "exceptions"},
    "syndication": {"common", "exceptions"},
    "discovery": {"common", "exceptions"},
    "archive": {"common", "exceptions"},
    "store": {"common", "exceptions", "discovery", "syndication", "extract", "archive"},
    "analysis": {"common", "exceptions", "discovery", "extract"},
    "export": {"common", "exceptions", "store", "extract"},
    # Resuming a killed crawl stores what its WARCs hold: incremental runs re-extraction.
    "incremental": {"common", "exceptions", "archive", "store", "discovery", "reextract"},
    "reextract": {"common", "exceptions", "archive", "extract", "store", "syndication",
                  "discovery", "settings"},
    "frontier": {"common", "exceptions", "discovery", "extract", "archive", "store",
                 "incremental", "analysis"},
    # The settings check reads the frontier's requisite kinds; sites files' crons are checked
    # with the recurring crawls' cron reading.
    "config": {"common", "exceptions", "discovery", "frontier", "recurring", "settings"},
    "recurring": {"common", "exceptions"},
    "demosite": {"exceptions"},
    "replay": _CORE | {"settings"},
    "shell": _CORE | {"config", "settings"},
    "processes": _CORE | {"shell", "config", "settings", "demosite"},
    "settings": set(),
    "cli": {"exceptions", "commands", "store"},
    "commands": {"*"},
}
ROOT_MODULES_MAX = 6


def _layer(path: Path) -> str:
    parts = path.relative_to(CRAWLER).parts
    return parts[0][:-3] if len(parts) == 1 else parts[0]


def _imported_layers(path: Path) -> set[str]:
    """The layers of ``crawler`` a module imports, lazy imports inside functions included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == "crawler":
                names = [f"crawler.{alias.name}" for alias in node.names]
        found.update(n.split(".")[1] for n in names if n.startswith("crawler."))
    return found - {"__version__"}


def test_every_layer_is_in_the_table() -> None:
    layers = {_layer(p) for p in CRAWLER.rglob("*.py")} - {"__init__"}
    assert layers <= set(ALLOWED), f"add {sorted(layers - set(ALLOWED))} to ALLOWED"


@pytest.mark.parametrize("path", sorted(CRAWLER.rglob("*.py")),
                         ids=lambda p: str(p.relative_to(CRAWLER)))
def test_imports_follow_the_layers(path: Path) -> None:
    layer = _layer(path)
    if layer == "__init__" or "*" in ALLOWED.get(layer, set()):
        return
    extra = _imported_layers(path) - ALLOWED[layer] - {layer}
    assert not extra, f"{path.relative_to(CRAWLER)} ({layer}) imports {sorted(extra)}"


def test_root_holds_only_the_entry_points() -> None:
    modules = sorted(p.name for p in CRAWLER.glob("*.py"))
    assert len(modules) <= ROOT_MODULES_MAX, modules


@pytest.mark.parametrize("package", sorted(p.parent.name for p in CRAWLER.glob("*/__init__.py")))
def test_each_layer_says_what_it_is_and_may_import(package: str) -> None:
    doc = importlib.import_module(f"crawler.{package}").__doc__ or ""
    assert doc.strip(), f"crawler/{package}/__init__.py has no docstring"
    assert "import" in doc, f"crawler/{package}: say what the layer may import"


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_pure_package_imports_neither_scrapy_nor_twisted(package: str) -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module({package!r})\n"
        "for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{package} imports {out.stdout.strip()}"
