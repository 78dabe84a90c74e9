"""Tests of wire capture and WARC writing during real crawls."""
