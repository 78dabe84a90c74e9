"""Replay of an archive folder through pywb: index refresh, pywb setup, the article listing.

Kept free of imports on purpose: ``crawler.replay.pywbapp`` (the pywb child process) must let
gevent patch the standard library before anything else is imported.
"""
