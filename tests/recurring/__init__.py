"""Tests of scheduled crawls."""
