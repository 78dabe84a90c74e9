"""Replay of an archive folder through pywb, the archive browser, and WACZ packaging.

Layer: above the pure core. It may import the core packages and ``crawler.settings``, never
scrapy, twisted, the shell, processes or commands.

Kept free of imports on purpose: ``crawler.replay.pywbapp`` (the pywb child process) must let
gevent patch the standard library before anything else is imported.
"""
