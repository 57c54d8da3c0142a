# coisync: two commands on a fresh machine.
#   make demo   set everything up and run the sandbox demo (embedded SQLite, no service needed)
#   make test   set everything up and run lint, type check and the whole test suite
# Also: make bench (benchmarks, one JSON object per line), make setup, make docs-cli.

SHELL := /bin/bash
.DEFAULT_GOAL := help
UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
RUN := $(UV) run --frozen
PYTEST_ARGS ?=

.PHONY: help setup demo test lint typecheck pytest bench docs-cli clean

help:
	@echo "make demo    set up and run the sandbox demo"
	@echo "make test    set up and run lint, type check and all tests"
	@echo "make bench   run every benchmark in bench/ (JSON lines)"

# uv is bootstrapped from PyPI when missing; it uses the machine's Python 3.11+, never downloads one.
setup:
	@command -v $(UV) >/dev/null 2>&1 || python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv
	@UV_PYTHON_DOWNLOADS=never $(UV) sync --all-packages --frozen --quiet --compile-bytecode
	@# Bytecode for the workspace's own sources too: every coisync command (and each test that runs one
	@# as a subprocess) would otherwise compile ~650 modules at start where PYTHONDONTWRITEBYTECODE is set.
	@$(RUN) python -m compileall -q src connectors/*/src

demo: setup
	@$(RUN) bash scripts/demo.sh

lint: setup
	$(RUN) ruff check src tests connectors bench conftest.py
	$(RUN) ruff format --check src tests connectors bench conftest.py

typecheck: setup
	$(RUN) mypy

pytest: setup
	@bash scripts/ensure-chromium.sh
	@$(RUN) bash scripts/run-pytest.sh $(PYTEST_ARGS)

test:
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory setup && $(MAKE) --no-print-directory -k lint typecheck pytest; status=$$?; \
	echo "make test: finished in $$(( $$(date +%s) - start ))s (exit $$status)"; exit $$status

bench: setup
	$(RUN) python bench/run.py

clean:
	rm -rf .venv .mypy_cache .ruff_cache .pytest_cache dist build
