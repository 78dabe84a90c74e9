"""One module per ``crawler`` subcommand: ``add_arguments(parser)`` and ``run(args) -> int``.

Layer: the top. A command may import any package of ``crawler``; nothing imports the
commands but ``crawler.cli``.
"""
