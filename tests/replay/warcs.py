"""Small hand-made WARCs for the replay and WACZ tests (what a crawl writes, built with warcio)."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


@dataclass
class Page:
    """One archived HTML page: its URL, body, capture date and how it was sent on the wire."""

    url: str
    title: str
    paragraph: str
    date: str = "2026-01-02T03:04:05Z"
    chunked: bool = False
    gzipped: bool = False

    @property
    def html(self) -> bytes:
        """The page body as the server produced it (before content coding)."""
        return (
            "<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f"<title>{self.title}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{self.title}</h1><p>{self.paragraph}</p></article>"
            "</body></html>"
        ).encode()


def _chunk(data: bytes, size: int = 40) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(data[i : i + size]), data[i : i + size])
             for i in range(0, len(data), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def wire_response(page: Page) -> bytes:
    """The raw HTTP response bytes for a page (status line, headers, body as sent)."""
    body = gzip.compress(page.html, mtime=0) if page.gzipped else page.html
    headers = [b"HTTP/1.1 200 OK", b"Content-Type: text/html; charset=utf-8"]
    if page.gzipped:
        headers.append(b"Content-Encoding: gzip")
    if page.chunked:
        headers.append(b"Transfer-Encoding: chunked")
        body = _chunk(body)
    else:
        headers.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(headers) + b"\r\n\r\n" + body


def wire_payload(page: Page) -> bytes:
    """The response's payload as archived (content coding and chunking kept)."""
    return wire_response(page).split(b"\r\n\r\n", 1)[1]


def write_warc(path: Path, pages: list[Page], revisits: list[tuple] = ()) -> dict:
    """Write pages (request + response) then revisits ``(original page, new date[, "304"])``.

    A "304" revisit is a server-not-modified one holding the 304 answer's headers, as a
    conditional re-crawl writes it; others are identical-payload-digest revisits.

    Returns ``{url: {"record_id", "digest"}}`` of the response records.
    """
    written: dict[str, dict] = {}
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=path.name.endswith(".gz"), warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        for page in pages:
            written[page.url] = _write_exchange(writer, page)
        for page, date, *status in revisits:
            written[(page.url, date)] = _write_revisit(writer, page, written[page.url], date,
                                                       status[0] if status else "200")
    return written


def _write_revisit(writer: WARCWriter, page: Page, original: dict, date: str, status: str):
    if status == "304":
        headers = StatusAndHeaders("304 Not Modified", [("ETag", '"v1"')], protocol="HTTP/1.1")
    else:
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
    record = writer.create_revisit_record(
        page.url, original["digest"], page.url, page.date, http_headers=headers,
        warc_headers_dict={"WARC-Date": date},
    )
    if status == "304":
        record.rec_headers.replace_header(
            "WARC-Profile", "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
        )
    writer.write_record(record)
    return {"record_id": record.rec_headers.get_header("WARC-Record-ID")}


def _write_exchange(writer: WARCWriter, page: Page) -> dict:
    response = writer.create_warc_record(
        page.url,
        "response",
        payload=BytesIO(wire_response(page)),
        warc_headers_dict={"WARC-Date": page.date},
    )
    host = page.url.split("/")[2]
    path = "/" + page.url.split("/", 3)[3] if page.url.count("/") >= 3 else "/"
    req_bytes = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    request = writer.create_warc_record(
        page.url,
        "request",
        payload=BytesIO(req_bytes),
        warc_headers_dict={"WARC-Date": page.date},
    )
    request.rec_headers.add_header(
        "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
    )
    writer.write_record(response)
    writer.write_record(request)
    return {
        "record_id": response.rec_headers.get_header("WARC-Record-ID"),
        "digest": response.rec_headers.get_header("WARC-Payload-Digest"),
    }


def sample_pages(host: str = "news.example") -> list[Page]:
    """Four article pages covering plain, chunked, gzip and gzip+chunked responses."""
    base = f"http://{host}"
    return [
        Page(f"{base}/2026/01/plain-story.html", "Plain story headline",
             "The council met on Tuesday to approve the new bridge."),
        Page(f"{base}/2026/01/chunked-story.html", "Chunked story headline",
             "Rain is expected across the north for the rest of the week.", chunked=True),
        Page(f"{base}/2026/01/gzip-story.html", "Gzip story headline",
             "The museum reopened its east wing after two years of repairs.", gzipped=True),
        Page(f"{base}/2026/01/both-story.html", "Gzip chunked headline",
             "Local bakers won three prizes at the regional fair.", chunked=True, gzipped=True),
    ]
