"""The pure core (archive, extract, store, discovery, syndication, frontier, incremental) never
imports scrapy or twisted."""

import subprocess
import sys

import pytest

PURE_PACKAGES = [
    "crawler.archive", "crawler.extract", "crawler.store", "crawler.discovery",
    "crawler.syndication", "crawler.frontier", "crawler.incremental",
]
FORBIDDEN = ("scrapy", "twisted")


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_pure_package_imports_neither_scrapy_nor_twisted(package):
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
