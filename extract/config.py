"""Every path the pipeline uses, in one place. Commands default to these."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = REPO_ROOT / "data" / "raw"
STRUCTURED_DIR = REPO_ROOT / "data" / "structured"
# Tables for analysts (`python -m extract export`): generated from the store, not committed.
EXPORT_DIR = REPO_ROOT / "data" / "exports"
SCHEMA_DIR = REPO_ROOT / "schemas"
# The last batch run's report: which notices failed and why (not an input, not committed).
RUN_REPORT = REPO_ROOT / "build" / "run-report.json"
