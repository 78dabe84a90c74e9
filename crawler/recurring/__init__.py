"""Scheduled crawls: when each site is due, the record of runs, and the foreground runner.

Layer: pure. It may import ``crawler.common`` and ``crawler.exceptions``; the ``schedule``
command runs crawls with it.
"""
