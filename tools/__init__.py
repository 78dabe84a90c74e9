"""Developer tools: training the block scorer."""
