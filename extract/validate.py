"""Validate stage: the JSON Schema generated from `extract.model.Notice`, and validation of
documents against the schema version they name.

The checked-in schema (`schemas/notice-<version>.json`) is what documents are validated
against; `python -m extract schema` regenerates it from the model and a test fails when
the two drift.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

from extract.config import SCHEMA_DIR
from extract.model import SCHEMA_ID, SCHEMA_VERSION, Notice

SCHEMA_FILE_PATTERN = "notice-{version}.json"
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")


def generate_schema() -> dict:
    """The JSON Schema (draft 2020-12) of a stored notice, generated from the model."""
    schema = Notice.model_json_schema(mode="serialization")
    ordered = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
               "version": SCHEMA_VERSION}
    ordered.update({k: v for k, v in schema.items() if k not in ordered})
    return ordered


def schema_path(version: str, schema_dir: Path = SCHEMA_DIR) -> Path:
    return schema_dir / SCHEMA_FILE_PATTERN.format(version=version)


def schema_text(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


@lru_cache(maxsize=None)
def _validator(version: str, schema_dir: Path) -> Draft202012Validator:
    path = schema_path(version, schema_dir)
    if not SEMVER.match(version) or not path.is_file():
        raise FileNotFoundError(f"no schema for version {version!r} ({path})")
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def validation_errors(document: dict, schema_dir: Path = SCHEMA_DIR) -> list[str]:
    """Messages for every way `document` breaks the schema version it names; [] when valid."""
    version = document.get("schema_version") if isinstance(document, dict) else None
    if not isinstance(version, str):
        return ["the document names no schema_version"]
    try:
        validator = _validator(version, schema_dir)
    except FileNotFoundError as exc:
        return [str(exc)]
    errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    return [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]
