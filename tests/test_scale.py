"""A batch on every core, over inputs in subfolders, that skips what the store already holds:
the store and the report are the same whatever the number of jobs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from notice_gen import write_notice_dump

import extract.pipeline as pipeline
from extract.batch import RunLimits, run_batch, scan_inputs
from extract.cli import main

REPO = Path(__file__).resolve().parent.parent
UNLIMITED = RunLimits(seconds=None, memory_mb=None)


def store_files(root: Path) -> dict[str, bytes]:
    """Every file of a store but the run lock and the validation cache, by path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name not in (".lock", ".checked")}


def test_two_jobs_give_the_store_and_report_of_one(tmp_path):
    """The corpus and the external Chinese documents (11 notices: PDFs with sideways tables,
    dumps, budgets of 25 pages), extracted on one core and on two."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in [*sorted((REPO / "data" / "raw").iterdir()), *sorted((REPO / "tests" / "external" / "cn-gov").iterdir())]:
        shutil.copy(path, raw / path.name)
    stores, reports = [], []
    for jobs in (1, 2):
        out, report = tmp_path / f"out{jobs}", tmp_path / f"report{jobs}.json"
        result = run_batch(raw, out, report, progress=False, jobs=jobs)
        assert [o.status for o in result.outcomes].count("failed") == 0
        stores.append(store_files(out))
        reports.append(report.read_text(encoding="utf-8").replace(str(out), "OUT"))
    assert len(stores[0]) == 12 and stores[0] == stores[1]
    assert reports[0] == reports[1]


def test_outcomes_are_reported_in_input_order_whatever_finishes_first(tmp_path, monkeypatch, jiangxi):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("a", "b", "c", "d"):
        write_notice_dump(raw / f"{name}.txt", jiangxi)
    real = pipeline.extract_notice

    def slow_first(path, *args):
        if path.name == "a.txt":
            import time
            time.sleep(3)   # the first input finishes last
        return real(path, *args)

    monkeypatch.setattr(pipeline, "extract_notice", slow_first)
    report = run_batch(raw, tmp_path / "out", None, progress=False, jobs=3)
    assert [o.file.rsplit("/", 1)[-1] for o in report.outcomes] == ["a.txt", "b.txt", "c.txt", "d.txt"]
    assert all(o.status == "ok" for o in report.outcomes)


def test_inputs_in_subfolders_get_unique_stable_ids(tmp_path, jiangxi):
    """Provinces and years as folders: the same file name under two provinces is two notices."""
    raw = tmp_path / "raw"
    for folder in ("henan/2025", "yunnan/2025", "yunnan/2026"):
        (raw / folder).mkdir(parents=True)
        write_notice_dump(raw / folder / "notice.txt", jiangxi)
    write_notice_dump(raw / "top.txt", jiangxi)
    (raw / "empty").mkdir()
    (raw / ".hidden").mkdir()
    write_notice_dump(raw / ".hidden" / "x.txt", jiangxi)
    ids = [item.notice_id for item in scan_inputs(raw)]
    assert ids == ["henan__2025__notice", "top", "yunnan__2025__notice", "yunnan__2026__notice"]
    out = tmp_path / "out"
    report = run_batch(raw, out, None, progress=False, limits=UNLIMITED, jobs=1)
    assert [o.status for o in report.outcomes] == ["ok"] * 4
    stored = sorted(p.parent.name for p in out.glob("*/v001.json"))
    assert stored == sorted(ids)
    document = json.loads((out / "yunnan__2026__notice" / "v001.json").read_text(encoding="utf-8"))
    assert document["id"] == "yunnan__2026__notice" and document["source"]["file"].endswith("yunnan/2026/notice.txt")
    assert [item.notice_id for item in scan_inputs(raw)] == ids, "ids are the same from run to run"


def test_a_linked_folder_is_read_only_when_links_are_followed_and_never_twice(tmp_path, jiangxi):
    raw = tmp_path / "raw"
    (raw / "a").mkdir(parents=True)
    write_notice_dump(raw / "a" / "n.txt", jiangxi)
    (raw / "b").symlink_to(raw / "a", target_is_directory=True)
    (raw / "a" / "loop").symlink_to(raw, target_is_directory=True)
    plain = scan_inputs(raw)
    assert [(i.notice_id, bool(i.problem)) for i in plain] == [("a__loop", True), ("a__n", False), ("b", True)]
    followed = scan_inputs(raw, follow_symlinks=True)
    assert [i.notice_id for i in followed] == ["a__n"], "the linked folder and the loop lead to a folder already read"


def count_extractions(monkeypatch) -> list[str]:
    """The names of the inputs `extract_notice` is called on from now, in order."""
    parsed: list[str] = []
    real = pipeline.extract_notice

    def counting(path, *args):
        parsed.append(path.name)
        return real(path, *args)

    monkeypatch.setattr(pipeline, "extract_notice", counting)
    return parsed


def test_unchanged_inputs_are_skipped_before_anything_is_parsed(tmp_path, monkeypatch, jiangxi):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    write_notice_dump(raw / "a.txt", jiangxi)
    write_notice_dump(raw / "b.txt", jiangxi)
    first = run_batch(raw, out, None, progress=False, limits=UNLIMITED, jobs=1)
    before = store_files(out)
    parsed = count_extractions(monkeypatch)
    again = run_batch(raw, out, None, progress=False, limits=UNLIMITED, jobs=1)
    assert parsed == [] and store_files(out) == before
    assert [(o.status, o.output, o.added, o.warnings) for o in again.outcomes] == \
        [(o.status, o.output, False, o.warnings) for o in first.outcomes]
    # a changed input is extracted, and only it
    write_notice_dump(raw / "b.txt", jiangxi, width_chars=20)
    changed = run_batch(raw, out, None, progress=False, limits=UNLIMITED, jobs=1)
    assert parsed == ["b.txt"] and [o.added for o in changed.outcomes] == [False, True]
    # a damaged latest version is not trusted: the input is extracted again
    (out / "a" / "v001.json").write_text("{", encoding="utf-8")
    run_batch(raw, out, None, progress=False, limits=UNLIMITED, jobs=1)
    assert parsed == ["b.txt", "a.txt"] and (out / "a" / "v002.json").is_file()


@pytest.mark.parametrize("other", [{"layout": {"columns_gutter": 3.0}}, {"ocr": {"low_confidence": 0.55}},
                                   {"tables": {"min_columns": 3}}])
def test_other_settings_make_a_new_version_and_the_same_ones_do_not(tmp_path, monkeypatch, jiangxi, other):
    """The settings are part of a version's key: over unchanged inputs, a run with other
    settings extracts again and stores a new version, whatever part they touch, even one that
    changes no byte of the document but its `settings_sha256`; the same settings, however
    written (a dict naming the defaults), skip."""
    from extract.settings import PipelineSettings

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    write_notice_dump(raw / "a.txt", jiangxi)
    run_batch(raw, out, None, progress=False, limits=UNLIMITED, jobs=1)
    parsed = count_extractions(monkeypatch)
    defaults_spelt_out = PipelineSettings().to_dict()
    same = run_batch(raw, out, None, progress=False, limits=UNLIMITED, jobs=1, settings=defaults_spelt_out)
    assert parsed == [] and [o.added for o in same.outcomes] == [False]
    changed = run_batch(raw, out, None, progress=False, limits=UNLIMITED, jobs=1, settings=other)
    assert parsed == ["a.txt"] and [o.added for o in changed.outcomes] == [True]
    first, second = (json.loads((out / "a" / f"v00{k}.json").read_text(encoding="utf-8")) for k in (1, 2))
    assert first["settings_sha256"] != second["settings_sha256"]
    assert second["settings_sha256"] == pipeline.settings_digest(PipelineSettings.resolve(other))
    back = run_batch(raw, out, None, progress=False, limits=UNLIMITED, jobs=1)
    assert parsed == ["a.txt", "a.txt"] and [o.added for o in back.outcomes] == [True], "v003: the defaults again"


@pytest.mark.parametrize("value", ["0", "-2", "two"])
def test_jobs_must_be_a_whole_number_of_one_or_more(tmp_path, capsys, value):
    (tmp_path / "raw").mkdir()
    with pytest.raises(SystemExit) as exited:
        main(["run", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "out"), "--jobs", value])
    assert exited.value.code == 2 and "--jobs" in capsys.readouterr().err


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_worker_loads_the_ocr_models_once_for_all_its_scans(tmp_path, monkeypatch, jobs):
    """Workers are long-lived: three scans on one worker load the OCR models once; on two
    workers, at most twice. Each load is logged by the process that made it."""
    import os

    from scan_gen import write_scan
    from table_gen import subsidy_spec, write_table_pdf

    import extract.engines.ocr_engine as engine

    raw = tmp_path / "raw"
    raw.mkdir()
    for k, trade in enumerate(["焊工", "电工", "钳工"]):
        write_table_pdf(tmp_path / f"t{k}.pdf", subsidy_spec([(trade, f"6-18-02-0{k}", [100 + k, 900])], ["一级"],
                                                             title="补贴标准表"))
        write_scan(tmp_path / f"t{k}.pdf", raw / f"scan-{k}.pdf")
    log = tmp_path / "loads.log"
    real = engine.ocr_engine
    real.cache_clear()

    def logged(*args, **kwargs):
        misses = real.cache_info().misses
        loaded = real(*args, **kwargs)
        if real.cache_info().misses > misses:
            with open(log, "a", encoding="ascii") as out:
                out.write(f"{os.getpid()}\n")
        return loaded

    monkeypatch.setattr(engine, "ocr_engine", logged)
    report = run_batch(raw, tmp_path / "out", None, progress=False, jobs=jobs, limits=RunLimits(seconds=600))
    assert all(o.status != "failed" for o in report.outcomes), report.outcomes
    loads = log.read_text(encoding="ascii").split()
    assert len(loads) == len(set(loads)), "a worker loaded the models twice"
    assert 1 <= len(loads) <= jobs
    assert str(os.getpid()) not in loads, "the runner itself loads nothing"


@pytest.mark.parametrize("max_notices,workers", [(1, 3), (2, 2), (100, 1)])
def test_a_worker_is_replaced_after_its_share_of_notices(tmp_path, monkeypatch, jiangxi, max_notices, workers):
    """One job, three notices: a worker takes at most `WORKER_MAX_NOTICES` of them, then a new
    one takes over; the store is whole either way. Each extraction logs its process."""
    import os

    import extract.batch as batch

    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("a", "b", "c"):
        write_notice_dump(raw / f"{name}.txt", jiangxi)
    log = tmp_path / "pids.log"
    real = pipeline.extract_notice

    def logged(path, *args):
        with open(log, "a", encoding="ascii") as out:
            out.write(f"{os.getpid()}\n")
        return real(path, *args)

    monkeypatch.setattr(pipeline, "extract_notice", logged)
    monkeypatch.setattr(batch, "WORKER_MAX_NOTICES", max_notices)
    report = run_batch(raw, tmp_path / "out", None, progress=False, jobs=1, limits=RunLimits(seconds=120))
    assert [o.status for o in report.outcomes] == ["ok"] * 3
    pids = log.read_text(encoding="ascii").split()
    assert len(pids) == 3 and len(set(pids)) == workers
