"""The archive browser served by ``crawler replay`` next to pywb: search, articles, diffs.

:class:`BrowseApp` is a read-only WSGI application over the archive folder's text store;
:func:`mount` puts it in front of pywb's application in pywb's own server process.
"""
