"""The versioned store and its catalog.

Layout of the store (`data/structured/` by default):
- `<id>/v001.json`, `<id>/v002.json`, …: every version of every notice. A version is never
  rewritten: a new or changed source (or a new schema or pipeline version) adds one; the
  same source extracted again by the same pipeline adds nothing and changes no byte.
- `index.json`: the catalog, rebuilt from the stored versions after every run and validated
  by `schemas/catalog-<version>.json`: each notice's id, title, issuer, dates, series and
  versions (source sha256, schema version, pipeline version).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Literal

from pydantic import ConfigDict, Field

from extract.model import Frozen
from extract.store import write_atomic

CATALOG_VERSION = "1.0.0"
CATALOG_ID = f"urn:policy-notices:schema:catalog:{CATALOG_VERSION}"
CATALOG_NAME = "index.json"
VERSION_FILE = re.compile(r"^v(\d{3,})\.json$")


class VersionEntry(Frozen):
    version: int = Field(ge=1)
    file: str = Field(description="path of the document, relative to the store")
    source_file: str
    source_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    schema_version: str
    pipeline_version: str | None


class CatalogEntry(Frozen):
    id: str
    title: str
    issuer: str | None
    doc_number: str | None
    signed_date: dt.date | None
    imprint_date: dt.date | None
    series: str
    versions: list[VersionEntry]


class Catalog(Frozen):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra={
        "$id": CATALOG_ID, "$schema": "https://json-schema.org/draft/2020-12/schema"})

    catalog_version: Literal["1.0.0"]
    notices: list[CatalogEntry]


def version_path(root: Path, notice_id: str, version: int) -> Path:
    return root / notice_id / f"v{version:03d}.json"


def stored_versions(root: Path, notice_id: str) -> list[tuple[int, Path]]:
    folder = root / notice_id
    if not folder.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in folder.iterdir() if (m := VERSION_FILE.match(p.name))]
    return sorted(found)


def version_key(document: dict) -> tuple:
    """What makes a version: the source bytes, the schema and the pipeline that wrote it."""
    return (document["source"]["sha256"], document["schema_version"], document.get("pipeline_version"))


def add_version(root: Path, notice_id: str, document: dict, text: str) -> tuple[Path, bool]:
    """Store `text` as the next version of `notice_id` unless the latest version has the same
    key; returns the version's path and whether it was added."""
    versions = stored_versions(root, notice_id)
    if versions:
        latest = json.loads(versions[-1][1].read_text(encoding="utf-8"))
        if version_key(latest) == version_key(document):
            return versions[-1][1], False
    path = version_path(root, notice_id, versions[-1][0] + 1 if versions else 1)
    write_atomic(path, text)
    return path, True


def build_catalog(root: Path) -> Catalog:
    from extract.series import series_key

    entries = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        versions = stored_versions(root, folder.name)
        if not versions:
            continue
        documents = [(n, path, json.loads(path.read_text(encoding="utf-8"))) for n, path in versions]
        latest = documents[-1][2]
        doc = latest["document"]
        imprint = doc.get("imprint") or {}
        entries.append(CatalogEntry(
            id=folder.name,
            title=doc["title"],
            issuer=doc.get("issuer") or imprint.get("issuer"),
            doc_number=doc.get("doc_number"),
            signed_date=doc.get("signed_date"),
            imprint_date=imprint.get("date"),
            series=latest.get("series") or series_key(doc.get("issuer") or imprint.get("issuer"), doc["title"]),
            versions=[VersionEntry(version=n, file=path.relative_to(root).as_posix(),
                                   source_file=d["source"]["file"], source_sha256=d["source"]["sha256"],
                                   schema_version=d["schema_version"], pipeline_version=d.get("pipeline_version"))
                      for n, path, d in documents],
        ))
    return Catalog(catalog_version=CATALOG_VERSION, notices=entries)


def write_catalog(root: Path) -> Path:
    from extract.store import to_json
    from extract.validate import validation_errors_for

    catalog = build_catalog(root)
    text = to_json(catalog)
    problems = validation_errors_for(json.loads(text), "catalog", CATALOG_VERSION)
    if problems:
        raise ValueError("the catalog fails its schema: " + "; ".join(problems[:5]))
    path = root / CATALOG_NAME
    write_atomic(path, text)
    return path


def read_catalog(root: Path) -> Catalog:
    path = root / CATALOG_NAME
    if not path.is_file():
        return build_catalog(root)
    return Catalog.model_validate_json(path.read_text(encoding="utf-8"))


def series_of(catalog: Catalog, notice_id: str) -> list[CatalogEntry]:
    """Every notice in the series of `notice_id`, oldest edition first."""
    entry = next((e for e in catalog.notices if e.id == notice_id), None)
    if entry is None:
        raise KeyError(notice_id)
    members = [e for e in catalog.notices if e.series == entry.series]
    return sorted(members, key=lambda e: (e.signed_date or e.imprint_date or dt.date.min, e.id))


def resolve_document(reference: str, root: Path) -> tuple[str, dict]:
    """A document named by a file path, an id (its latest version) or `id@N` (version N).
    Returns a label and the document; raises FileNotFoundError with the reason."""
    path = Path(reference)
    if path.is_file():
        return str(path), json.loads(path.read_text(encoding="utf-8"))
    notice_id, _, wanted = reference.partition("@")
    versions = stored_versions(root, notice_id)
    if not versions:
        raise FileNotFoundError(f"{reference!r} is neither a file nor a stored notice id in {root}")
    if wanted:
        match = [p for n, p in versions if str(n) == wanted.lstrip("v").lstrip("0") or f"v{n:03d}" == wanted]
        if not match:
            raise FileNotFoundError(f"notice {notice_id} has no version {wanted} (it has {len(versions)})")
        chosen = match[0]
    else:
        chosen = versions[-1][1]
    label = f"{notice_id}@{chosen.stem.lstrip('v').lstrip('0') or '0'}"
    return label, json.loads(chosen.read_text(encoding="utf-8"))
