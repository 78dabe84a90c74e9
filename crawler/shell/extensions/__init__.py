"""Scrapy extensions: WARC writing (warc.py) and the progress display (progress.py)."""
