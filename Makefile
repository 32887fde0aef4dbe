# Policy-notice extraction. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
OCR_ENGINE := rapidocr-onnxruntime==1.4.4
# Debian packages: a CJK font, so that pdfium can render the tests' generated notices (their
# reportlab fonts are not embedded) into scans; Tesseract only for the OCR benchmark.
TEST_PACKAGES := fonts-wqy-microhei
BENCH_PACKAGES := tesseract-ocr tesseract-ocr-chi-sim
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.DEFAULT_GOAL := help
.PHONY: help venv extract test schema validate diff history migrate bench clean
FORMAT ?= markdown

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 12

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m pip install --quiet --no-deps $(OCR_ENGINE)
	touch $(STAMP)

# install the Debian packages that are missing (apt-get update only when the install needs it)
define debian_packages
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
		| grep -q '^install ok installed' || echo $$p; done); \
	[ -z "$$missing" ] || $(SUDO) apt-get install -y -q $$missing >/dev/null 2>&1 \
		|| { $(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q $$missing; }
endef

venv: $(STAMP) ## create the environment (.venv) if it is missing or stale

extract: $(STAMP) ## extract every notice in data/raw/ into data/structured/ [SETTINGS=file.json|.toml]
	$(PY) -m extract run $(if $(SETTINGS),--settings "$(SETTINGS)")

test: $(STAMP) ## run the test suite (unit, end-to-end, OCR on generated scans, notebook)
	$(call debian_packages,$(TEST_PACKAGES))
	$(PY) -m pytest

schema: $(STAMP) ## regenerate schemas/ from the document model
	$(PY) -m extract schema

validate: $(STAMP) ## validate every stored document and the catalog against their schema versions
	$(PY) -m extract validate data/structured/*/v*.json data/structured/index.json

diff: $(STAMP) ## what changed: make diff OLD=id[@N]|file NEW=id[@N]|file [FORMAT=json|markdown|html]
	@test -n "$(OLD)" -a -n "$(NEW)" || { echo "usage: make diff OLD=... NEW=... [FORMAT=markdown]"; exit 2; }
	$(PY) -m extract diff "$(OLD)" "$(NEW)" --format $(FORMAT)

history: $(STAMP) ## the editions in a notice's series: make history ID=...
	@test -n "$(ID)" || { echo "usage: make history ID=..."; exit 2; }
	$(PY) -m extract history "$(ID)"

migrate: $(STAMP) ## store every notice's latest version at the current schema version
	$(PY) -m extract migrate

bench: $(STAMP) ## print table, record and OCR accuracy and speed against the alternatives
	$(call debian_packages,$(TEST_PACKAGES) $(BENCH_PACKAGES))
	$(PY) bench/tables.py
	$(PY) bench/records.py
	$(PY) bench/external.py
	$(PY) bench/ocr.py
	$(PY) bench/costs.py
	$(PY) bench/pipeline.py
	$(PY) bench/glyph_model.py

clean: ## remove the environment and build outputs (not data/structured/)
	rm -rf $(VENV) build .pytest_cache
