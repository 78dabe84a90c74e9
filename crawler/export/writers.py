"""Streaming writers: article versions to JSONL, CSV or Parquet in constant memory."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from crawler.export.schema import FIELD_NAMES, JSON_TEXT_FIELDS, arrow_schema

#: Rows per Parquet row group (and per Arrow batch held in memory).
PARQUET_BATCH = 1000

FORMATS = ("jsonl", "csv", "parquet")


def _rows(articles: Iterable[Any], flat: bool = False) -> Iterable[dict[str, Any]]:
    """Articles (store objects or dicts) as dicts in schema order.

    ``flat`` (CSV, Parquet): nested fields (``blocks``) as compact JSON text.
    """
    for article in articles:
        data = article if isinstance(article, dict) else article.to_dict()
        row = {name: data.get(name) for name in FIELD_NAMES}
        if flat:
            for name in JSON_TEXT_FIELDS:
                row[name] = json.dumps(row[name] or [], ensure_ascii=False,
                                       separators=(",", ":"))
        yield row


def write_jsonl(articles: Iterable[Any], out: BinaryIO) -> int:
    """Write one JSON object per line (UTF-8); return the number of rows."""
    count = 0
    for row in _rows(articles):
        out.write(json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n")
        count += 1
    return count


#: What a spreadsheet takes for the start of a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(text: str) -> str:
    """A text cell a spreadsheet shows as text: a leading formula character gets a quote."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_value(value: Any) -> Any:
    """CSV cell: lists joined with '; ', booleans as true/false, None as empty, no formulas."""
    if isinstance(value, list | tuple):
        return _csv_text("; ".join(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _csv_text(value)
    return "" if value is None else value


def write_csv(articles: Iterable[Any], out: BinaryIO) -> int:
    """Write a header line and one CSV row per article (RFC 4180, UTF-8); return rows."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        writer = csv.writer(text)
        writer.writerow(FIELD_NAMES)
        count = 0
        for row in _rows(articles, flat=True):
            writer.writerow([_csv_value(v) for v in row.values()])
            count += 1
        text.flush()
    finally:
        text.detach()
    return count


def write_parquet(articles: Iterable[Any], out: BinaryIO) -> int:
    """Write a Parquet file, one row group per ``PARQUET_BATCH`` rows; return rows."""
    schema = arrow_schema()
    count = 0
    batch: list[dict[str, Any]] = []
    # pyarrow-stubs ask for an io.IOBase; PythonFile takes any binary file object (stdout too).
    sink = pa.PythonFile(out, mode="w")  # type: ignore[arg-type]
    with pq.ParquetWriter(sink, schema, compression="zstd") as writer:
        for row in _rows(articles, flat=True):
            batch.append(row)
            if len(batch) >= PARQUET_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
        if batch or count == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count


WRITERS: dict[str, Callable[[Iterable[Any], BinaryIO], int]] = {
    "jsonl": write_jsonl,
    "csv": write_csv,
    "parquet": write_parquet,
}


def export_articles(articles: Iterable[Any], fmt: str, out: BinaryIO) -> int:
    """Write articles to a binary stream in ``fmt`` (jsonl, csv, parquet); return rows."""
    try:
        writer = WRITERS[fmt]
    except KeyError:
        known = ", ".join(FORMATS)
        raise ValueError(f"unknown export format {fmt!r}: use one of {known}") from None
    return writer(articles, out)
