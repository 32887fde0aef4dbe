"""Every path the pipeline uses, in one place. Commands default to these."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = REPO_ROOT / "data" / "raw"
STRUCTURED_DIR = REPO_ROOT / "data" / "structured"
# Tables for analysts (`python -m extract export`): generated from the store, not committed.
EXPORT_DIR = REPO_ROOT / "data" / "exports"
SCHEMA_DIR = REPO_ROOT / "schemas"
# The last batch run's report: which notices failed and why (not an input, not committed).
RUN_REPORT = REPO_ROOT / "build" / "run-report.json"
# OpenVINO's compiled OCR models, kept between runs (compiling them costs ~0.5 s a process).
OCR_MODEL_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "extract-notices" / "openvino"
