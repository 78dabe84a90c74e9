"""Running crawls as processes: the crawl runner, worker processes of a shared crawl
and a private redis-server.

It may import the Scrapy shell (``crawler.shell``), ``crawler.config`` and the core packages;
only ``crawler.commands`` and the shell import it.
"""
