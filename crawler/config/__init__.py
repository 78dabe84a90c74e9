"""Configuration checked before a crawl starts: sites files and the settings check.

It may import the core packages and Scrapy's settings objects, never the shell or processes.
"""
