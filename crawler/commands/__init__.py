"""One module per ``crawler`` subcommand: ``add_arguments(parser)`` and ``run(args) -> int``."""
