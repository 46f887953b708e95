# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.run-installed
DEV_STAMP := $(VENV)/.dev-installed
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser)

.PHONY: run test test-fast lint bench browsers clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(RUN_STAMP)

## run: install, migrate, make sure an admin exists, serve on http://127.0.0.1:8000 (SQLite)
run: $(RUN_STAMP)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py llm_providers_ensure_admin
	$(BIN)/python manage.py llm_providers_catalog --validate > /dev/null
	@echo "Serving on http://127.0.0.1:8000/ (log in with the admin account above)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## browsers: Debian's chromium for the Playwright tests (browser downloads are not possible here)
browsers:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "ERROR: the browser tests need Chromium. Run: sudo apt-get install -y chromium" >&2; exit 1; fi

## test: the whole suite (unit, integration, browser)
test: $(DEV_STAMP) browsers
	$(BIN)/python -m pytest

## test-fast: everything but the browser tests
test-fast: $(DEV_STAMP)
	$(BIN)/python -m pytest -m "not browser"

lint: $(DEV_STAMP)
	$(BIN)/ruff check .

bench: $(DEV_STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var .pytest_cache
