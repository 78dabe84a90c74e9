"""(placeholder) Download handler that captures wire bytes; to be replaced by the WARC work."""

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler


class WireCaptureDownloadHandler(HTTP11DownloadHandler):
    """Placeholder: plain HTTP/1.1 handler until wire capture lands."""
