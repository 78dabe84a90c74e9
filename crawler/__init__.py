"""News crawler and web archiver: wire-exact WARCs plus cleaned article text, linked."""

__version__ = "0.1.0"
