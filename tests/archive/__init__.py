"""Tests of the pure WARC archiving core (crawler.archive)."""
