"""A minimal Scrapy crawl through the incremental middlewares, run in a subprocess by tests.

``python -m tests.incremental.minicrawl SPEC.json``: SPEC holds ``archive_dir``, ``hub`` (a
seed URL fetched first), ``requests`` (``url``, ``role``, ``lastmod``) yielded from the hub's
callback, ``settings`` and ``stats_out`` (where the crawl's stats are written as JSON).
"""

from __future__ import annotations

import json
import sys

import scrapy
from scrapy.crawler import CrawlerProcess


class MiniSpider(scrapy.Spider):
    """Fetches the hub, then yields the spec's requests from its callback."""

    name = "mini"

    def __init__(self, spec: dict, **kwargs):
        super().__init__(**kwargs)
        self.spec = spec

    async def start(self):
        yield scrapy.Request(self.spec["hub"], meta={"page_role": "seed", "site": "demo"})

    def parse(self, response):
        for entry in self.spec["requests"]:
            meta = {"page_role": entry.get("role", "article"), "site": "demo"}
            if entry.get("lastmod"):
                meta["discovered_lastmod"] = entry["lastmod"]
            yield scrapy.Request(entry["url"], meta=meta, callback=self.parse_article)

    def parse_article(self, response):
        return None


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
        "DOWNLOADER_MIDDLEWARES": {"crawler.middlewares.IncrementalMiddleware": 120},
        "SPIDER_MIDDLEWARES": {"crawler.middlewares.IncrementalSpiderMiddleware": 50},
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
