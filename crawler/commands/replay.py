"""(placeholder) The replay subcommand, not written yet."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the subcommand's arguments."""


def run(args: argparse.Namespace) -> int:
    """Run the subcommand."""
    raise NotImplementedError("replay is not written yet")
