# The two README commands: `make run` (set up + crawl the bundled demo site) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast lint bench clean

# The suite mostly waits on crawls, servers and browsers in other processes, so it runs in
# TEST_JOBS pytest-xdist workers (3 suit 2 cores), each test module whole on one worker.
TEST_JOBS ?= 3
PYTEST_PARALLEL := -n $(TEST_JOBS) --dist loadscope --no-loadscope-reorder

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,bench,lint]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/crawler crawl $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

# The inner loop: everything but the end-to-end tests marked slow (crawls in subprocesses).
test-fast: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) -m "not slow" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check crawler tests benchmarks tools
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
