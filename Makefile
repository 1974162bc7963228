# One entry point for people and for CI. `make demo` and `make test` work on a fresh machine
# that has Python 3.12+ and make; everything else is installed into .venv.

SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
# Django 6 needs Python 3.12 or newer: take the first such interpreter on this machine.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 $(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3) $(wildcard /usr/local/bin/python3.1[2-9]); do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { command -v $$p; break; }; done)
PG_URL ?= postgres://postgres@127.0.0.1:5432/moim
PYTEST_ARGS ?=
# Two workers; each takes tests from the other's queue when its own runs out, so they end together.
XDIST := -n 2 --dist worksteal
# What proves nothing about the database runs on the SQLite leg only (CONTRIBUTING.md, "The two
# legs of make test"); everything else runs on both.
SQLITE_LEG_ONLY := browser or conformance or single_leg
# Commands run from here are a developer's: they may use the development-only secret key.
export MOIM_DEVELOPMENT := 1

.PHONY: help install demo serve test test-sqlite test-postgres lint typecheck contracts bench bench-load clean lock

help:
	@echo "make demo   - set up, load the WeGO 2021 demo into SQLite, serve http://127.0.0.1:$(PORT)"
	@echo "make test   - lint, type-check, import contracts, dead code, tests on SQLite and on PostgreSQL if reachable"
	@echo "make lint   - ruff, mypy, import contracts and dead code (vulture) only"
	@echo "make bench  - counting-engine and load benchmarks (results go to docs/benchmarks.md)"
	@echo "make bench-load - the load benchmark alone: 2,000 delegates and screens (LOAD_ARGS=--quick)"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Moim needs Python 3.12 or newer (Django 6); none was found." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev,pdf]'
	@touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/moim demo --port $(PORT)
	MOIM_TODAY=$${MOIM_TODAY:-2021-10-18} $(BIN)/moim serve --port $(PORT)

serve: install
	$(BIN)/moim serve --port $(PORT)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/vulture

test: lint test-sqlite test-postgres

test-sqlite: install
	DATABASE_URL= $(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

# The same suite against PostgreSQL when a server answers; a printed line says when it is skipped.
test-postgres: install
	@if $(BIN)/python tests/pg_reachable.py "$(PG_URL)"; then \
		echo "== tests on PostgreSQL ($(PG_URL)), all but those marked $(SQLITE_LEG_ONLY) (run on SQLite)"; \
		DATABASE_URL=$(PG_URL) $(BIN)/pytest $(XDIST) -m "not ($(SQLITE_LEG_ONLY))" $(PYTEST_ARGS); \
	else \
		echo "SKIPPED: PostgreSQL leg - no server answers at $(PG_URL)"; \
	fi

bench: install
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[bench]'
	$(BIN)/python bench/counting.py
	$(MAKE) bench-load

# The load benchmark drops and creates the PostgreSQL database LOAD_PG_URL names (its name must
# contain "bench") and uses Redis database 13; LOAD_ARGS adds options, e.g. --quick.
LOAD_PG_URL ?= postgres://postgres@127.0.0.1:5432/moim_bench
LOAD_ARGS ?=
bench-load: install
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[bench]'
	$(BIN)/python bench/load.py --pg-url "$(LOAD_PG_URL)" --out docs/benchmarks.md $(LOAD_ARGS)

# Refresh the pinned versions after changing dependencies in pyproject.toml.
lock: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev,pdf]'
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
