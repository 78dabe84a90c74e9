"""HTML bytes or text to an lxml tree: encoding detection, size cap, broken-HTML repair."""

from __future__ import annotations

import codecs
import re
from typing import cast

import lxml.etree
import lxml.html

from crawler.extract.model import Document, ExtractOptions

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# <meta charset="x"> and <meta http-equiv="Content-Type" content="text/html; charset=x">.
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,400}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:\-]{1,40})""", re.IGNORECASE
)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Control characters libxml2 rejects or that only appear in binary junk.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The same characters as UTF-8 bytes below 0x20 (no other character encodes to such a byte).
_CONTROL_UTF8 = bytes(b for b in range(32) if b not in (9, 10, 13))
# Bytes that never occur in text (tabs and line ends excepted).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13))
# Encodings a page may declare but that would be unsafe to trust (they decode anything).
_SINGLE_BYTE_ALIASES = {"ascii", "us-ascii", "iso-8859-1", "latin-1", "latin1", "windows-1252"}


def normalize_encoding(name: str | None) -> str | None:
    """Return Python's canonical codec name for a declared charset, or None if unknown."""
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    if name in _SINGLE_BYTE_ALIASES:
        # Browsers read latin-1 and ascii declarations as windows-1252 (WHATWG encoding spec).
        return "cp1252"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def sniff_meta_charset(data: bytes) -> str | None:
    """Return the charset declared in a <meta> tag near the top of the page, if any."""
    match = _META_CHARSET.search(data[:8192])
    return normalize_encoding(match.group(1).decode("ascii", "ignore")) if match else None


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeError, LookupError, ValueError, TypeError):
        # Non-text codecs (base64, zlib) and odd ones (punycode) raise more than decode errors.
        return None


def decode_html(data: bytes, http_encoding: str | None = None) -> tuple[str, str]:
    """Decode page bytes: BOM, then HTTP charset, then <meta> charset, then content sniffing.

    Returns ``(text, encoding)``; never raises (undecodable bytes become U+FFFD).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, "replace"), encoding
    declared = normalize_encoding(http_encoding) or sniff_meta_charset(data)
    if declared == "utf-16" or (declared or "").startswith("utf-16"):
        # A page we could read as ASCII to find its meta tag is not UTF-16: the declaration lies.
        declared = None
    is_utf8 = _try_decode(data, "utf-8")
    if declared and declared != "utf-8":
        # Valid multi-byte UTF-8 almost never happens by accident: trust it over a wrong label.
        if is_utf8 is not None and not is_utf8.isascii():
            return is_utf8, "utf-8"
        text = _try_decode(data, declared)
        if text is not None:
            return text, declared
    if is_utf8 is not None:
        return is_utf8, "utf-8"
    return data.decode("cp1252", "replace"), "cp1252"


_LOOKUP = lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


def _parse_text(text: str, data: bytes | None = None) -> lxml.html.HtmlElement | None:
    # libxml2 stops nesting at 256 levels (without XML_PARSE_HUGE), which bounds every
    # later walk of the tree on hostile pages; deeper content is dropped.
    # ``data``, when given, is ``text`` as UTF-8 (the page's own bytes): not encoded again.
    declaration = _XML_DECL.match(text)
    if declaration:
        text, data = text[declaration.end() :], None
    if data is None:
        data = text.encode("utf-8", "replace")
    if _has_control(text, data):
        text = _CONTROL.sub("", text)
        data = text.encode("utf-8", "replace")
    if not text.strip():
        return None
    # No ID table (collect_ids): nothing looks elements up by XPath id(), and building it
    # costs a tenth of the parse.
    parser = lxml.etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, recover=True, collect_ids=False
    )
    # Every element is an HtmlElement, chosen in C: lxml.html's own lookup (form, input,
    # label classes) is a Python call for each element the extractor touches, a fifth of
    # its time, and nothing here uses those classes.
    parser.set_element_class_lookup(_LOOKUP)
    try:
        # Bytes in a fixed encoding: lxml rejects str input that carries its own declaration.
        root = lxml.etree.fromstring(data, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None
    return cast("lxml.html.HtmlElement | None", root)


def _has_control(text: str, data: bytes) -> bool:
    """``_CONTROL.search(text)``, answered from the UTF-8 bytes (a regex scan costs 5x more)."""
    if "\ufffe" in text or "\uffff" in text:
        return True
    return len(data.translate(None, _CONTROL_UTF8)) != len(data)


def parse_document(
    html: bytes | str | None, url: str | None = None, options: ExtractOptions | None = None
) -> Document:
    """Parse a page into a :class:`Document`; never raises on bad input.

    Args:
        html: the page, as bytes (encoding detected) or text.
        url: the page's URL, kept for later stages.
        options: extractor options (size cap, HTTP charset).

    Returns:
        A Document whose ``tree`` is None (and ``error`` set) when nothing could be parsed.
    """
    options = options or ExtractOptions()
    if not html:
        return Document(tree=None, url=url, error="empty: the page has no content")
    truncated = len(html) > options.max_html_bytes
    if truncated:
        html = html[: options.max_html_bytes]
    if isinstance(html, bytes):
        if _looks_binary(html):
            return Document(tree=None, url=url, error="binary: the page is not HTML text")
        text, encoding = decode_html(html, options.http_encoding)
        # Read as UTF-8 without a BOM: the text is a strict decoding of the bytes, which
        # can go to libxml2 as they are.
        utf8 = encoding == "utf-8" and not html.startswith(codecs.BOM_UTF8)
        data = html if utf8 else None
    else:
        text, encoding, data = html, None, None
    tree = _parse_text(text, data)
    if tree is None:
        return Document(tree=None, url=url, encoding=encoding, error="empty: no HTML in the page")
    source = data if data is not None else text
    return Document(tree=tree, url=url, encoding=encoding, truncated=truncated, source=source)


def reparse(doc: Document) -> Document | None:
    """A fresh copy of ``doc`` parsed again from its source (its tree may have been pruned)."""
    if doc.source is None:
        return None
    if isinstance(doc.source, bytes):
        tree = _parse_text(doc.source.decode("utf-8", "replace"), doc.source)
    else:
        tree = _parse_text(doc.source, None)
    if tree is None:
        return None
    return Document(tree, doc.url, doc.encoding, doc.truncated, None, doc.source)


def _looks_binary(data: bytes) -> bool:
    """True for images, archives and other non-text payloads (many NULs or control bytes)."""
    head = data[:4096]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return False  # UTF-16 text has NULs by design
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > len(head) * 0.1
