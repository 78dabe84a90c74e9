"""Scrapy settings of the project: polite defaults plus the project's own components.

Every project setting has a prefix naming its component: ``WARC_*`` (WARC writing, see
crawler/extensions/warc.py), ``EXTRACT_*`` (extraction, crawler/spiders/news.py),
``STORE_*`` (cleaned-text store, crawler/pipelines/store.py), ``PROGRESS_*``
(crawler/extensions/progress.py). ``ARCHIVE_DIR`` is the output folder all of them share.
"""

from crawler import __version__

BOT_NAME = "crawler"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- Output -------------------------------------------------------------------------------
#: Folder for WARCs (warc/), CDXJ indexes (indexes/) and the text store (articles.sqlite).
ARCHIVE_DIR = "archives"
#: Set by the runner for each crawl (a UUID); stored with every record and article.
CRAWL_ID = ""

# --- Politeness (on by default; a test or benchmark may turn delays off with -s) ------------
ROBOTSTXT_OBEY = True
USER_AGENT = (
    f"newsarchiver/{__version__} (+https://github.com/newsarchiver/newsarchiver; "
    "news archiving crawler)"
)
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DEPTH_LIMIT = 4
# Hostile pages: cap bodies (the WARC still records what was received, marked truncated).
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
DOWNLOAD_TIMEOUT = 60
RETRY_TIMES = 2
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# --- Wire capture and WARC writing -----------------------------------------------------------
# The download handler taps the connection's bytes so the WARC holds exactly what crossed
# the wire; the spider still gets Scrapy's normal decoded Response.
DOWNLOAD_HANDLERS = {
    "http": "crawler.handlers.WireCaptureDownloadHandler",
    "https": "crawler.handlers.WireCaptureDownloadHandler",
}
WARC_ENABLED = True

# --- Components ----------------------------------------------------------------------------
EXTENSIONS = {
    "crawler.extensions.warc.WarcWriterExtension": 100,
    "crawler.extensions.progress.ProgressExtension": 500,
}
ITEM_PIPELINES = {
    "crawler.pipelines.store.StorePipeline": 500,
}
