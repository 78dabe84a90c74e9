"""Hand-off of stored articles to other tools: JSONL, CSV, Parquet (streaming, pure).

Layer: pure core. It may import ``crawler.store``, ``crawler.extract``, ``crawler.common``
and ``crawler.exceptions``.
"""

from crawler.export.schema import FIELD_NAMES, FIELDS, arrow_schema, json_schema
from crawler.export.writers import FORMATS, export_articles, write_csv, write_jsonl, write_parquet

__all__ = [
    "FIELDS",
    "FIELD_NAMES",
    "FORMATS",
    "arrow_schema",
    "export_articles",
    "json_schema",
    "write_csv",
    "write_jsonl",
    "write_parquet",
]
