"""Scheduled crawls: when each site is due, the record of runs, and the foreground runner."""
