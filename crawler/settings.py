"""Scrapy settings of the project: polite defaults plus the project's own components.

Every project setting has a prefix naming its component: ``WARC_*`` (WARC writing, see
crawler/shell/extensions/warc.py), ``EXTRACT_*`` (extraction, crawler/shell/spiders/news.py),
``STORE_*`` (cleaned-text store, crawler/shell/pipelines/store.py), ``PROGRESS_*``
(crawler/shell/extensions/progress.py). ``ARCHIVE_DIR`` is the output folder all of them share.
"""

from crawler import __version__

BOT_NAME = "crawler"
SPIDER_MODULES = ["crawler.shell.spiders"]
NEWSPIDER_MODULE = "crawler.shell.spiders"

# --- Output -------------------------------------------------------------------------------
#: Folder for WARCs (warc/), CDXJ indexes (indexes/) and the text store (articles.sqlite).
ARCHIVE_DIR = "archives"
#: Set by the runner for each crawl (a UUID); stored with every record and article.
CRAWL_ID = ""

# --- The news spider (crawler/shell/spiders/news.py; docs/crawl.md) -------------------------------
#: Seed URLs: home/section pages, RSS/Atom feeds, sitemaps (the runner sets them; recorded in
#: the warcinfo record).
CRAWL_SEEDS: list[str] = []
#: Hosts to stay on (subdomains included); empty means the seeds' hosts.
CRAWL_ALLOWED_DOMAINS: list[str] = []
#: Site name stored with every page; empty means the page's host.
CRAWL_SITE_NAME = ""
#: Fetch at most this many pages per site (0: no limit); robots.txt fetches are not counted.
CRAWL_MAX_PAGES = 0
#: Discovery routes: links in pages, feeds linked from pages, sitemaps listed in robots.txt.
CRAWL_FOLLOW_LINKS = True
CRAWL_USE_FEEDS = True
CRAWL_USE_SITEMAPS = True
#: Links taken from one page at most (hostile pages with 100,000 links).
CRAWL_MAX_LINKS_PER_PAGE = 2000
#: Page requisites (crawler/frontier/requisites.py; docs/crawl.md): what each HTML page needs
#: to render is fetched and archived too, once per crawl, on any public host. Kinds, from
#: stylesheet, script, font, image, media (video/audio), other ("all"; "off" for text only).
CRAWL_REQUISITES = "stylesheet,script,font,image"
#: Requisites taken from one page (or stylesheet) at most.
CRAWL_REQUISITES_PER_PAGE = 200
#: Bytes one requisite may have: a bigger one is cut off, archived as truncated and counted.
CRAWL_REQUISITE_MAX_SIZE = 10 * 1024 * 1024
#: Bytes of requisites a crawl fetches at most (0: no limit); then they are counted, not fetched.
CRAWL_REQUISITES_MAX_BYTES = 2 * 1024**3
#: Seconds a requisite may take (connect to last byte): unreachable CDNs fail fast.
CRAWL_REQUISITE_TIMEOUT = 10.0
#: A requisite fetched this recently is reused by the next crawl; older ones are asked for
#: with their validators (a 304 becomes a revisit record). "0": always ask.
CRAWL_REQUISITES_FRESH_FOR = "1d"
#: Page analysis processes (parse, links, extraction): "auto" = one per core; 0 = inline.
EXTRACT_WORKERS = "auto"
#: Articles of a site are held back until the site has been seen on this many pages, then
#: extracted again with the learned boilerplate profile (so early pages come out clean too).
EXTRACT_WARMUP_PAGES = 8
#: ...but at most this many held pages per site (then they go with the profile so far).
EXTRACT_MAX_HELD = 64
#: Pages with less body text than this are not articles.
EXTRACT_MIN_ARTICLE_CHARS = 200

# --- Progress display (crawler/shell/extensions/progress.py) --------------------------------------
PROGRESS_ENABLED = True
#: Seconds between redraws of the live table on a terminal.
PROGRESS_INTERVAL = 1.0
#: Seconds between plain progress lines when the output is not a terminal.
PROGRESS_LOG_INTERVAL = 10.0

# --- Politeness (on by default; a test or benchmark may turn delays off with -s) ------------
ROBOTSTXT_OBEY = True
USER_AGENT = (
    f"newsarchiver/{__version__} (+https://github.com/newsarchiver/newsarchiver; "
    "news archiving crawler)"
)
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
# A floor, not an average: Scrapy would wait 0.5 to 1.5 x DOWNLOAD_DELAY (so 0.25 s for 0.5 s),
# and AutoThrottle's delay (never below DOWNLOAD_DELAY) would be cut the same way.
RANDOMIZE_DOWNLOAD_DELAY = False
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DEPTH_LIMIT = 4
# Breadth-first: list pages near the seed before deep link chains (newer articles first).
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
# Hostile pages: cap bodies (the WARC still records what was received, marked truncated).
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
# A silent or dripping server costs at most (1 + RETRY_TIMEOUT_TIMES) x DOWNLOAD_TIMEOUT per
# URL: DOWNLOAD_TIMEOUT caps a response's whole duration (connect to last byte), and a timeout
# is retried once (other failures RETRY_TIMES times; crawler/shell/retry.py).
DOWNLOAD_TIMEOUT = 30
# Scrapy waits 60 s for a name to resolve: a dead DNS server (or a requisite's dead CDN host)
# would hold a slot for a minute per host. A working resolver answers in well under a second.
DNS_TIMEOUT = 10
RETRY_TIMES = 2
RETRY_TIMEOUT_TIMES = 1
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# --- Wire capture and WARC writing -----------------------------------------------------------
# The download handler taps the connection's bytes so the WARC holds exactly what crossed
# the wire; the spider still gets Scrapy's normal decoded Response.
DOWNLOAD_HANDLERS = {
    "http": "crawler.shell.handlers.WireCaptureDownloadHandler",
    "https": "crawler.shell.handlers.WireCaptureDownloadHandler",
}
WARC_ENABLED = True
#: First part of WARC file names: {prefix}-{UTC timestamp}-{serial}-{hostname}-{pid}.warc.gz
WARC_PREFIX = "crawl"
#: Start a new WARC file once the current one reaches this many bytes.
WARC_MAX_SIZE = 1024**3
#: Compress each record as its own gzip member (.warc.gz); False writes plain .warc.
WARC_GZIP = True
#: Write a payload seen before for the same URL (this or an earlier crawl) as a revisit record.
WARC_DEDUP = True
#: Rows kept in the dedup index (ARCHIVE_DIR/indexes/warc-dedup.sqlite); oldest dropped first.
WARC_DEDUP_MAX_ENTRIES = 2_000_000
#: Keep a CDXJ index of each finished WARC in ARCHIVE_DIR/indexes/.
WARC_CDXJ = True
#: fsync after every record (survives power loss, not just a crash; slower).
WARC_FSYNC = False

# --- Components ----------------------------------------------------------------------------
EXTENSIONS = {
    "crawler.shell.extensions.warc.WarcWriterExtension": 100,
    "crawler.shell.extensions.progress.ProgressExtension": 500,
    "crawler.shell.extensions.memory.MemoryTrimExtension": 900,
}
#: Seconds between returns of the C heap's free pages to the system (0: never).
MEMORY_TRIM_INTERVAL = 30.0
ITEM_PIPELINES = {
    "crawler.shell.pipelines.store.StorePipeline": 500,
}

# --- Cleaned-text store (crawler/shell/pipelines/store.py; docs/store.md) -------------------------
STORE_ENABLED = True
#: SQLite file of the store; empty means ARCHIVE_DIR/articles.sqlite.
STORE_PATH = ""
#: Also write each new article version's cleaned text into the WARC as a `conversion` record.
STORE_CONVERSION_RECORDS = True
#: Store writes per SQLite commit (batched so the store keeps up with a fast crawl).
STORE_COMMIT_EVERY = 500
#: Seconds after which a batch is committed even if no page follows it (0: only by count), so
#: readers of the store see a slow crawl's pages within about this time.
STORE_COMMIT_IDLE = 2.0

# --- Crawl policy (crawler/frontier/, adapted by crawler/shell/scheduler.py; docs/crawl.md) -------
# The frontier decides what to fetch: seen set, priorities, page budget, pages parked until
# sources are read, incremental decisions. In one process it lives in a scratch SQLite file;
# with FRONTIER_REDIS_URL it is shared by any number of worker processes on any machines.
SCHEDULER = "crawler.shell.scheduler.FrontierScheduler"
DOWNLOADER_MIDDLEWARES = {
    # After RobotsTxtMiddleware (100): disallowed URLs cost no page of the budget.
    "crawler.shell.middlewares.FrontierMiddleware": 130,
    # Before RobotsTxtMiddleware: a requisite host that cannot be reached fails fast.
    "crawler.shell.middlewares.RequisiteHostsMiddleware": 95,
    # Timeouts get their own, smaller retry budget (crawler/shell/retry.py).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.shell.retry.TimeoutRetryMiddleware": 550,
    # Scrapy's decodes every whole page to find a refresh tag in its head
    # (crawler/shell/metarefresh.py).
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.shell.metarefresh.HeadMetaRefreshMiddleware": 580,
    # Redirect loops are given up as such and counted (crawler/shell/redirects.py).
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.shell.redirects.LoopGuardRedirectMiddleware": 600,
    # Scrapy's decodes br with whatever `import brotli` finds: pywb's brotlipy, which fails
    # (crawler/shell/compression.py).
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.shell.compression.DecodingMiddleware": 590,
}
#: redis://HOST:PORT/DB of a shared crawl (`crawler crawl --redis`); empty: this process only.
FRONTIER_REDIS_URL = ""
#: Name of the shared crawl in Redis; empty: derived from the site name and seeds.
FRONTIER_CRAWL = ""
#: Seconds between a worker's heartbeats in a shared crawl.
FRONTIER_HEARTBEAT = 2.0
#: Seconds without a heartbeat after which a worker counts as dead and its tasks are requeued.
FRONTIER_LEASE_TIMEOUT = 30.0
#: Seconds a worker waits for Redis to answer again before it stops with an error.
FRONTIER_REDIS_WAIT = 30.0

# --- Incremental crawling (crawler/frontier/incremental.py; docs/schedule.md) -----------------
# A crawl into an archive that already holds captures fetches seeds, feeds, sitemaps and list
# pages, new articles, and archived articles only when due for a revisit or when a sitemap
# lastmod / feed date says they changed; revisits are conditional requests.
INCREMENTAL_ENABLED = True
#: Fetch every article again, archived or not (`crawler crawl --full` sets it).
INCREMENTAL_FULL = False
#: Revisit an article this long after its publication (or first capture), to catch corrections.
INCREMENTAL_REVISIT_AFTER = "1h,6h,1d,1w"
#: Task roles (CrawlTask.role) the policy applies to; seeds/feeds/sitemaps/lists never.
INCREMENTAL_ROLES = ["article", "unknown"]
#: Send If-None-Match / If-Modified-Since on revisits (a 304 becomes a WARC revisit record).
INCREMENTAL_CONDITIONAL = True
#: Forget fetch-log rows of URLs not fetched for this long (keeps the state bounded).
INCREMENTAL_FORGET_AFTER = "90d"
#: Also revisit due articles no seed, feed or sitemap links any more (site crawls only).
INCREMENTAL_REVISIT_UNLINKED = True
#: At most this many such unlinked revisits per crawl.
INCREMENTAL_MAX_REVISITS = 1000
