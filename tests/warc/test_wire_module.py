"""crawler/shell/wire.py is a Twisted-level tap: it must not import scrapy."""

from __future__ import annotations

import subprocess
import sys


def test_wire_tap_does_not_import_scrapy():
    code = (
        "import sys, crawler.shell.wire\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'scrapy')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
