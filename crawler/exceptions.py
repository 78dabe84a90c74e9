"""Exceptions shared by the CLI and the pure core."""


class UserError(Exception):
    """Bad input from the user (URL, config, path): the CLI prints it as one line and exits 2.

    The message must name the problem and say how to fix it.
    """


class ArchiveError(Exception):
    """A WARC file could not be written or read."""
