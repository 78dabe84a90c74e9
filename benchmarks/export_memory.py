"""Export memory: peak RSS of `crawler export` for 1,000 vs 10,000 articles, beside a naive export.

Run: ``.venv/bin/python -m benchmarks.export_memory [--small 1000] [--large 10000]``

Two stores of synthetic articles (about 4 kB of text each, with a subheading, a list and a
table among ten paragraphs: the export writes text, Markdown and blocks) are built in a
temporary folder.
Each export runs in a fresh subprocess that reports its peak resident memory (``VmHWM``,
benchmarks/procmem.py):

- ``stream``: our export (``crawler.export.export_articles`` over ``Store.iter_articles``);
- ``naive`` (the anchor): load every article into a list, then write it in one go
  (``json.dumps`` of the list, one ``csv`` buffer, one ``pa.Table.from_pylist``).

Constant memory means the ``stream`` figure barely moves from the small to the large store
while the anchor grows with the number of articles.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crawler.extensions.memory import peak_rss_kb

FORMATS = ("jsonl", "csv", "parquet")
_WORDS = ("council budget river harbour school library mayor road bridge market festival train "
          "station museum hospital weather storm court police park garden election").split()


def build_store(path: Path, count: int) -> None:
    """Fill a store with ``count`` articles of about 4 kB of text each."""
    from crawler.extract.blocks import Block, blocks_to_json, plain_text
    from crawler.store import PageRecord, Store, WarcLocation

    rng = random.Random(count)
    with Store(path, commit_every=2000, create=True) as store:
        for i in range(count):
            # Ten paragraphs with a subheading, a list and a small table among them.
            first = f"Article {i}. " + " ".join(rng.choices(_WORDS, k=60))
            blocks = [Block("paragraph", text=first)]
            blocks += [Block("paragraph", text=" ".join(rng.choices(_WORDS, k=60)))
                       for _ in range(8)]
            blocks.insert(4, Block("heading", text=" ".join(rng.choices(_WORDS, k=4)), level=2))
            blocks.insert(6, Block("list", items=tuple(
                (Block("paragraph", text=" ".join(rng.choices(_WORDS, k=8))),) for _ in range(3))))
            blocks.append(Block("table", header_rows=1, rows=(("a", "b"), ("1", "2"))))
            store.add_page(PageRecord(
                url=f"http://bench.test/{i}", site="bench", fetched_at="2026-11-25T10:00:00Z",
                is_article=True, page_reason="bench", text=plain_text(tuple(blocks)),
                meta={"title": f"Article {i}", "authors": ["A. Writer"]},
                warc=WarcLocation("bench.warc.gz", i * 5000, 5000, f"<urn:uuid:{i}>"),
                blocks=blocks_to_json(tuple(blocks)),
            ))


def _naive(store_dir: str, fmt: str, out_path: str) -> None:
    """The anchor: everything in memory first, then one write."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from crawler.export import FIELD_NAMES, arrow_schema
    from crawler.store import open_store

    with open_store(store_dir) as store:
        rows = [a.to_dict() for a in store.iter_articles()]
    if fmt != "jsonl":  # flat formats hold the blocks as JSON text
        rows = [{**r, "blocks": json.dumps(r["blocks"], ensure_ascii=False)} for r in rows]
    if fmt == "jsonl":
        Path(out_path).write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, FIELD_NAMES)
        writer.writeheader()
        writer.writerows(rows)
        Path(out_path).write_text(buffer.getvalue())
    else:
        pq.write_table(pa.Table.from_pylist(rows, schema=arrow_schema()), out_path)


def _stream(store_dir: str, fmt: str, out_path: str) -> None:
    """Ours: the same code path as `crawler export`."""
    from crawler.export import export_articles
    from crawler.store import open_store

    with open_store(store_dir) as store, open(out_path, "wb") as out:
        export_articles(store.iter_articles(), fmt, out)


def child(mode: str, store_dir: str, fmt: str, out_path: str) -> None:
    """Run one export and print ``peak_kb seconds``."""
    started = time.perf_counter()
    (_naive if mode == "naive" else _stream)(store_dir, fmt, out_path)
    elapsed = time.perf_counter() - started
    print(peak_rss_kb(), f"{elapsed:.3f}")


def measure(mode: str, store_dir: Path, fmt: str, out: Path) -> tuple[float, float]:
    """Peak RSS (MB) and seconds of one export in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.export_memory", "--child", mode, str(store_dir), fmt,
         str(out)],
        capture_output=True, text=True, check=True, timeout=600,
    )
    peak_kb, seconds = result.stdout.split()
    return int(peak_kb) / 1024, float(seconds)


def main(argv: list[str] | None = None) -> int:
    """Build both stores, measure every (mode, format, size), print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=10000)
    parser.add_argument("--child", nargs=4, metavar=("MODE", "STORE", "FORMAT", "OUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sizes = (args.small, args.large)
        for size in sizes:
            print(f"building a store of {size} articles...", file=sys.stderr)
            build_store(root / f"s{size}", size)
        print(f"{'format':8} {'mode':7} " + " ".join(f"{f'peak MB @{n}':>14}" for n in sizes)
              + f" {'growth':>8} {'rows/s @' + str(args.large):>14}")
        for fmt in FORMATS:
            for mode in ("stream", "naive"):
                peaks, rate = [], 0.0
                for size in sizes:
                    peak, seconds = measure(mode, root / f"s{size}", fmt, root / f"out.{fmt}")
                    peaks.append(peak)
                    rate = size / seconds if seconds else 0.0
                label = "stream" if mode == "stream" else "naive*"
                print(f"{fmt:8} {label:7} " + " ".join(f"{p:14.1f}" for p in peaks)
                      + f" {peaks[1] / peaks[0]:7.2f}x {rate:14,.0f}")
    print("* anchor: every article loaded into memory, then written at once (same run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
