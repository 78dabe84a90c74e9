"""Exceptions shared by the CLI and the pure core."""


class UserError(Exception):
    """Bad input from the user (URL, config, path): the CLI prints it as one line and exits 2.

    The message must name the problem and say how to fix it.
    """

    exit_code = 2


class PartialFailure(UserError):
    """Part of the work failed, the rest is kept: printed as one line, exit status 1."""

    exit_code = 1


class ArchiveError(Exception):
    """A WARC file could not be written or read."""


class StoreNotFound(UserError, FileNotFoundError):
    """A reader asked for an article store that does not exist (readers never create one)."""


class ContentDecodingError(Exception):
    """A response body could not be decoded (a bad or too large ``br``/``gzip`` stream)."""
