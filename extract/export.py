"""Tables for analysts, from the store: one of notices, one per record kind (the kinds of
`extract.record_specs`), and one of every rebuilt table's cells. Each row carries the notice's
id, version, series and source file, so the tables join on (`notice_id`, `version`).

By default the latest good version of each notice; `all_versions` for the history. Written as
Parquet or CSV (`python -m extract export`), each file atomically; `load_records(kind)` gives
the same rows as a pandas DataFrame. Dates stay ISO strings, as in the documents; numbers that
may be missing are nullable integers.
"""

from __future__ import annotations

import io
from pathlib import Path

from extract.config import STRUCTURED_DIR
from extract.record_specs import RECORD_SPECS
from extract.store.catalog import build_catalog, read_stored
from extract.store.files import write_atomic
from extract.store.series import issuer_of

FORMATS = ("parquet", "csv")
NOTICES = "notices"
TABLE_CELLS = "table_cells"


def export_names() -> list[str]:
    """The tables an export writes: notices, each record kind, the table cells."""
    return [NOTICES, *(spec.kind for spec in RECORD_SPECS), TABLE_CELLS]


def _documents(store: Path, all_versions: bool) -> list[tuple[int, dict]]:
    """(version, document) of the store's good versions, by notice id then version."""
    catalog, _ = build_catalog(store)
    out = []
    for entry in catalog.notices:
        for version in entry.versions if all_versions else entry.versions[-1:]:
            out.append((version.version, read_stored(store / version.file, store)))
    return out


def export_rows(store: Path = STRUCTURED_DIR, all_versions: bool = False) -> dict[str, list[dict]]:
    """Every export table's rows, as plain dicts, in a stable order (one pass over the store)."""
    rows: dict[str, list[dict]] = {name: [] for name in export_names()}
    for version, document in _documents(store, all_versions):
        doc, source = document["document"], document["source"]
        notice = {"notice_id": document["id"], "version": version, "series": document.get("series"),
                  "source_file": source["file"]}
        imprint = doc.get("imprint") or {}
        rows[NOTICES].append({**notice, "source_sha256": source["sha256"], "media_type": source["media_type"],
                              "pages": source.get("pages"), "schema_version": document["schema_version"],
                              "pipeline_version": document.get("pipeline_version"), "status": document["status"],
                              "errors": len(document["errors"]), "title": doc["title"],
                              "doc_number": doc.get("doc_number"), "issuer": issuer_of(doc),
                              "signed_date": doc.get("signed_date"), "imprint_date": imprint.get("date"),
                              "tables": len(document["tables"])})
        for spec in RECORD_SPECS:
            for record in document.get("records", {}).get(spec.kind, []):
                fields = {k: v for k, v in record.items() if k != "source"}
                place = record["source"]
                page = next((p.get("page") for p in place.get("provenance", [])), None)
                rows[spec.kind].append({**notice, **fields, "source_table": place["table"], "source_row": place["row"],
                                        "source_page": page})
        for table in document["tables"]:
            for cell in table["cells"]:
                page = next((p.get("page") for p in cell["provenance"]), None)
                rows[TABLE_CELLS].append({**notice, "table_id": table["id"], "table_title": table["title"],
                                          "row": cell["row"], "col": cell["col"], "rowspan": cell["rowspan"],
                                          "colspan": cell["colspan"], "header": cell["row"] < table["header_rows"],
                                          "text": cell["text"], "confidence": cell.get("confidence"), "page": page})
    return rows


def export_frames(store: Path = STRUCTURED_DIR, all_versions: bool = False, names: list[str] | None = None):
    """The export tables (`names`, default all) as pandas DataFrames (nullable dtypes: a
    missing number is <NA>)."""
    import pandas as pd

    return {name: pd.DataFrame(rows, columns=_columns(name, rows)).convert_dtypes()
            for name, rows in export_rows(store, all_versions).items() if names is None or name in names}


def _columns(name: str, rows: list[dict]) -> list[str]:
    """The columns of a table: those of its rows in first-seen order (also with no rows: the
    record kind's fields), so that an empty export still says what it would hold."""
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    if not rows and name not in (NOTICES, TABLE_CELLS):
        spec = next(s for s in RECORD_SPECS if s.kind == name)
        columns.update(dict.fromkeys(["notice_id", "version", "series", "source_file",
                                      *(f for f in spec.model.model_fields if f != "source"),
                                      "source_table", "source_row", "source_page"]))
    return list(columns)


def write_exports(out_dir: Path, fmt: str = "parquet", store: Path = STRUCTURED_DIR,
                  all_versions: bool = False) -> list[Path]:
    """Write every export table to `out_dir` as `<name>.parquet` or `<name>.csv`; returns the paths."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: one of {', '.join(FORMATS)}")
    written = []
    for name, frame in export_frames(store, all_versions).items():
        path = out_dir / f"{name}.{fmt}"
        if fmt == "csv":
            write_atomic(path, frame.to_csv(index=False, lineterminator="\n"))
        else:
            buffer = io.BytesIO()
            frame.to_parquet(buffer, index=False, engine="pyarrow")
            write_atomic(path, buffer.getvalue())
        written.append(path)
    return written


def load_records(kind: str, store: Path = STRUCTURED_DIR, all_versions: bool = False):
    """The records of one kind (`subsidy_standards`, `training_institutions`, or `notices`,
    `table_cells`) across the store, as the export writes them, as a pandas DataFrame."""
    if kind not in export_names():
        raise ValueError(f"unknown record kind {kind!r}: one of {', '.join(export_names())}")
    return export_frames(store, all_versions, [kind])[kind]
