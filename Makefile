# Headway: one task runner for people and CI. Needs only Python >= 3.11 and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HEADWAY := $(BIN)/headway
PIP := $(BIN)/python -m pip

.PHONY: install install-dev run test lint format services browser screenshots bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Headway needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Installs are pinned by constraints.txt, so a fresh machine gets what CI tested.
$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) install --quiet -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	$(HEADWAY) init
	$(HEADWAY) demo
	@echo
	@echo "Headway:      http://127.0.0.1:8000"
	@echo "Demo sign-in: ceo@northwind.example / headway-demo (every demo person has that password)"
	@echo "API token:    .venv/bin/headway token create ceo@northwind.example"
	@echo "API docs:     http://127.0.0.1:8000/api/docs"
	$(HEADWAY) serve --host 127.0.0.1 --port 8000

# Starts (or, as root in CI, installs) the PostgreSQL server the integration tests use.
services:
	@sh scripts/ensure-postgres

# Installs (as root in CI) Debian's Chromium, which the browser tests drive with Playwright.
browser:
	@sh scripts/ensure-chromium

lint: install-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

# The suite in parallel (pytest-xdist): one worker per core, each test file on one worker, so
# that a module's server is started once. TEST_WORKERS=0 runs it in this process.
TEST_WORKERS ?= auto
test: install-dev services browser lint
	$(BIN)/pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile --durations=15

# The README's screenshots of the main pages (needs Chromium: `make browser` as root).
screenshots: install-dev browser
	$(BIN)/python scripts/screenshots.py

# Issue 10's figures on synthetic companies of sizes S, M, L (SQLite, then PostgreSQL when it
# answers), each beside the in-memory report; BENCH_ARGS="--xl", "--sizes S", ... (benchmarks/).
bench: install-dev
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
