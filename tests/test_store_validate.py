"""Validate and store stages: the schema matches the model, documents are checked against the
version they name, output is byte-identical across runs and written atomically."""

from __future__ import annotations

import json
import os

import pytest
from conftest import REPO
from notice_gen import write_notice_pdf

from extract.batch import run_batch
from extract.cli import main
from extract.common.json_text import to_json
from extract.model import SCHEMA_VERSION
from extract.pipeline import extract_notice, notice_to_checked_json
from extract.store.files import write_atomic
from extract.store.validate import (
    current_models,
    generate_schema,
    schema_path,
    schema_text,
    validation_errors,
)


@pytest.mark.parametrize("kind", ["notice", "catalog"])
def test_checked_in_schema_matches_model(kind):
    _, version, _ = current_models()[kind]
    path = schema_path(version, kind)
    assert path.read_text(encoding="utf-8") == schema_text(generate_schema(kind)), \
        "schemas/ drifted from the model: run `python -m extract schema`"


def test_schema_declares_draft_id_and_version():
    schema = json.loads(schema_path(SCHEMA_VERSION).read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(SCHEMA_VERSION)
    assert schema["version"] == SCHEMA_VERSION


@pytest.fixture
def notice_json(tmp_path, jiangxi):
    path = tmp_path / "jx.pdf"
    write_notice_pdf(path, jiangxi)
    return json.loads(notice_to_checked_json(extract_notice(path)))


def test_valid_document_passes(notice_json):
    assert validation_errors(notice_json) == []


@pytest.mark.parametrize("mutate,expected", [
    (lambda d: d["document"].pop("title"), "title"),
    (lambda d: d["document"].update(signed_date="2024-13-01"), "signed_date"),
    (lambda d: d.update(extra_field=1), "extra_field"),
    (lambda d: d.update(schema_version="9.9.9"), "no notice schema for version"),
    (lambda d: d["source"].update(sha256="xyz"), "sha256"),
    (lambda d: d["errors"].append({"stage": "ocr", "code": "made_up", "message": "m", "page": None}), "made_up"),
    (lambda d: d["errors"].append({"stage": "guessing", "code": "no_title", "message": "m", "page": None}), "guessing"),
    (lambda d: d["pages"][0].update(rotation=45), "rotation"),
])
def test_invalid_document_is_reported(notice_json, mutate, expected):
    mutate(notice_json)
    problems = validation_errors(notice_json)
    assert problems and any(expected in str(p) for p in problems)


def test_output_is_deterministic(tmp_path, jiangxi):
    path = tmp_path / "jx.pdf"
    write_notice_pdf(path, jiangxi)
    first = to_json(extract_notice(path))
    second = to_json(extract_notice(path))
    assert first == second
    assert "\\u" not in first  # not ASCII-escaped


def test_write_atomic_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "out.json"
    write_atomic(target, "old\n")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_write_atomic_skips_identical_content(tmp_path):
    target = tmp_path / "out.json"
    assert write_atomic(target, "x\n") is True
    mtime = target.stat().st_mtime_ns
    assert write_atomic(target, "x\n") is False
    assert target.stat().st_mtime_ns == mtime


def test_batch_run_reports_each_notice(tmp_path, jiangxi):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_notice_pdf(raw / "good notice 通知.pdf", jiangxi)
    (raw / "broken.pdf").write_bytes(b"this is not a pdf")
    (raw / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    report = run_batch(raw, out, tmp_path / "report.json", progress=False)
    status = {o.file.rsplit("/", 1)[-1]: (o.status, o.code) for o in report.outcomes}
    assert status == {"broken.pdf": ("failed", "not_a_pdf"), "empty.txt": ("failed", "empty_file"),
                      "good notice 通知.pdf": ("ok", None)}
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json")) == ["good_notice_通知/v001.json", "index.json"]
    saved = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert saved["state"] == "finished"
    assert saved["counts"] == {"ok": 1, "partial": 0, "failed": 2, "not_run": 0}


def test_cli_notice_and_validate(tmp_path, jiangxi, capsys):
    path = tmp_path / "jx.pdf"
    write_notice_pdf(path, jiangxi)
    out = tmp_path / "jx.json"
    assert main(["notice", str(path), "-o", str(out)]) == 0
    assert main(["validate", str(out)]) == 0
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": "1.4.0"}', encoding="utf-8")
    assert main(["validate", str(out), str(bad)]) == 1   # a notice that fails its schema
    assert "bad.json" in capsys.readouterr().err
    assert main(["notice", str(tmp_path / "missing.pdf"), "-o", str(tmp_path / "m.json")]) == 1


def test_cli_schema_check_passes_on_repo():
    assert main(["schema", "--check"]) == 0
    assert (REPO / "schemas").is_dir()


def test_schema_problems_are_typed_and_store_refusals_carry_a_code(tmp_path, notice_json):
    from extract.errors import StoreError
    from extract.store.catalog import add_version
    from extract.store.validate import SchemaViolation

    notice_json["document"].pop("title")
    [problem] = validation_errors(notice_json)
    assert isinstance(problem, SchemaViolation) and problem.path == "/document" and "title" in problem.message
    with pytest.raises(StoreError) as refused:
        add_version(tmp_path, "index.json", notice_json, "{}")
    assert refused.value.code == "reserved_id" and refused.value.file == "index.json"
