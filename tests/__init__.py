"""Test suite: a regular package, so the `tests` package pywb installs cannot shadow it."""
