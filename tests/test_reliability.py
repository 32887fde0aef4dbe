"""The layer around the documents under concurrency, signals, damage and hostile input: two
runs on one store, Ctrl-C and kill -9, a damaged store, names that are not UTF-8 or hold
control characters, links and FIFOs in the input folder, loops in a PDF's objects, bombs of
drawn lines, and JSON that is no notice. Processes and signals are real where the case is
about them; a full or read-only disk is simulated at the write, which is all a test can do
without mounting file systems."""

from __future__ import annotations

import errno
import json
import math
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import RAW, REPO

import extract.batch as batch
import extract.store.catalog as catalog
from extract.batch import RunLimits, run_batch
from extract.cli import main
from extract.model import Box, Ruling, SourceDocument, SourcePage
from extract.pipeline import extract_notice, notice_to_checked_json
from extract.settings import TableSettings
from extract.stages.tables import TooManyRulings, find_tables, rulings_to_components
from extract.store.catalog import add_version, stored_versions
from extract.store.validate import validation_errors

DUMP = RAW / "000_4205ec53f062ffe8.txt"   # a corpus dump: a real notice, extracted in a second


def raw_with(tmp_path: Path, names: list[str]) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in names:
        shutil.copy(DUMP, raw / name)
    return raw


def start_held_run(tmp_path: Path, raw: Path, out: Path, report: Path, hold: float = 60, *extra: str,
                   ctrl_c: bool = True):
    """A real runner process whose notices each take `hold` seconds; returns once it is running.
    It starts as from a terminal, Ctrl-C live, whatever this process was started with (a test
    run started as a background job of a script inherits Ctrl-C ignored); `ctrl_c=False` starts
    it with Ctrl-C ignored, as such a job."""
    env = {**os.environ, "SLOW_SECONDS": str(hold), "PYTHONPATH": str(REPO)}
    disposition = signal.SIG_DFL if ctrl_c else signal.SIG_IGN
    process = subprocess.Popen([sys.executable, str(REPO / "tests" / "slow_run.py"), "run", "--raw", str(raw),
                                "--out", str(out), "--report", str(report), "--no-progress", *extra],
                               cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, disposition))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if report.is_file() and json.loads(report.read_text(encoding="utf-8"))["state"] == "running":
            time.sleep(0.5)   # into its first notice
            return process
        time.sleep(0.05)
    process.kill()
    raise AssertionError("the held run did not start: " + process.stderr.read().decode())


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# ---------------------------------------------------------------- two writers


def test_a_second_run_on_a_busy_store_is_refused_and_the_first_finishes(tmp_path):
    raw = raw_with(tmp_path, ["a.txt"])
    out, report = tmp_path / "out", tmp_path / "report.json"
    report.write_text('{"state": "finished", "notices": []}', encoding="utf-8")   # a previous run's
    first = start_held_run(tmp_path, raw, out, report, hold=3)
    assert json.loads(report.read_text(encoding="utf-8"))["state"] == "running"   # the old one is not current
    second = subprocess.run([sys.executable, "-m", "extract", "run", "--raw", str(raw), "--out", str(out),
                             "--report", str(report), "--no-progress"], cwd=REPO, capture_output=True, text=True)
    assert second.returncode == 2
    assert "in use by another run" in second.stderr and "Traceback" not in second.stderr
    assert first.wait(timeout=120) == 0
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert saved["state"] == "finished" and saved["counts"]["ok"] == 1


def _claim_versions(root: str, tag: str, ids: list[str], start) -> None:
    start.wait()
    for nid in ids:
        document = {"source": {"sha256": (tag * 64)[:64]}, "schema_version": "1.4.0", "pipeline_version": tag}
        add_version(Path(root), nid, document, json.dumps(document) + "\n")


def test_two_writers_never_replace_each_others_versions(tmp_path):
    ids = [f"n{k:03d}" for k in range(150)]
    context = multiprocessing.get_context("fork")
    start = context.Barrier(2)
    writers = [context.Process(target=_claim_versions, args=(str(tmp_path), tag, ids, start)) for tag in "ab"]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
        assert writer.exitcode == 0
    for nid in ids:
        versions = stored_versions(tmp_path, nid)
        tags = sorted(json.loads(p.read_text())["pipeline_version"] for _, p in versions)
        assert tags == ["a", "b"], f"{nid}: a version was lost ({tags})"


# ---------------------------------------------------------------- signals


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_writes_its_report_and_leaves_no_child(tmp_path, signum):
    raw = raw_with(tmp_path, ["a.txt", "b.txt", "c.txt"])
    out, report = tmp_path / "out", tmp_path / "report.json"
    runner = start_held_run(tmp_path, raw, out, report)
    children = children_of(runner.pid)
    assert children, "each notice runs in a child process"
    runner.send_signal(signum)
    assert runner.wait(timeout=30) == 130
    stderr = runner.stderr.read().decode()
    assert "Traceback" not in stderr and "interrupted" in stderr
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert saved["state"] == "interrupted"
    assert saved["counts"]["not_run"] == 3
    assert {n["code"] for n in saved["notices"]} == {"interrupted"}
    assert saved["catalog"]   # the catalog still reflects the store
    time.sleep(0.5)
    assert not any(alive(pid) for pid in children)


# Armed by the test below: a signal this process sends itself from inside the next fork's callbacks.
_SIGNAL_IN_NEXT_FORK: list[int] = []


def _signal_if_armed() -> None:
    if _SIGNAL_IN_NEXT_FORK:
        os.kill(os.getpid(), _SIGNAL_IN_NEXT_FORK.pop())


os.register_at_fork(after_in_parent=_signal_if_armed)


def test_a_run_started_with_ctrl_c_ignored_keeps_it_ignored_and_stops_on_sigterm(tmp_path):
    """A background job of a script (`cmd &`) starts with Ctrl-C ignored: the run leaves it so
    (a Ctrl-C meant for the script's terminal does not stop it), and SIGTERM still stops it."""
    raw = raw_with(tmp_path, ["a.txt"])
    report = tmp_path / "report.json"
    runner = start_held_run(tmp_path, raw, tmp_path / "out", report, ctrl_c=False)
    runner.send_signal(signal.SIGINT)
    time.sleep(1)
    assert runner.poll() is None and json.loads(report.read_text(encoding="utf-8"))["state"] == "running"
    runner.send_signal(signal.SIGTERM)
    assert runner.wait(timeout=30) == 130
    assert json.loads(report.read_text(encoding="utf-8"))["state"] == "interrupted"


@pytest.fixture
def ctrl_c_live():
    """This process with Ctrl-C live (Python's own handler) for the test, as a run from a
    terminal has it, whatever the test run was started with."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_signal_while_a_worker_is_forked_stops_the_run(tmp_path, monkeypatch, ctrl_c_live, signum):
    """Python drops a KeyboardInterrupt raised in its at-fork callbacks (it prints "Exception
    ignored"): a Ctrl-C or SIGTERM that lands while a worker is being forked (here: sent from
    inside that fork) still stops the run at once, reported, instead of the run going on to
    the end of its notices (held 20 s each here)."""
    import extract.pipeline as pipeline

    real = pipeline.extract_notice

    def held(path, *args, **kwargs):
        time.sleep(20)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pipeline, "extract_notice", held)
    raw = raw_with(tmp_path, ["a.txt", "b.txt"])
    _SIGNAL_IN_NEXT_FORK.append(signum)
    started = time.monotonic()
    try:
        report = run_batch(raw, tmp_path / "out", None, progress=False, jobs=2,
                           limits=RunLimits(seconds=60, memory_mb=None))
    finally:
        _SIGNAL_IN_NEXT_FORK.clear()
    assert report.state == "interrupted"
    assert {o.code for o in report.outcomes} == {"interrupted"}
    assert time.monotonic() - started < 10


def test_a_child_dies_with_its_runner_on_kill_9(tmp_path):
    raw = raw_with(tmp_path, ["a.txt"])
    runner = start_held_run(tmp_path, raw, tmp_path / "out", tmp_path / "report.json")
    children = children_of(runner.pid)
    assert children
    os.kill(runner.pid, signal.SIGKILL)
    runner.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(pid) for pid in children):
        time.sleep(0.05)
    assert not any(alive(pid) for pid in children), "the child outlived its runner"


# ---------------------------------------------------------------- limits and error codes


@pytest.mark.parametrize("argument", [["--timeout", "-1"], ["--timeout", "nan"], ["--timeout", "inf"],
                                      ["--timeout", "soon"], ["--memory-mb", "-5"], ["--memory-mb", "1.5"]])
def test_limits_are_checked_as_arguments(tmp_path, argument, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["run", "--raw", str(tmp_path), "--out", str(tmp_path / "out"), *argument])
    assert stopped.value.code == 2
    assert argument[0] in capsys.readouterr().err


def test_memory_limit_counts_resident_memory_not_mapped(tmp_path, monkeypatch):
    """What an OCR runtime does: map far more than it touches. A notice that maps 6 GiB and
    touches little is not stopped at a 256 MiB limit; one that touches 1 GiB is."""
    import mmap

    import extract.pipeline as pipeline

    raw = raw_with(tmp_path, ["maps.txt", "touches.txt"])
    real = pipeline.extract_notice

    def greedy(path, *args):
        if path.name == "maps.txt":
            reserved = mmap.mmap(-1, 6 * 1024 ** 3)   # mapped, never touched
            notice = real(path, *args)
            reserved.close()
            return notice
        hoard = [b"x" * (64 * 1024 * 1024) for _ in range(16)]   # 1 GiB, every page written
        return hoard and real(path, *args)

    monkeypatch.setattr(pipeline, "extract_notice", greedy)
    report = run_batch(raw, tmp_path / "out", None, progress=False, limits=RunLimits(seconds=120, memory_mb=256))
    assert [(o.status, o.code) for o in report.outcomes] == [("ok", None), ("failed", "memory_limit")]
    assert "resident" in report.outcomes[1].message


def test_a_quick_death_is_no_time_limit(tmp_path, monkeypatch):
    import extract.pipeline as pipeline

    raw = raw_with(tmp_path, ["dies.txt"])
    monkeypatch.setattr(pipeline, "extract_notice", lambda path, *args: os._exit(3))
    started = time.monotonic()
    report = run_batch(raw, tmp_path / "out", None, progress=False, limits=RunLimits(seconds=300, memory_mb=None))
    assert time.monotonic() - started < 30
    assert [(o.code, o.message) for o in report.outcomes] == [("internal_error", "the extraction process died (exit code 3)")]


def test_memory_error_inside_the_parser_is_the_memory_limit(tmp_path, monkeypatch):
    """The same input gets the same code: a MemoryError is the limit wherever it is raised,
    never `unreadable_pdf: MemoryError`."""
    from extract.engines.pdfium_reader import PdfiumDocument

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / "yunnan-2023-digital-engineer.pdf", raw / "y.pdf")

    def exhausted(self, *args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(PdfiumDocument, "read_page", exhausted)
    for _ in range(2):
        report = run_batch(raw, tmp_path / "out", None, progress=False, limits=RunLimits(seconds=None, memory_mb=None))
        assert [o.code for o in report.outcomes] == ["memory_limit"]


# ---------------------------------------------------------------- the store's own names and damage


def test_an_input_named_like_the_catalog_gets_no_id_and_breaks_nothing(tmp_path):
    raw = raw_with(tmp_path, ["index.json.txt", "INDEX.JSON.txt", "good.txt"])
    out = tmp_path / "out"
    report = run_batch(raw, out, None, progress=False)
    codes = {Path(o.file).name: o.code for o in report.outcomes}
    assert codes == {"INDEX.JSON.txt": "reserved_id", "index.json.txt": "reserved_id", "good.txt": None}
    assert (out / "index.json").is_file() and report.store_problems == []
    assert run_batch(raw, out, None, progress=False).catalog


def test_a_folder_where_the_catalog_belongs_is_reported_not_a_traceback(tmp_path):
    raw = raw_with(tmp_path, ["good.txt"])
    out = tmp_path / "out"
    (out / "index.json").mkdir(parents=True)   # what an earlier version left for `index.json.txt`
    shutil.copy(DUMP, out / "index.json" / "v001.json")
    report = run_batch(raw, out, tmp_path / "report.json", progress=False)
    assert report.outcomes[0].status == "ok"
    assert report.catalog is None
    assert [(p.file, p.code) for p in report.store_problems] == [("index.json", "store_damaged")]
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["store_problems"]


def test_damage_in_the_store_is_reported_and_the_next_extraction_adds_a_version(tmp_path):
    raw = raw_with(tmp_path, ["a.txt", "b.txt", "c.txt", "d.txt"])
    out = tmp_path / "out"
    run_batch(raw, out, None, progress=False)
    good = json.loads((out / "a" / "v001.json").read_text(encoding="utf-8"))
    edited = dict(good, status="fine")                       # a hand-edited field
    (out / "b" / "v001.json").write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
    missing = {k: v for k, v in good.items() if k != "document"}   # a missing key
    (out / "c" / "v001.json").write_text(json.dumps(missing, ensure_ascii=False), encoding="utf-8")
    text = (out / "d" / "v001.json").read_text(encoding="utf-8")   # cut between characters, not inside one
    (out / "d" / "v001.json").write_text(text[: len(text) // 2], encoding="utf-8")   # truncated
    report = run_batch(raw, out, None, progress=False)
    assert sorted((p.file, p.code) for p in report.store_problems) == [
        ("b/v001.json", "store_damaged"), ("c/v001.json", "store_damaged"), ("d/v001.json", "store_damaged")]
    assert "not JSON" in next(p.message for p in report.store_problems if p.file == "d/v001.json")
    added = {Path(o.file).stem: (o.status, o.added, Path(o.output).name) for o in report.outcomes}
    assert added == {"a": ("ok", False, "v001.json"), "b": ("ok", True, "v002.json"),
                     "c": ("ok", True, "v002.json"), "d": ("ok", True, "v002.json")}
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert {e["id"]: [v["version"] for v in e["versions"]] for e in index["notices"]} == \
        {"a": [1], "b": [2], "c": [2], "d": [2]}
    assert main(["run", "--raw", str(raw), "--out", str(out), "--report", str(tmp_path / "r.json"),
                 "--no-progress"]) == 1   # damage is still there, and still said


def test_migrate_goes_on_past_a_document_it_cannot_migrate(tmp_path, capsys):
    fixture = REPO / "tests" / "fixtures" / "notice-1.0.0-yunnan.json"
    old = json.loads(fixture.read_text(encoding="utf-8"))
    for nid, version in (("a-future", "9.9.9"), ("b-old", "1.0.0"), ("c-old", "1.0.0")):
        (tmp_path / nid).mkdir()
        (tmp_path / nid / "v001.json").write_text(json.dumps(dict(old, id=nid, schema_version=version),
                                                             ensure_ascii=False), encoding="utf-8")
    assert main(["migrate", "--store", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "a-future/v001.json" in err and "Traceback" not in err
    assert [p.name for p in sorted(tmp_path.glob("*/v002.json"))] == ["v002.json", "v002.json"]
    index = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    assert [e["id"] for e in index["notices"]] == ["b-old", "c-old"]


@pytest.mark.parametrize("code, errno_value", [("disk_full", errno.ENOSPC), ("store_not_writable", errno.EROFS)])
def test_a_full_or_read_only_store_has_its_own_code(tmp_path, monkeypatch, code, errno_value):
    raw = raw_with(tmp_path, ["a.txt", "b.txt"])

    def refused(path, text):
        raise OSError(errno_value, os.strerror(errno_value), str(path))

    monkeypatch.setattr(catalog, "create_atomic", refused)
    report = run_batch(raw, tmp_path / "out", tmp_path / "report.json", progress=False,
                       limits=RunLimits(seconds=None, memory_mb=None))
    assert [(o.status, o.code) for o in report.outcomes] == [("failed", code)] * 2
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["state"] == "finished"


def test_a_store_that_cannot_be_written_at_all_stops_the_run_with_a_report(tmp_path, monkeypatch, capsys):
    raw = raw_with(tmp_path, ["a.txt"])

    def read_only(self):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self.path))

    monkeypatch.setattr(batch.StoreLock, "__enter__", read_only)
    assert main(["run", "--raw", str(raw), "--out", str(tmp_path / "out"), "--report", str(tmp_path / "r.json"),
                 "--no-progress"]) == 1
    saved = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert saved["state"] == "stopped" and saved["error"]["code"] == "store_not_writable"
    assert "store_not_writable" in capsys.readouterr().err


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_store_files_follow_the_umask(tmp_path, umask, mode):
    raw = raw_with(tmp_path, ["a.txt"])
    previous = os.umask(umask)
    try:
        run_batch(raw, tmp_path / "out", tmp_path / "report.json", progress=False,
                  limits=RunLimits(seconds=None, memory_mb=None))
    finally:
        os.umask(previous)
    for path in [tmp_path / "out" / "a" / "v001.json", tmp_path / "out" / "index.json", tmp_path / "report.json"]:
        assert path.stat().st_mode & 0o777 == mode, path


# ---------------------------------------------------------------- what is in the input folder


def test_links_fifos_and_what_is_in_subfolders_are_reported(tmp_path):
    raw = raw_with(tmp_path, ["good.txt"])
    outside = tmp_path / "elsewhere.txt"
    shutil.copy(DUMP, outside)
    (raw / "passwd.txt").symlink_to("/etc/passwd")
    (raw / "outside.txt").symlink_to(outside)
    (raw / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (raw / "loop.txt").symlink_to(raw / "loop.txt")
    os.mkfifo(raw / "pipe.txt")
    (raw / "folder.pdf").mkdir()   # a folder is read into (inputs by province and year): here, empty
    os.mkfifo(raw / "folder.pdf" / "inner.txt")
    report = run_batch(raw, tmp_path / "out", None, progress=False)
    codes = {Path(o.file).name: (o.code, o.message) for o in report.outcomes}
    assert {name: code for name, (code, _) in codes.items()} == {
        "good.txt": None, "passwd.txt": "not_a_regular_file", "outside.txt": "not_a_regular_file",
        "dangling.txt": "not_a_regular_file", "loop.txt": "not_a_regular_file",
        "pipe.txt": "not_a_regular_file", "inner.txt": "not_a_regular_file"}
    assert "/etc/passwd" in codes["passwd.txt"][1] and "FIFO" in codes["pipe.txt"][1]
    assert not (tmp_path / "out" / "passwd").exists()
    allowed = run_batch(raw, tmp_path / "out2", None, progress=False, follow_symlinks=True)
    codes = {Path(o.file).name: (o.status, o.code) for o in allowed.outcomes}
    assert codes["outside.txt"] == ("ok", None)
    assert codes["passwd.txt"][0] != "ok"   # read when allowed, and no Chinese notice
    assert (codes["dangling.txt"], codes["loop.txt"]) == (("failed", "not_a_regular_file"),) * 2
    assert "dangling" in next(o.message for o in allowed.outcomes if o.file.endswith("dangling.txt"))


def test_names_that_are_not_utf8_or_hold_controls_are_escaped_everywhere(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    hostile = [b"\xff\xfe gbk \xc4\xe3.txt", b"title\x1b]0;owned\x07.txt", b"rlo\xe2\x80\xaegpj.txt"]
    for name in hostile:
        shutil.copy(DUMP, os.path.join(os.fsencode(raw), name))
    out, report = tmp_path / "out", tmp_path / "report.json"
    result = subprocess.run([sys.executable, "-m", "extract", "run", "--raw", str(raw), "--out", str(out),
                             "--report", str(report), "--no-progress"], cwd=REPO, capture_output=True)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    for control in (b"\x1b", b"\x07", "\u202e".encode()):
        assert control not in result.stderr
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert sorted(Path(n["file"]).name for n in saved["notices"]) == sorted(
        ["\\xff\\xfe gbk \\xc4\\xe3.txt", "title\\x1b]0;owned\\x07.txt", "rlo\\u202egpj.txt"])
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == sorted(
        ["%FF%FE_gbk_%C4%E3", "title%1B]0;owned%07", "rlo%u202Egpj"])
    for path in out.glob("*/v001.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        assert validation_errors(document) == [] and "\x1b" not in document["source"]["file"]


# ---------------------------------------------------------------- what is in the input


def test_control_characters_in_the_text_are_removed_and_reported(tmp_path):
    text = DUMP.read_text(encoding="utf-8").splitlines()
    text[0] = "\x1b[2J\x1b]0;owned\x07" + text[0] + "\u202e"
    dump = tmp_path / "controls.txt"
    dump.write_text("\n".join(text) + "\n", encoding="utf-8")
    notice = extract_notice(dump)
    body = notice_to_checked_json(notice)
    for control in ("\x1b", "\x07", "\u202e", "\\u001b"):
        assert control not in body
    assert [e.code for e in notice.errors] == ["control_characters"]
    assert "4 control characters" in notice.errors[0].message


def test_stored_control_characters_are_escaped_when_printed(tmp_path, capsys):
    store = tmp_path / "store"
    raw = raw_with(tmp_path, ["a.txt"])
    run_batch(raw, store, None, progress=False)
    path = store / "a" / "v001.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["document"]["title"] = "\x1b]0;owned\x07" + document["document"]["title"]
    document["preamble"][0]["text"] += "\x1b[2J"
    (store / "a" / "v002.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    catalog.write_catalog(store)
    assert main(["history", "a", "--store", str(store)]) == 0
    for fmt in ("markdown", "html", "json"):
        assert main(["diff", "a@1", "a@2", "--store", str(store), "--format", fmt]) == 1
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out and "\x07" not in captured.out
    assert "\\x1b]0;owned" in captured.out


def test_text_that_is_no_chinese_is_not_ok(tmp_path):
    """Random bytes, Big5 read as GB18030, and a PDF whose font is null (its glyphs come out as
    ASCII punctuation) are failed or partial with a code, never an `ok` notice."""
    rng = random.Random(7)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "random.txt").write_bytes(bytes(rng.randrange(1, 256) for _ in range(100_000)))
    big5 = "關於做好職業技能培訓補貼工作的通知\n各市人力資源和社會保障局：\n為進一步做好職業技能培訓工作，現將有關事項通知如下。\n"
    (raw / "big5.txt").write_bytes((big5 * 5).encode("big5"))
    (raw / "latin.txt").write_text("Notice on subsidies for vocational training.\n" * 20, encoding="utf-8")
    content = b"BT /F1 24 Tf 72 700 Td <0102030405060708090a0b0c0d0e0f> Tj ET BT /F1 12 Tf 72 600 Td <1112131415161718191a1b1c1d1e1f2021222324252627> Tj ET"
    (raw / "nullfont.pdf").write_bytes(small_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 null >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]))
    report = run_batch(raw, tmp_path / "out", None, progress=False)
    outcomes = {Path(o.file).name: (o.status, o.code or o.warnings) for o in report.outcomes}
    assert outcomes["random.txt"] == ("failed", "unknown_text_encoding")
    for name in ("big5.txt", "latin.txt"):
        status, warnings = outcomes[name]
        assert status == "partial" and any(w.startswith("implausible_text") for w in warnings), (name, outcomes[name])
    # the page is read by OCR (undecodable glyphs): what it sees is punctuation, or nothing
    status, said = outcomes["nullfont.pdf"]
    assert (status, said) == ("failed", "no_text_layer") or \
        (status == "partial" and any(w.startswith("implausible_text") for w in said)), said


def small_pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1, the first the catalog) with a correct xref."""
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


@pytest.mark.parametrize("chain", [[b"6 0 R"], [b"7 0 R", b"6 0 R"], [b"7 0 R", b"8 0 R", b"6 0 R"]])
def test_objects_that_refer_to_each_other_in_a_loop_fail_at_once(tmp_path, chain):
    content = b"BT /F1 12 Tf 72 700 Td (x) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox 6 0 R /Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream", b"<< >>", *chain]
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "loop.pdf").write_bytes(small_pdf(objects))
    report = run_batch(raw, tmp_path / "out", None, progress=False, limits=RunLimits(seconds=60, memory_mb=None))
    assert [o.code for o in report.outcomes] == ["unreadable_pdf"]
    assert "loop" in report.outcomes[0].message


@pytest.mark.parametrize("data, loop", [
    (b"6 0 obj 7 0 R endobj 7 0 obj\n6 0 R\nendobj", [6, 7, 6]),
    (b"16 0 obj\r\n17 0 R\r\nendobj\n17 0 obj 16 0 R endobj", [16, 17, 16]),
    (b"6 0 obj 6 0 R endobj", [6, 6]),
    (b"106 0 obj 7 0 R endobj 7 0 obj 6 0 R endobj", []),          # object 106 is not object 6
    (b"6 0 obj << /A 7 0 R >> endobj 7 0 obj 6 0 R endobj", []),   # a dictionary is a value
    (b"6 0 obj 7 0 R endobj 7 0 obj 8 0 R endobj", []),            # a chain that ends
])
def test_reference_loops_are_found_by_their_objects_numbers(data, loop):
    from extract.stages.load import reference_loop

    assert reference_loop(b"%PDF-1.4\n" + data + b"\n%%EOF\n") == loop


def test_the_input_is_read_once(tmp_path, monkeypatch):
    """A file replaced after it was read does not reach the document: the stages that render
    the page (OCR here: a scan) work from the bytes the load stage read and hashed."""
    import hashlib

    from conftest import jiangxi_spec
    from notice_gen import write_notice_pdf
    from scan_gen import write_scan

    import extract.pipeline as pipeline

    born = tmp_path / "born.pdf"
    write_notice_pdf(born, jiangxi_spec())
    scan = tmp_path / "scan.pdf"
    write_scan(born, scan)
    original = scan.read_bytes()
    real_load = pipeline.load_pdf

    def load_then_replace(path, name):
        source = real_load(path, name)
        path.write_bytes(b"%PDF-1.4 replaced")   # what a crawler writing over the file does
        return source

    monkeypatch.setattr(pipeline, "load_pdf", load_then_replace)
    notice = extract_notice(scan)
    assert notice.source.sha256 == hashlib.sha256(original).hexdigest()
    assert notice.pages[0].source == "ocr" and notice.document.title


# ---------------------------------------------------------------- bounded cost


def _all_pairs_components(rulings: list[Ruling], touch: float) -> list[set[int]]:
    """The reference: every pair compared."""
    parent = list(range(len(rulings)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(rulings):
        for j in range(i + 1, len(rulings)):
            b = rulings[j]
            if (a.box.x0 - touch <= b.box.x1 and b.box.x0 - touch <= a.box.x1
                    and a.box.top - touch <= b.box.bottom and b.box.top - touch <= a.box.bottom):
                parent[root(i)] = root(j)
    groups: dict[int, set[int]] = {}
    for i in range(len(rulings)):
        groups.setdefault(root(i), set()).add(i)
    return sorted((g for g in groups.values()), key=min)


def random_rulings(rng: random.Random, count: int, width: float = 595, height: float = 842) -> list[Ruling]:
    out = []
    for _ in range(count):
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        length = rng.choice([rng.uniform(2, 20), rng.uniform(20, 200), rng.uniform(200, 600)])
        thickness = rng.uniform(0.2, 2)
        if rng.random() < 0.5:
            out.append(Ruling(box=Box(x0=x, top=y, x1=x + length, bottom=y + thickness)))
        else:
            out.append(Ruling(box=Box(x0=x, top=y, x1=x + thickness, bottom=y + length)))
    return out


@pytest.mark.parametrize("seed, count", [(1, 0), (2, 1), (3, 40), (4, 300), (5, 900)])
def test_ruling_groups_are_those_of_comparing_every_pair(seed, count):
    rulings = random_rulings(random.Random(seed), count)
    index = {id(r): k for k, r in enumerate(rulings)}
    settings = TableSettings()
    expected = [g for g in _all_pairs_components(rulings, settings.touch)
                if sum(rulings[k].is_horizontal for k in g) >= 2 and sum(not rulings[k].is_horizontal for k in g) >= 2]
    found = [{index[id(r)] for r in group} for group in rulings_to_components(rulings, settings)]
    assert sorted(found, key=min) == expected


@pytest.mark.parametrize("shape", ["count", "hatching"])
def test_a_page_drawn_too_densely_is_reported_not_searched(shape):
    rng = random.Random(11)
    if shape == "count":
        rulings = random_rulings(rng, TableSettings().max_rulings + 1)
    else:   # a few hundred lines through one spot: a hatch, a seal, a bomb
        rulings = [Ruling(box=Box(x0=100 + k * 0.01, top=100, x1=100.5 + k * 0.01, bottom=110)) for k in range(300)]
    page = SourcePage(number=1, width=595, height=842, rulings=tuple(rulings))
    with pytest.raises(TooManyRulings):
        rulings_to_components(rulings, TableSettings())
    found = find_tables(SourceDocument(file="x.pdf", sha256="0" * 64, media_type="application/pdf", page_count=1,
                                       pages=(page,)))
    assert found.tables == () and [e.code for e in found.errors] == ["table_unreadable"]


# ---------------------------------------------------------------- JSON that is no notice


@pytest.mark.parametrize("content", ["[]", '{"document": []}', "[" * 100_000 + "]" * 100_000, '"text"', "not json"])
def test_review_commands_reject_json_that_is_no_notice(tmp_path, capsys, content):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    good_store = tmp_path / "store"
    run_batch(raw_with(tmp_path, ["a.txt"]), good_store, None, progress=False)
    good = str(good_store / "a" / "v001.json")
    assert main(["diff", good, str(bad)]) == 2
    assert main(["diff", str(bad), good]) == 2
    assert main(["validate", str(bad)]) == 2
    (good_store / "index.json").write_text(content, encoding="utf-8")
    assert main(["history", "a", "--store", str(good_store)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "error" in err


def test_limits_are_positive_and_finite():
    for seconds in (-1.0, 0.0, math.nan, math.inf):
        with pytest.raises(ValueError):
            RunLimits(seconds=seconds)
    with pytest.raises(ValueError):
        RunLimits(memory_mb=-5)
