"""HTTP content decoding: Scrapy's, with a Brotli that works and every failure reported.

Scrapy's HttpCompressionMiddleware decodes ``br`` with whatever ``import brotli`` finds, and
pywb's ``brotlipy`` shadows Google's Brotli there (crawler/archive/brotlidecode.py), so every
page sent as ``br`` was lost as an "other" error with neither URL nor cause in the log. This
middleware decodes ``br`` with the archive's capped decoder (the one that also caps warcio's
reads), capped at ``DOWNLOAD_MAXSIZE``, and turns any failure to decode a body
(corrupt or truncated stream, more than ``DOWNLOAD_MAXSIZE`` decoded) into a
:class:`~crawler.exceptions.ContentDecodingError` that is logged with the URL and the cause
and counted as ``errors/decoding`` (the raw bytes are in the WARC already).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

from crawler.archive.brotlidecode import DecodedTooLarge, unbrotli
from crawler.exceptions import ContentDecodingError

logger = logging.getLogger(__name__)


class DecodingMiddleware(HttpCompressionMiddleware):
    """Decode gzip, deflate, br and zstd bodies; a body that cannot be decoded is an error."""

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        """Decode as Scrapy does; raise ContentDecodingError (logged) if the body is broken."""
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:  # Scrapy's "more than DOWNLOAD_MAXSIZE decoded"
            cause = f"more than DOWNLOAD_MAXSIZE ({self._max_size} bytes) once decoded"
            raise _failed(response, cause) from exc
        except DecodedTooLarge as exc:
            raise _failed(response, f"{exc} (DOWNLOAD_MAXSIZE)") from exc
        except Exception as exc:  # noqa: BLE001 - any decoder's error: a broken body
            raise _failed(response, f"{type(exc).__name__}: {exc}") from exc

    @staticmethod
    def _decode(body: bytes, encoding: bytes, max_size: int) -> bytes:
        if encoding == b"br":
            return unbrotli(body, max_size)
        return HttpCompressionMiddleware._decode(body, encoding, max_size)


def _failed(response: Response, cause: str) -> ContentDecodingError:
    """Log a body that could not be decoded, with its URL and the cause; the error to raise."""
    encoding = b",".join(response.headers.getlist("Content-Encoding")).decode("latin-1")
    message = f"cannot decode the {encoding or 'encoded'} body of {response.url}: {cause}"
    logger.error(message)
    return ContentDecodingError(message)
