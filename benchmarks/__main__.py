"""Run every benchmark in turn (`make bench`); each prints our figure beside its anchor."""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = [
    "benchmarks.extraction",
    "benchmarks.structure",
    "benchmarks.script_robustness",
    "benchmarks.crawl_throughput",
    "benchmarks.warc_throughput",
    "benchmarks.export_memory",
    "benchmarks.incremental_recrawl",
    "benchmarks.browse",
    "benchmarks.crash_resume",
    "benchmarks.syndication",
    "benchmarks.replay_fidelity",
]


def main() -> int:
    """Run each benchmark module in its own process; return non-zero if any failed."""
    failed = []
    for module in BENCHMARKS:
        print(f"\n=== {module} ===", flush=True)
        # A process each: the crawl benchmarks start a Twisted reactor, which cannot restart.
        if subprocess.run([sys.executable, "-m", module], check=False).returncode != 0:
            failed.append(module)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
