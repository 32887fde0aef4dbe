"""Exports for analysts: the records in the Parquet and CSV files are those of the JSON
documents, each row with its notice; DuckDB reads the files as they are."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from record_notices import write_notice
from table_gen import write_table_pdf
from test_tables import INSTITUTIONS

import extract
from extract.batch import RunLimits, run_batch
from extract.cli import main
from extract.export import export_names
from extract.record_specs import RECORD_SPECS


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A store of generated notices with both record kinds (subsidies in a long table in a PDF
    and a wide sideways one in a dump, institutions in a grouped table), one in two versions."""
    root = tmp_path_factory.mktemp("export")
    raw, out = root / "raw", root / "out"
    raw.mkdir()
    write_notice("A", "pdf", raw / "a.pdf")
    write_notice("B", "dump", raw / "b.txt")
    write_table_pdf(raw / "c.pdf", INSTITUTIONS)   # a table of training institutions, alone on its page
    limits = RunLimits(seconds=None, memory_mb=None)
    run_batch(raw, out, None, progress=False, limits=limits, jobs=1)
    (raw / "b.txt").write_bytes((raw / "b.txt").read_bytes() + "\n".encode())   # a new edition of b's bytes
    run_batch(raw, out, None, progress=False, limits=limits, jobs=1)
    return out


def plain(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain values: <NA> and NaN as None, numpy numbers as Python's."""
    out = []
    for row in frame.astype(object).to_dict("records"):
        out.append({k: (None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))
                        else v.item() if hasattr(v, "item") else v) for k, v in row.items()})
    return out


def latest_documents(store) -> list[tuple[int, dict]]:
    out = []
    for folder in sorted(p for p in store.iterdir() if p.is_dir()):
        latest = sorted(folder.glob("v*.json"))[-1]
        out.append((int(latest.stem[1:]), json.loads(latest.read_text(encoding="utf-8"))))
    return out


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_the_exported_records_are_those_of_the_documents(tmp_path, store, fmt):
    assert main(["export", "--format", fmt, "--out", str(tmp_path), "--store", str(store)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.{fmt}" for n in export_names())
    read = pd.read_parquet if fmt == "parquet" else pd.read_csv
    documents = latest_documents(store)
    for spec in RECORD_SPECS:
        frame = read(tmp_path / f"{spec.kind}.{fmt}")
        got = [{k: v for k, v in row.items() if k not in ("notice_id", "version", "series", "source_file",
                                                         "source_table", "source_row", "source_page")}
               for row in plain(frame)]
        want = [{k: v for k, v in record.items() if k != "source"}
                for _, document in documents for record in document["records"][spec.kind]]
        if fmt == "csv":   # CSV carries no types: compare as text
            got = [{k: None if v is None else str(v) for k, v in row.items()} for row in got]
            want = [{k: None if v is None else str(v) for k, v in row.items()} for row in want]
        assert want and got == want, spec.kind
        ids = [(row["notice_id"], row["version"]) for row in plain(frame)]
        assert ids == [(d["id"], v) for v, d in documents for _ in d["records"][spec.kind]]
    notices = plain(read(tmp_path / f"notices.{fmt}"))
    # (CSV has no null apart from an empty field: an empty title reads back as null)
    assert [(n["notice_id"], n["version"], n["title"]) for n in notices] == \
        [(d["id"], v, d["document"]["title"] or (None if fmt == "csv" else "")) for v, d in documents]
    cells = read(tmp_path / f"table_cells.{fmt}")
    assert len(cells) == sum(len(t["cells"]) for _, d in documents for t in d["tables"])


def test_all_versions_and_load_records(tmp_path, store):
    latest = extract.load_records("subsidy_standards", store)
    every = extract.load_records("subsidy_standards", store, all_versions=True)
    assert sorted({(n, int(v)) for n, v in zip(latest["notice_id"], latest["version"])}) == [("a", 1), ("b", 2)]
    assert sorted({(n, int(v)) for n, v in zip(every["notice_id"], every["version"])}) == [("a", 1), ("b", 1), ("b", 2)]
    main(["export", "--out", str(tmp_path), "--store", str(store)])
    assert plain(latest) == plain(pd.read_parquet(tmp_path / "subsidy_standards.parquet"))
    with pytest.raises(ValueError, match="unknown record kind"):
        extract.load_records("subsidies", store)


def test_duckdb_joins_records_to_notices_as_the_files_are(tmp_path, store):
    import duckdb

    main(["export", "--out", str(tmp_path), "--store", str(store)])
    query = (f"SELECT n.title, r.occupation, r.level, r.subsidy_yuan "
             f"FROM '{tmp_path}/subsidy_standards.parquet' r JOIN '{tmp_path}/notices.parquet' n "
             f"USING (notice_id, version) ORDER BY r.notice_id, r.source_row, r.level")
    rows = duckdb.sql(query).fetchall()
    documents = latest_documents(store)
    assert len(rows) == sum(len(d["records"]["subsidy_standards"]) for _, d in documents)
    titles = {d["document"]["title"] for _, d in documents}
    assert {row[0] for row in rows} <= titles and all(isinstance(row[3], (int, type(None))) for row in rows)
