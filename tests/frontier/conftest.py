"""Fixtures shared by the frontier tests: the backends of test_frontier.py, local and Redis."""

from tests.frontier.test_frontier import backend_of  # noqa: F401 - a fixture
