"""Scrapy spiders of the project (``scrapy list`` shows them)."""
