"""Custom Scrapy signals sent by the project's components (no scrapy import needed here)."""

#: Sent by :class:`crawler.handlers.WireCaptureDownloadHandler` when one HTTP exchange is over,
#: successful or not, with keyword arguments ``exchange`` (a
#: :class:`crawler.archive.WireExchange`), ``request`` (the Scrapy Request) and ``response``
#: (the Scrapy Response, or None when the download failed).
#: The WARC extension writes the exchange and sets ``request.meta["warc_record"]``.
exchange_captured = object()
