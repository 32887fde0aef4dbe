"""One settings object for the pipeline: resolved from a dict or a file, checked, passed from the
command line and the batch down to every stage, each stage reading only its own part."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from record_notices import write_notice
from scan_gen import ScanSettings, write_scan
from table_gen import write_table_pdf
from test_tables import SUBSIDY

from extract.batch import RunLimits, run_batch
from extract.cli import main
from extract.pipeline import run_pipeline
from extract.settings import (
    LayoutSettings,
    OcrSettings,
    PipelineSettings,
    SettingsError,
    TableSettings,
)

# ---------------------------------------------------------------- resolving


def test_a_dict_names_only_what_differs_from_the_defaults():
    settings = PipelineSettings.resolve({"ocr": {"dpi": 300}, "tables": {"min_columns": 3}})
    assert settings.ocr == replace(OcrSettings(), dpi=300.0) and isinstance(settings.ocr.dpi, float)
    assert settings.tables == replace(TableSettings(), min_columns=3)
    assert settings.layout == LayoutSettings()
    assert PipelineSettings.resolve(None) == PipelineSettings() == PipelineSettings.resolve({})
    assert PipelineSettings.resolve(settings.to_dict()) == settings, "what a report records reads back the same"


@pytest.mark.parametrize("given, says", [
    ({"ocrr": {}}, "unknown settings part 'ocrr'"),
    ({"ocr": {"dpl": 3}}, "unknown setting ocr.dpl"),
    ({"ocr": {"dpi": "high"}}, "ocr.dpi must be float"),
    ({"tables": {"min_columns": 2.5}}, "tables.min_columns must be int"),
    ({"tables": {"min_columns": True}}, "tables.min_columns must be int"),
    ({"ocr": {"dpi": -1}}, "ocr.dpi must be a finite number"),
    ({"ocr": {"dpi": float("nan")}}, "ocr.dpi must be a finite number"),
    ({"ocr": {"low_confidence": 1.5}}, "between 0 and 1"),
    ({"ocr": {"runtime": "tensorflow"}}, "unknown OCR runtime"),
    ({"ocr": 3}, "must be a mapping"),
    ([1], "must be a mapping"),
])
def test_settings_that_cannot_be_used_are_refused_by_name(given, says):
    with pytest.raises(SettingsError, match=says.replace(".", r"\.").replace("(", r"\(")):
        PipelineSettings.resolve(given)


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_settings_from_a_file(tmp_path, suffix):
    path = tmp_path / f"settings{suffix}"
    path.write_text('{"layout": {"heading_max_chars": 12}}' if suffix == ".json"
                    else "[layout]\nheading_max_chars = 12\n", encoding="utf-8")
    assert PipelineSettings.resolve(path).layout.heading_max_chars == 12
    assert PipelineSettings.resolve(str(path)).layout.heading_max_chars == 12


@pytest.mark.parametrize("name, text, says", [
    ("s.yaml", "ocr: {}", "must end in .json or .toml"),
    ("s.json", "{not json", "cannot be parsed"),
    ("s.toml", "[ocr\n", "cannot be parsed"),
    ("missing.json", None, "cannot read"),
])
def test_a_settings_file_that_cannot_be_read_is_named(tmp_path, name, text, says):
    path = tmp_path / name
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match=says) as raised:
        PipelineSettings.resolve(path)
    assert name in str(raised.value)


# ---------------------------------------------------------------- each stage reads its own part


def stage_outputs(run) -> dict[str, object]:
    """What each stage gave, in pipeline order."""
    return {"load": run.loaded, "text": run.source, "tables": run.tables, "layout": run.laid_out,
            "structure": run.structure.document}


@pytest.mark.parametrize("form", ["pdf", "dump"])
@pytest.mark.parametrize("owner, change", [
    ("tables", {"tables": {"min_columns": 40}, "dump_tables": {"min_spaced_columns": 40, "min_garbled_lines": 100000}}),
    ("layout", {"layout": {"heading_max_chars": 2, "dump_short_cells": 40}}),
])
def test_a_setting_changed_at_the_top_changes_the_stage_that_owns_it_and_nothing_before(tmp_path, form, owner, change):
    """A notice with a table, PDF and dump: a table setting changes what the tables stage finds
    (and what follows from it), never what load and the text stage gave; a layout setting
    changes the blocks, never the load, text and tables stages' output."""
    path = tmp_path / f"a.{'pdf' if form == 'pdf' else 'txt'}"
    write_notice("A", form, path)
    default, changed = run_pipeline(path), run_pipeline(path, change)
    before, after = stage_outputs(default), stage_outputs(changed)
    order = list(before)
    for stage in order[:order.index(owner)]:
        assert before[stage] == after[stage], f"{stage} changed with a {owner} setting"
    assert before[owner] != after[owner], f"the {owner} setting did not reach the {owner} stage"


def test_the_low_confidence_threshold_is_one_setting_for_ocr_reports_and_records(tmp_path):
    """`ocr.low_confidence` decides alike whether OCR'd text is reported and whether a record
    takes a value from it: at 0 every value read is trusted and nothing is reported; at 1 every
    OCR'd cell is reported, and no record value is taken from a cell below it."""
    printed, scan = tmp_path / "t.pdf", tmp_path / "scan.pdf"
    write_table_pdf(printed, SUBSIDY)
    write_scan(printed, scan, ScanSettings(seed=5))
    trusting = run_pipeline(scan, {"ocr": {"low_confidence": 0.0}})
    doubting = run_pipeline(scan, {"ocr": {"low_confidence": 1.0}})
    assert trusting.loaded == doubting.loaded
    codes = [e.code for e in trusting.notice.errors]
    assert "low_confidence" not in codes and not any("confidence" in e.message for e in trusting.notice.errors)
    assert trusting.notice.records.subsidy_standards, "values read at any confidence are taken"
    reported = [e for e in doubting.notice.errors if e.code == "low_confidence"]
    cells = [c for t in doubting.notice.tables for c in t.cells if c.confidence is not None and c.confidence < 1.0]
    assert cells and len([e for e in reported if " cell " in e.message]) == len(cells)
    taken = [(r.training_hours, r.subsidy_yuan) for r in doubting.notice.records.subsidy_standards]
    assert all(value is None for pair in taken for value in pair), "no value is taken on OCR's word below the threshold"


# ---------------------------------------------------------------- from the command line and the batch


def test_run_settings_reach_every_notice_and_the_report(tmp_path, capsys):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    write_notice("A", "pdf", raw / "a.pdf")
    settings_file = tmp_path / "s.json"
    settings_file.write_text(json.dumps({"tables": {"min_columns": 40}}), encoding="utf-8")
    assert main(["run", "--raw", str(raw), "--out", str(out), "--report", str(tmp_path / "r.json"),
                 "--no-progress", "--settings", str(settings_file)]) == 0
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["settings"]["tables"]["min_columns"] == 40
    stored = json.loads(next(out.glob("a/v001.json")).read_text(encoding="utf-8"))
    assert stored["tables"] == [], "the run's settings reached the tables stage in the child process"
    # the batch in-process takes the same object
    report = run_batch(raw, tmp_path / "out2", None, progress=False, limits=RunLimits(seconds=None, memory_mb=None),
                       settings=PipelineSettings.resolve({"tables": {"min_columns": 40}}))
    assert report.settings["tables"]["min_columns"] == 40


@pytest.mark.parametrize("command", ["run", "notice"])
def test_bad_settings_on_the_command_line_are_a_usage_error(tmp_path, capsys, command):
    bad = tmp_path / "bad.json"
    bad.write_text('{"tables": {"min_colums": 3}}', encoding="utf-8")
    (tmp_path / "raw").mkdir()
    args = ["run", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "out"), "--report", str(tmp_path / "r.json")] \
        if command == "run" else ["notice", str(tmp_path / "x.pdf"), "-o", str(tmp_path / "x.json")]
    assert main([*args, "--settings", str(bad)]) == 2
    assert "unknown setting tables.min_colums" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() and not (tmp_path / "x.json").exists()
