"""Custom Scrapy signals sent by the project's components (no scrapy import needed here)."""

#: Sent by :class:`crawler.shell.handlers.WireCaptureDownloadHandler` when one HTTP exchange is
#: over, successful or not, with keyword arguments ``exchange`` (a
#: :class:`crawler.archive.WireExchange`), ``request`` (the Scrapy Request) and ``response``
#: (the Scrapy Response, or None when the download failed).
#: The WARC extension writes the exchange and sets ``task.warc`` on the request's CrawlTask.
exchange_captured = object()

#: Sent by a spider whose ``checks_seeds`` attribute is True once it knows whether a seed is
#: usable, with keyword arguments ``request`` (the seed's final request) and ``accepted``.
#: The WARC extension holds a seed's exchanges (and the robots.txt fetched before any seed
#: was usable) until then: a rejected seed (not HTML, feed or sitemap; an HTTP error) leaves
#: the archive untouched.
seed_checked = object()
