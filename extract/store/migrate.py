"""Upgrade path between schema versions.

`MIGRATIONS` maps a schema version to the next one and the function that rewrites a
document from the one to the other; `migrate_document` follows the chain to the current
version. `migrate_store` stores each notice's migrated latest version as a new version:
stored versions are never rewritten in place. A notice it cannot migrate (damaged, or of a
schema version no migration leads from) is reported and left as it is; the others go on and
the catalog is rebuilt.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from extract.common.grid import column_headers
from extract.common.json_text import to_json
from extract.errors import ErrorCode, StoreError
from extract.model import SCHEMA_VERSION, Notice, TableCell
from extract.store.catalog import (
    DamagedDocument,
    StoreProblem,
    add_version,
    is_reserved_id,
    read_stored,
    stored_versions,
    write_catalog,
)
from extract.store.series import issuer_of, series_key


def to_1_1_0(document: dict) -> dict:
    """1.1.0 added `series` and `pipeline_version`; a migrated document gets its series and
    no pipeline version (it was not re-extracted)."""
    out = copy.deepcopy(document)
    doc = out["document"]
    out["schema_version"] = "1.1.0"
    out["series"] = series_key(issuer_of(doc), doc["title"])
    out["pipeline_version"] = None
    return out


def to_1_2_0(document: dict) -> dict:
    """1.2.0 added optional fields only (per-page text source, OCR confidences): a 1.1.0
    document is a valid 1.2.0 one as it stands; a migrated one lists no page sources, as
    it was not re-extracted."""
    out = copy.deepcopy(document)
    out["schema_version"] = "1.2.0"
    return out


def to_1_3_0(document: dict) -> dict:
    """1.3.0 added each table's header paths as lists (`column_headers`), the 版记's `copy_to`
    and a subsidy standard's `valid_from`. The header paths are rebuilt from the table's own
    header cells (not by splitting the joined paths, whose " / " may stand inside a cell);
    `copy_to` and `valid_from` stay empty, as the document was not re-extracted."""
    out = copy.deepcopy(document)
    out["schema_version"] = "1.3.0"
    for table in out.get("tables", []):
        cells = [TableCell.model_validate(cell) for cell in table["cells"]]
        table["column_headers"] = column_headers(cells, table["header_rows"], table["n_cols"])
    return out


def to_1_4_0(document: dict) -> dict:
    """1.4.0 added the section kind `heading` (an unnumbered heading); nothing else changed, so
    a 1.3.0 document is a 1.4.0 document."""
    out = copy.deepcopy(document)
    out["schema_version"] = "1.4.0"
    return out


def to_1_5_0(document: dict) -> dict:
    """1.5.0 added each page's size and /Rotate (`pages[].width`, `height`, `rotation`) and each
    box's frame (`provenance[].frame`), and made errors' `code` and `stage` enums. A migrated
    document was not re-extracted: its pages and boxes say no size and no frame (null, absent);
    its error codes are those the enum holds, since no code was ever dropped."""
    out = copy.deepcopy(document)
    out["schema_version"] = "1.5.0"
    return out


def to_1_6_0(document: dict) -> dict:
    """1.6.0 added `settings_sha256`, the settings a document was extracted with. A migrated
    document does not know them: the field stays absent (null)."""
    out = copy.deepcopy(document)
    out["schema_version"] = "1.6.0"
    return out


def to_1_7_0(document: dict) -> dict:
    """1.7.0 added the table origins `alignment` (rules across the rows, columns from the text)
    and `whitespace` (no rules: rows and columns from the text). A migrated document was not
    re-extracted: its tables keep the origins they had."""
    out = copy.deepcopy(document)
    out["schema_version"] = "1.7.0"
    return out


MIGRATIONS: dict[str, tuple[str, Callable[[dict], dict]]] = {
    "1.0.0": ("1.1.0", to_1_1_0),
    "1.1.0": ("1.2.0", to_1_2_0),
    "1.2.0": ("1.3.0", to_1_3_0),
    "1.3.0": ("1.4.0", to_1_4_0),
    "1.4.0": ("1.5.0", to_1_5_0),
    "1.5.0": ("1.6.0", to_1_6_0),
    "1.6.0": ("1.7.0", to_1_7_0),
}


def migrate_document(document: dict) -> dict:
    """`document` rewritten to the current schema version (a new dict; the input is unchanged).
    Raises StoreError (schema_invalid) when no migration leads from its version to the current one."""
    version = document.get("schema_version")
    while version != SCHEMA_VERSION:
        if version not in MIGRATIONS:
            raise StoreError(ErrorCode.SCHEMA_INVALID, f"no migration from schema version {version!r} to {SCHEMA_VERSION}")
        version, step = MIGRATIONS[version]
        document = step(document)
    # through the model, so that the result has the current field order and is checked
    return json.loads(to_json(Notice.model_validate(document)))


@dataclass(frozen=True)
class MigrationResult:
    added: list[Path]                 # the migrated versions stored
    problems: list[StoreProblem]      # notices left as they were, and why; then the catalog's problems


def migrate_store(root: Path) -> MigrationResult:
    """Add a migrated version for every notice whose latest version is not current."""
    added, problems = [], []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not is_reserved_id(p.name)) if root.is_dir() else []:
        versions = stored_versions(root, folder.name)
        if not versions:
            continue
        try:
            latest = read_stored(versions[-1][1], root)
            if latest.get("schema_version") == SCHEMA_VERSION:
                continue
            migrated = migrate_document(latest)
            path, was_added = add_version(root, folder.name, migrated, to_json(migrated))
        except DamagedDocument as exc:
            problems.append(exc.problem)
            continue
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(StoreProblem(file=versions[-1][1].relative_to(root).as_posix(),
                                         code=ErrorCode.SCHEMA_INVALID.value, message=f"cannot be migrated: {exc}"))
            continue
        if was_added:
            added.append(path)
    _, catalog_problems = write_catalog(root)
    return MigrationResult(added=added, problems=[*problems, *catalog_problems])
