# Policy-notice extraction. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help extract test schema validate bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 12

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP) ## create the environment (.venv) if it is missing or stale

extract: $(STAMP) ## extract every notice in data/raw/ into data/structured/
	$(PY) -m extract run

test: $(STAMP) ## run the test suite (unit, end-to-end, notebook)
	$(PY) -m pytest

schema: $(STAMP) ## regenerate schemas/ from the document model
	$(PY) -m extract schema

validate: $(STAMP) ## validate every stored document against its schema version
	$(PY) -m extract validate data/structured/*.json

bench: $(STAMP) ## print table accuracy and timing against camelot and pdfplumber
	$(PY) bench/tables.py

clean: ## remove the environment and build outputs (not data/structured/)
	rm -rf $(VENV) build .pytest_cache
