"""Scrapy item pipelines: the store pipeline (store.py)."""
