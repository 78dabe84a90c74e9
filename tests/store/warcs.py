"""Test helpers shared by the store, re-extraction and export tests: WARCs and page records."""

from __future__ import annotations

import random
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.store import PageRecord, WarcLocation

LOREM = (
    "The city council met on Tuesday evening to discuss the new budget for the coming year. "
    "Members argued for hours about funding for schools, roads and the public library, "
    "and residents filled the hall to speak for and against the proposals. "
)


_WORDS = (
    "council budget river harbour school library mayor road bridge market festival train "
    "station museum hospital weather storm court police park garden teacher farmer election "
    "report vote plan city town village county street night morning week year residents"
).split()


def unique_text(seed: int, sentences: int = 10) -> str:
    """Prose no other seed shares (site learning would strip text repeated across pages)."""
    rng = random.Random(seed)
    out = []
    for _ in range(sentences):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(9, 16))]
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


def article_html(title: str, body: str, extra: str = "") -> bytes:
    """A small but real article page: headline, byline, date and paragraphs."""
    paragraphs = "".join(f"<p>{part.strip()}.</p>" for part in body.split(". ") if part.strip())
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title>"
        "<meta property='og:type' content='article'>"
        "<meta property='article:published_time' content='2026-11-20T08:00:00Z'>"
        "</head><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{title}</h1><p class='byline'>By Ann Writer</p>{paragraphs}</article>"
        f"{extra}<footer>Copyright Example News</footer></body></html>"
    ).encode()


def write_warc(path: Path, pages: list[tuple[str, bytes, str]], gzip: bool = True) -> list[dict]:
    """Write response records (url, html, WARC-Date) to ``path``; return their locations."""
    locations = []
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        for url, body, date in pages:
            http = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                url, "response", payload=BytesIO(body), http_headers=http,
                warc_headers_dict={"WARC-Date": date},
            )
            offset = out.tell()
            writer.write_record(record)
            locations.append({
                "filename": path.name,
                "offset": offset,
                "length": out.tell() - offset,
                "record_id": record.rec_headers.get_header("WARC-Record-ID"),
                "payload_digest": record.rec_headers.get_header("WARC-Payload-Digest"),
                "date": date,
                "record_type": "response",
            })
    return locations


def page_record(url: str, text: str, fetched_at: str, warc: dict | None = None, **kw) -> PageRecord:
    """A PageRecord for an article (or, with ``is_article=False``, a list page)."""
    is_article = kw.pop("is_article", True)
    meta = {"title": kw.pop("title", f"Title of {url}"), "authors": ["Ann Writer"],
            "published": "2026-11-20T08:00:00Z", "published_source": "meta"}
    return PageRecord(
        url=url,
        site=kw.pop("site", "example"),
        fetched_at=fetched_at,
        crawl_id=kw.pop("crawl_id", "crawl-1"),
        is_article=is_article,
        page_reason="long text in <article>" if is_article else "many links, little text",
        discard_reason=None if is_article else "list page",
        extractor_version="test-1",
        warc=WarcLocation.from_dict(warc),
        text=text if is_article else "",
        meta=meta,
        **kw,
    )
