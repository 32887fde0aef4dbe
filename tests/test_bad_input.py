"""Bad input and batch runs: every broken notice is reported with its file and reason, the
good ones are still extracted, and the store only ever holds valid JSON."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import RAW, REPO, snapshot
from notice_gen import CJK_FONT, write_notice_dump, write_notice_pdf
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

import extract.pipeline as pipeline
from extract.batch import RunLimits, run_batch
from extract.store.validate import SchemaViolation, validation_errors

GOOD = ["henan-2025-digital-talent.pdf", "yunnan-2023-digital-engineer.pdf"]


def encrypted_pdf(path: Path, user: str, owner: str) -> None:
    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt=StandardEncryption(user, ownerPassword=owner))
    pdf.setFont(CJK_FONT, 16)
    pdf.drawString(80, 700, "某市关于做好年度培训工作的通知")
    pdf.drawString(80, 670, "各区人力资源局：请按要求报送材料。")
    pdf.save()


def scanned_pdf(path: Path) -> None:
    """A page that is only a picture: no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    picture = Image.new("L", (600, 800), 255)
    ImageDraw.Draw(picture).rectangle([50, 50, 550, 120], fill=0)
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawImage(ImageReader(picture), 0, 0, width=A4[0], height=A4[1])
    pdf.save()


def long_pdf(path: Path, pages: int, lines_per_page: int = 1) -> None:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for number in range(1, pages + 1):
        pdf.setFont(CJK_FONT, 14)
        if number == 1:
            pdf.setFont(CJK_FONT, 22)
            pdf.drawString(100, 760, "某省年度统计资料汇编")
            pdf.setFont(CJK_FONT, 14)
        for line in range(lines_per_page):
            pdf.drawString(80, 700 - 16 * line, f"第{number}部分数据说明，本页内容为统计口径的解释。")
        pdf.drawString(280, 50, f"— {number} —")
        pdf.showPage()
    pdf.save()


@pytest.fixture
def raw_with_bad_inputs(tmp_path, jiangxi):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in GOOD:
        shutil.copy(RAW / name, raw / name)
    henan = (RAW / GOOD[0]).read_bytes()
    (raw / "zero.pdf").write_bytes(b"")
    (raw / "truncated.pdf").write_bytes(henan[: len(henan) // 3])
    (raw / "not-a-pdf.pdf").write_text("<html>这不是PDF</html>", encoding="utf-8")
    encrypted_pdf(raw / "user-password.pdf", user="secret", owner="owner")
    encrypted_pdf(raw / "owner-password-only.pdf", user="", owner="owner")
    scanned_pdf(raw / "scan.pdf")
    long_pdf(raw / "long.pdf", 300)
    write_notice_dump(raw / "gb18030 dump.txt", jiangxi, encoding="gb18030")
    write_notice_pdf(raw / "江西 通知 2024.pdf", jiangxi)
    (raw / "latin1.txt").write_bytes("caf\xe9 \x81\x82\x83".encode("latin-1") + b"\xff\xfe\x00")
    (raw / "notes.docx").write_bytes(b"PK\x03\x04")
    return raw


def test_batch_survives_bad_inputs(tmp_path, raw_with_bad_inputs):
    out = tmp_path / "out"
    started = time.perf_counter()
    report = run_batch(raw_with_bad_inputs, out, tmp_path / "report.json", progress=False)
    status = {Path(o.file).name: (o.status, o.code) for o in report.outcomes}
    assert status == {
        "henan-2025-digital-talent.pdf": ("ok", None),
        "yunnan-2023-digital-engineer.pdf": ("ok", None),
        "zero.pdf": ("failed", "empty_file"),
        "truncated.pdf": ("failed", "truncated_pdf"),
        "not-a-pdf.pdf": ("failed", "not_a_pdf"),
        "user-password.pdf": ("failed", "encrypted_pdf"),
        "owner-password-only.pdf": ("ok", None),
        "scan.pdf": ("failed", "no_text_layer"),
        "long.pdf": ("ok", None),
        "gb18030 dump.txt": ("ok", None),
        "江西 通知 2024.pdf": ("ok", None),
        "latin1.txt": ("failed", "unknown_text_encoding"),
        "notes.docx": ("failed", "unsupported_input"),
    }
    for outcome in report.failed:
        assert outcome.message, f"{outcome.file} failed without a reason"
    written = sorted(out.glob("*/v*.json"))
    assert len(written) == sum(1 for s, _ in status.values() if s == "ok")
    for path in out.rglob("*.json"):  # the documents and the catalog
        assert validation_errors(json.loads(path.read_text(encoding="utf-8"))) == []
    saved = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert saved["counts"]["failed"] == 7
    assert {n["file"].rsplit("/", 1)[-1] for n in saved["notices"] if n["status"] == "failed"} == \
        {name for name, (s, _) in status.items() if s == "failed"}
    long_doc = json.loads((out / "long" / "v001.json").read_text(encoding="utf-8"))
    assert long_doc["source"]["pages"] == 300
    print(f"batch of {len(status)} inputs in {time.perf_counter() - started:.1f}s")


def test_failed_notice_leaves_previous_version_untouched(tmp_path, jiangxi):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    write_notice_pdf(raw / "notice.pdf", jiangxi)
    run_batch(raw, out, None, progress=False)
    before = snapshot(out)
    (raw / "notice.pdf").write_bytes((raw / "notice.pdf").read_bytes()[:200])
    report = run_batch(raw, out, None, progress=False)
    assert report.outcomes[0].code == "truncated_pdf"
    assert snapshot(out) == before


def test_schema_failure_is_reported_not_written(tmp_path, jiangxi, monkeypatch):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    write_notice_pdf(raw / "a.pdf", jiangxi)
    write_notice_pdf(raw / "b.pdf", jiangxi)
    real = pipeline.validation_errors

    def reject_b(document):  # the checked-in schema rejecting b's document, whatever the reason
        return [SchemaViolation("/document/title", "rejected")] if document["id"] == "b" else real(document)

    monkeypatch.setattr(pipeline, "validation_errors", reject_b)
    report = run_batch(raw, out, None, progress=False)
    assert [(o.status, o.code) for o in report.outcomes] == [("ok", None), ("failed", "schema_invalid")]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json")) == ["a/v001.json", "index.json"]


def test_time_limit_stops_one_notice_not_the_run(tmp_path, jiangxi):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    long_pdf(raw / "a-long.pdf", 400, lines_per_page=40)   # far more than a second's work, however fast
    write_notice_dump(raw / "b.txt", jiangxi)
    report = run_batch(raw, out, None, progress=False, limits=RunLimits(seconds=1.0, memory_mb=None))
    assert [(o.status, o.code) for o in report.outcomes] == [("failed", "time_limit"), ("ok", None)]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json")) == ["b/v001.json", "index.json"]


def test_memory_limit_stops_one_notice_not_the_run(tmp_path, jiangxi, monkeypatch):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    write_notice_dump(raw / "a.txt", jiangxi)
    write_notice_dump(raw / "b.txt", jiangxi)
    real = pipeline.extract_notice

    def hungry(path, *args):  # a pathological input that makes a stage allocate without end
        if path.name == "a.txt":
            hoard = []
            while True:
                hoard.append(bytearray(64 * 1024 * 1024))
        return real(path, *args)

    monkeypatch.setattr(pipeline, "extract_notice", hungry)
    limits = RunLimits(seconds=60, memory_mb=512)
    report = run_batch(raw, out, None, progress=False, limits=limits)
    assert [(o.status, o.code) for o in report.outcomes] == [("failed", "memory_limit"), ("ok", None)]


def test_killed_run_leaves_a_consistent_store_and_the_next_run_finishes(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for k in range(6):
        shutil.copy(RAW / GOOD[k % 2], raw / f"n{k}.pdf")
    command = [sys.executable, "-m", "extract", "run", "--raw", str(raw), "--out", str(out),
               "--report", str(tmp_path / "report.json"), "--no-progress"]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (out.is_dir() and any(out.glob("*/v*.json"))):
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished = sorted(out.rglob("*.json"))
    assert 0 < len(finished) < 6, "the run was killed part-way"
    for path in finished:  # whatever is there is complete and valid
        assert validation_errors(json.loads(path.read_text(encoding="utf-8"))) == []
    report = run_batch(raw, out, None, progress=False)
    assert [o.status for o in report.outcomes] == ["ok"] * 6
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json")) == \
        ["index.json"] + [f"n{k}/v001.json" for k in range(6)]
    assert not list(out.rglob(".*.tmp"))
