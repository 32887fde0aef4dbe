"""Validate stage: the JSON Schemas generated from the models, and validation of documents
against the schema version they name.

Schemas live in `schemas/<kind>-<version>.json` (kinds: `notice`, `catalog`), one file per
version, never edited once released. `python -m extract schema` writes the current versions
from the models; a test fails when the checked-in files drift from the models, and another
when a schema would reject documents stored under the same major version.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

from extract.common.json_text import to_json
from extract.config import SCHEMA_DIR
from extract.model import (
    CATALOG_ID,
    CATALOG_VERSION,
    SCHEMA_ID,
    SCHEMA_VERSION,
    Catalog,
    Notice,
)


@dataclass(frozen=True)
class SchemaViolation:
    """One way a document breaks its schema: where (a JSON pointer) and how."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def current_models() -> dict[str, tuple[type, str, str]]:
    """kind -> (model, version, $id) of the schemas this code writes."""
    return {"notice": (Notice, SCHEMA_VERSION, SCHEMA_ID), "catalog": (Catalog, CATALOG_VERSION, CATALOG_ID)}


def generate_schema(kind: str = "notice") -> dict:
    """The JSON Schema (draft 2020-12) of a stored document of `kind`, generated from its model."""
    model, version, schema_id = current_models()[kind]
    schema = model.model_json_schema(mode="serialization")
    ordered = {"$schema": DRAFT, "$id": schema_id, "version": version}
    ordered.update({k: v for k, v in schema.items() if k not in ordered})
    return ordered


def schema_path(version: str, kind: str = "notice", schema_dir: Path = SCHEMA_DIR) -> Path:
    return schema_dir / f"{kind}-{version}.json"


def schema_text(schema: dict) -> str:
    return to_json(schema)


def released_versions(kind: str = "notice", schema_dir: Path = SCHEMA_DIR) -> list[str]:
    """Versions with a checked-in schema, oldest first."""
    found = []
    for path in schema_dir.glob(f"{kind}-*.json"):
        version = path.stem[len(kind) + 1:]
        if SEMVER.match(version):
            found.append(version)
    return sorted(found, key=lambda v: tuple(int(x) for x in v.split(".")))


@lru_cache(maxsize=None)
def _validator(kind: str, version: str, schema_dir: Path) -> Draft202012Validator:
    path = schema_path(version, kind, schema_dir)
    if not SEMVER.match(version) or not path.is_file():
        raise FileNotFoundError(f"no {kind} schema for version {version!r} ({path})")
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def validation_errors_for(document, kind: str, version: str, schema_dir: Path = SCHEMA_DIR) -> list[SchemaViolation]:
    """Every way `document` breaks the `kind` schema of `version`; [] when valid."""
    try:
        validator = _validator(kind, version, schema_dir)
    except FileNotFoundError as exc:
        return [SchemaViolation(path="/", message=str(exc))]
    errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    return [SchemaViolation(path=f"/{'/'.join(map(str, e.absolute_path))}", message=e.message) for e in errors]


def validation_errors(document, schema_dir: Path = SCHEMA_DIR) -> list[SchemaViolation]:
    """A stored notice (or the catalog) against the schema version it names."""
    if isinstance(document, dict) and isinstance(document.get("catalog_version"), str):
        return validation_errors_for(document, "catalog", document["catalog_version"], schema_dir)
    version = document.get("schema_version") if isinstance(document, dict) else None
    if not isinstance(version, str):
        return [SchemaViolation(path="/schema_version", message="the document names no schema_version")]
    return validation_errors_for(document, "notice", version, schema_dir)
