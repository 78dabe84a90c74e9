"""The Scrapy shell: spiders, the wire-capturing download handler, middlewares, the frontier's
scheduler adapter, extensions, pipelines, items and signals.

It adapts the pure core to Scrapy and holds no crawl policy of its own. It may import scrapy,
twisted and every core package (archive, extract, store, discovery, frontier, incremental,
syndication), ``crawler.config`` and ``crawler.analysis``; the core never imports it.
"""
