"""Test suite (a regular package: pywb installs a top-level `tests` package that would shadow it)."""
