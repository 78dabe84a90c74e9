"""Tests of incremental crawling."""
