"""The versioned store and its catalog.

Layout of the store (`data/structured/` by default):
- `<id>/v001.json`, `<id>/v002.json`, …: every version of every notice. A version is never
  rewritten: a new or changed source (or a new schema or pipeline version) adds one; the
  same source extracted again by the same pipeline adds nothing and changes no byte.
- `index.json`: the catalog, rebuilt from the stored versions after every run and validated
  by `schemas/catalog-<version>.json`: each notice's id, title, issuer, dates, series and
  versions (source sha256, schema version, pipeline version).
- `.lock` and `.<name>.<random>.tmp`: a run's lock and its writes in progress;
  `.checked`: the versions that passed their schema, so that each is validated in full
  once, not on every run.

No notice id is one of these names (`is_reserved_id`). Version numbers are claimed by
creating the file (`create_atomic`), so two writers never replace each other's version.

Damage is data too: a stored version that cannot be read, or fails its schema, is left
where it is and reported as a `StoreProblem` (file, code, reason); the catalog lists the
good versions, and the next extraction of that notice adds a version after the damaged one.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from extract.common.json_text import to_json
from extract.errors import ErrorCode, StoreError
from extract.model import CATALOG_VERSION, Catalog, CatalogEntry, VersionEntry
from extract.store.files import (
    LOCK_NAME,
    create_atomic,
    storage_error_code,
    write_atomic,
)
from extract.store.series import issuer_of, series_key
from extract.store.validate import validation_errors, validation_errors_for

CATALOG_NAME = "index.json"
CHECKED_NAME = ".checked"   # versions that passed their schema (hidden: no id can take it)
VERSION_FILE = re.compile(r"^v(\d{3,})\.json$")


@dataclass(frozen=True)
class StoreProblem:
    """Something wrong in the store, found while reading it: the file, a stable code, why."""

    file: str
    code: str
    message: str


class DamagedDocument(Exception):
    def __init__(self, problem: StoreProblem):
        self.problem = problem
        super().__init__(f"{problem.file}: {problem.message}")


def is_reserved_id(notice_id: str) -> bool:
    """Ids that would collide with the store's own names (compared without case, as some
    file systems do), or would be hidden."""
    return notice_id.startswith(".") or notice_id.casefold() in {CATALOG_NAME.casefold(), LOCK_NAME}


def version_path(root: Path, notice_id: str, version: int) -> Path:
    return root / notice_id / f"v{version:03d}.json"


def stored_versions(root: Path, notice_id: str) -> list[tuple[int, Path]]:
    folder = root / notice_id
    if not folder.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in folder.iterdir() if (m := VERSION_FILE.match(p.name))]
    return sorted(found)


def version_key(document: dict) -> tuple:
    """What makes a version: the source bytes, the schema, the pipeline that wrote it and the
    settings it ran with."""
    return (document["source"]["sha256"], document["schema_version"], document.get("pipeline_version"),
            document.get("settings_sha256"))


def read_stored(path: Path, root: Path, full: bool = True) -> dict:
    """A stored version, read and checked; raises DamagedDocument saying what is wrong
    (unreadable, not JSON, invalid). `full`: against the whole schema it names (what a
    document is used for); otherwise only the fields the catalog lists of an older version,
    since validating every version of every notice on every run costs ~20x reading it."""
    def damaged(message: str) -> DamagedDocument:
        return DamagedDocument(StoreProblem(file=_relative(path, root), code=ErrorCode.STORE_DAMAGED.value,
                                            message=message))

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise damaged(f"cannot be read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise damaged("is not UTF-8") from None
    except (json.JSONDecodeError, RecursionError) as exc:
        raise damaged(f"is not JSON (truncated?): {exc}") from None
    if full:
        problems = validation_errors(document)
        if problems:
            raise damaged(f"fails its schema: {'; '.join(map(str, problems[:3]))}")
        return document
    source = document.get("source") if isinstance(document, dict) else None
    if not (isinstance(source, dict) and isinstance(source.get("file"), str)
            and isinstance(source.get("sha256"), str) and isinstance(document.get("schema_version"), str)):
        raise damaged("lacks its source file, source sha256 or schema_version")
    return document


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def add_version(root: Path, notice_id: str, document: dict, text: str) -> tuple[Path, bool]:
    """Store `text` as the next version of `notice_id` unless the latest version has the same
    key; returns the version's path and whether it was added. A damaged latest version does
    not count: the document goes in after it. The number is claimed by creating its file, so a
    concurrent writer takes the next one instead of replacing this one."""
    if is_reserved_id(notice_id):
        raise StoreError(ErrorCode.RESERVED_ID, f"{notice_id!r} is a name the store keeps for itself, not a notice id",
                         file=notice_id)
    versions = stored_versions(root, notice_id)
    if versions:
        try:
            latest = read_trusted(versions[-1][1], root)
        except DamagedDocument:
            latest = None
        if latest is not None and version_key(latest) == version_key(document):
            return versions[-1][1], False
    number = versions[-1][0] + 1 if versions else 1
    while not create_atomic(path := version_path(root, notice_id, number), text):
        number += 1
    return path, True


def build_catalog(root: Path) -> tuple[Catalog, list[StoreProblem]]:
    """The catalog of the store's good versions, and what is wrong with the others."""
    entries, problems = [], []
    checked = _checked_versions(root)
    still_good: dict[str, list[int]] = {}
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not is_reserved_id(p.name)) if root.is_dir() else []
    for folder in folders:
        documents = []
        # newest first: the newest good version is always checked in full (the entry is taken
        # from it); an older one when it changed since it last passed
        for n, path in reversed(stored_versions(root, folder.name)):
            name, stamp = path.relative_to(root).as_posix(), _stamp(path)
            try:
                documents.append((n, path, read_stored(path, root, full=not documents or checked.get(name) != stamp)))
            except DamagedDocument as exc:
                problems.append(exc.problem)
                continue
            still_good[name] = stamp
        if not documents:
            continue
        documents.reverse()
        latest = documents[-1][2]
        doc = latest["document"]
        imprint = doc.get("imprint") or {}
        entries.append(CatalogEntry(
            id=folder.name,
            title=doc["title"],
            issuer=issuer_of(doc),
            doc_number=doc.get("doc_number"),
            signed_date=doc.get("signed_date"),
            imprint_date=imprint.get("date"),
            series=latest.get("series") or series_key(issuer_of(doc), doc["title"]),
            versions=[VersionEntry(version=n, file=path.relative_to(root).as_posix(),
                                   source_file=d["source"]["file"], source_sha256=d["source"]["sha256"],
                                   schema_version=d["schema_version"], pipeline_version=d.get("pipeline_version"))
                      for n, path, d in documents],
        ))
    if still_good != checked:
        try:
            write_atomic(root / CHECKED_NAME, to_json(still_good))
        except OSError:
            pass   # only a saving of time: the next build checks again
    return Catalog(catalog_version=CATALOG_VERSION, notices=entries), problems


def read_trusted(path: Path, root: Path) -> dict:
    """A stored version read to be relied on: validated in full, unless `.checked` says it
    passed its schema with the size and modification time it still has (a hand edit changes
    them). Raises DamagedDocument as `read_stored` does."""
    name = path.relative_to(root).as_posix()
    return read_stored(path, root, full=_checked_versions(root).get(name) != _stamp(path))


def _stamp(path: Path) -> list[int]:
    status = path.stat()
    return [status.st_size, status.st_mtime_ns]


def _checked_versions(root: Path) -> dict[str, list[int]]:
    """Versions that passed their schema in full, by path, with the size and modification time
    they had then: stored versions are never rewritten, so one that still has them needs no
    second full check (a hand edit changes them)."""
    try:
        checked = json.loads((root / CHECKED_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return checked if isinstance(checked, dict) else {}


def write_catalog(root: Path) -> tuple[Path | None, list[StoreProblem]]:
    """Rebuild and write the catalog; returns its path (None when it could not be written) and
    every problem met. Never raises for what it finds in the store or on the disk."""
    catalog, problems = build_catalog(root)
    path = root / CATALOG_NAME
    text = to_json(catalog)
    invalid = validation_errors_for(json.loads(text), "catalog", CATALOG_VERSION)
    if invalid:  # a bug in this code, not damage: still reported, never a traceback
        return None, [*problems, StoreProblem(file=CATALOG_NAME, code=ErrorCode.INTERNAL.value,
                                              message="the catalog fails its schema: " + "; ".join(map(str, invalid[:5])))]
    if path.exists() and not path.is_file():
        return None, [*problems, StoreProblem(file=CATALOG_NAME, code=ErrorCode.STORE_DAMAGED.value,
                                              message="the catalog's name is taken by a folder or another "
                                                      "non-file; move it away so the catalog can be written")]
    try:
        write_atomic(path, text)
    except OSError as exc:
        code = storage_error_code(exc) or ErrorCode.INTERNAL
        return None, [*problems, StoreProblem(file=CATALOG_NAME, code=code.value,
                                              message=f"the catalog could not be written: {exc.strerror or exc}")]
    return path, problems


def read_catalog(root: Path) -> Catalog:
    """The store's catalog; raises StoreError (store_damaged) saying why when it cannot be read."""
    from pydantic import ValidationError

    path = root / CATALOG_NAME
    if not path.is_file():
        return build_catalog(root)[0]
    try:
        return Catalog.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValidationError) as exc:
        raise StoreError(ErrorCode.STORE_DAMAGED, f"{path} is not a readable catalog ({type(exc).__name__}); "
                         f"`python -m extract run` rebuilds it", file=str(path)) from None


def series_of(catalog: Catalog, notice_id: str) -> list[CatalogEntry]:
    """Every notice in the series of `notice_id`, oldest edition first."""
    entry = next((e for e in catalog.notices if e.id == notice_id), None)
    if entry is None:
        raise KeyError(notice_id)
    members = [e for e in catalog.notices if e.series == entry.series]
    return sorted(members, key=lambda e: (e.signed_date or e.imprint_date or dt.date.min, e.id))


def resolve_document(reference: str, root: Path) -> tuple[str, dict]:
    """A notice document named by a file path, an id (its latest version) or `id@N` (version N).
    Returns a label and the document; raises FileNotFoundError when nothing has that name, and
    StoreError saying why when the file is not a notice document that passes its schema."""
    path = Path(reference)
    if path.is_file():
        return str(path), _notice_document(path, root)
    notice_id, _, wanted = reference.partition("@")
    versions = stored_versions(root, notice_id) if notice_id and not is_reserved_id(notice_id) else []
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
    return label, _notice_document(chosen, root)


def _notice_document(path: Path, root: Path) -> dict:
    try:
        document = read_stored(path, root)
    except DamagedDocument as exc:
        raise StoreError(ErrorCode.STORE_DAMAGED, f"{path} {exc.problem.message}", file=str(path)) from None
    if "catalog_version" in document:
        raise StoreError(ErrorCode.SCHEMA_INVALID, f"{path} is a catalog, not a notice document", file=str(path))
    return document
