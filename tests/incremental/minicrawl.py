"""A minimal Scrapy crawl through the frontier's incremental policy, run in a subprocess by tests.

``python -m tests.incremental.minicrawl SPEC.json``: SPEC holds ``archive_dir``, ``hub`` (a
seed URL fetched first), ``requests`` (``url``, ``role``, ``lastmod``) yielded from the hub's
callback, ``settings`` and ``stats_out`` (where the crawl's stats are written as JSON).
"""

from __future__ import annotations

import json
import sys

import scrapy
from scrapy.crawler import CrawlerProcess

from crawler.discovery import Discovered
from crawler.frontier import TASK_META_KEY, CrawlTask
from crawler.shell.scheduler import frontier_for


class MiniSpider(scrapy.Spider):
    """Fetches the hub, then hands the spec's URLs to the frontier from its callback."""

    name = "mini"

    def __init__(self, spec: dict, **kwargs):
        super().__init__(**kwargs)
        self.spec = spec

    async def start(self):
        yield self.request_for(CrawlTask(self.spec["hub"], role="seed", site="demo"))

    def request_for(self, task):
        return scrapy.Request(task.url, callback=self.parse, errback=self.failed,
                              meta={TASK_META_KEY: task})

    def parse(self, response):
        found = [Discovered(e["url"], e.get("role", "article"), e.get("lastmod"))
                 for e in self.spec["requests"] if response.meta[TASK_META_KEY].role == "seed"]
        frontier = frontier_for(self.crawler)
        frontier.add_links(found, "sitemap", 1, "demo")
        frontier.release(response.meta[TASK_META_KEY])

    def failed(self, failure):
        frontier_for(self.crawler).release(failure.request.meta[TASK_META_KEY])


def main(spec_path: str) -> int:
    """Run one crawl described by the spec file."""
    with open(spec_path) as fh:
        spec = json.load(fh)
    settings = {
        "ARCHIVE_DIR": spec["archive_dir"],
        "ROBOTSTXT_OBEY": False,
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
        "HTTPERROR_ALLOWED_CODES": [304],
        "SCHEDULER": "crawler.shell.scheduler.FrontierScheduler",
        "DOWNLOADER_MIDDLEWARES": {"crawler.shell.middlewares.FrontierMiddleware": 130},
        **spec.get("settings", {}),
    }
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(MiniSpider)
    failures = []
    process.crawl(crawler, spec=spec).addErrback(failures.append)
    process.start()
    if failures:
        print(f"crawl failed: {failures[0].getErrorMessage()}", file=sys.stderr)
        return 1
    stats = {k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, int)}
    with open(spec["stats_out"], "w") as fh:
        json.dump(stats, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
