"""Run a tiny crawl of given URLs with the project's settings (used by tests in a subprocess).

    python -m tests.warc.crawl_helper ARCHIVE_DIR RESULT_JSON URL... [-s NAME=VALUE ...]

The spider follows redirects as Scrapy does and records, per response, the status, the decoded
body's sha1 and the WARC location it saw (``CrawlTask.warc``), into RESULT_JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler import settings as project_settings
from crawler.frontier import TASK_META_KEY


def _warc(meta: dict) -> dict | None:
    """Where the WARC extension archived the exchange (set on the request's crawl task)."""
    task = meta.get(TASK_META_KEY)
    return task.warc if task is not None else None


class WireTestSpider(scrapy.Spider):
    """Fetches the given URLs and records what the callback saw."""

    name = "wiretest"

    def __init__(self, urls: list[str], result_path: str, **kwargs):
        super().__init__(**kwargs)
        self.urls = urls
        self.result_path = result_path
        self.seen: list[dict] = []

    async def start(self):
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.failed, dont_filter=True)

    def parse(self, response):
        self.seen.append({
            "url": response.url,
            "status": response.status,
            "body_sha1": hashlib.sha1(response.body).hexdigest(),
            "headers": {k.decode(): [v.decode("latin-1") for v in vs]
                        for k, vs in response.headers.items()},
            "warc_record": _warc(response.meta),
        })

    def failed(self, failure):
        request = failure.request
        self.seen.append({"url": request.url, "error": failure.type.__name__,
                          "warc_record": _warc(request.meta)})

    def closed(self, reason):
        with open(self.result_path, "w") as fh:
            json.dump(self.seen, fh)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("archive")
    parser.add_argument("result")
    parser.add_argument("urls", nargs="+")
    parser.add_argument("-s", dest="settings", action="append", default=[])
    args = parser.parse_args()
    settings = Settings()
    settings.setmodule(project_settings)
    settings.update({
        "ARCHIVE_DIR": args.archive, "SPIDER_MODULES": [], "ITEM_PIPELINES": {},
        "EXTENSIONS": {"crawler.shell.extensions.warc.WarcWriterExtension": 100},
        "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "RETRY_ENABLED": False,
        "LOG_LEVEL": "WARNING", "HTTPERROR_ALLOW_ALL": True, "DOWNLOAD_TIMEOUT": 10,
        "CRAWL_SEEDS": args.urls, "CRAWL_ID": "wire-test",
        # A plain spider: Scrapy's own scheduler (the frontier serves the news spider).
        "SCHEDULER": "scrapy.core.scheduler.Scheduler", "DOWNLOADER_MIDDLEWARES": {},
    })
    for item in args.settings:
        name, _, value = item.partition("=")
        settings.set(name, json.loads(value) if value.startswith(("{", "[")) else value)
    process = CrawlerProcess(settings)
    process.crawl(WireTestSpider, urls=args.urls, result_path=args.result)
    process.start()


if __name__ == "__main__":
    main()
