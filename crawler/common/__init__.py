"""Small pure helpers the packages share: timestamps, durations, and pool workers that end
with the process that started them.

A leaf: it imports nothing of ``crawler`` and neither scrapy nor twisted.
"""
