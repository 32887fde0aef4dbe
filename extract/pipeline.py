"""The pipeline: composes the stages for one notice, and runs a batch over a folder.

One notice: load -> ocr -> tables -> layout -> structure -> records -> validate -> store. A notice
that fails at any stage is reported with its file, error code and reason and is not written;
the batch goes on with the next.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from extract import __version__
from extract.catalog import add_version, write_catalog
from extract.config import PDF_SUFFIXES, REPO_ROOT, RUN_REPORT, TEXT_DUMP_SUFFIXES
from extract.errors import ErrorCode, NoticeError
from extract.layout import layout_document
from extract.load import load_source
from extract.model import SCHEMA_VERSION, Notice, Source
from extract.ocr import DEFAULT_SETTINGS as OCR_SETTINGS
from extract.ocr import CellRereader, OcrSettings, low_confidence_errors, ocr_document
from extract.records import build_records
from extract.series import series_key
from extract.store import to_json, write_atomic
from extract.structure import blocks_to_structure
from extract.tables import find_tables
from extract.validate import validation_errors


def notice_id(path: Path) -> str:
    """Stable id of a notice: its file name without the ending (the same for every re-extraction)."""
    return re.sub(r"\s+", "_", path.stem)


def display_path(path: Path) -> str:
    """The input's path relative to the repository root when it is inside it."""
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def extract_notice(path: Path, ocr_settings: OcrSettings = OCR_SETTINGS) -> Notice:
    """Run every stage on one input; raises NoticeError naming the file when it cannot."""
    name = display_path(path)
    source = ocr_document(load_source(path, name), ocr_settings)
    found = find_tables(source)
    laid = layout_document(source, found.regions)
    structure = blocks_to_structure(laid, file=name)
    found_records = build_records(found.tables, structure, min_confidence=ocr_settings.low_confidence,
                                  reread=CellRereader(source, ocr_settings))
    paragraphs = [*structure.preamble, *_section_paragraphs(structure.sections), *structure.closing,
                  *(p for a in structure.attachments for p in a.paragraphs)]
    unsure = low_confidence_errors(paragraphs, list(found.tables), ocr_settings)
    errors = [*source.errors, *laid.errors, *found.errors, *structure.errors, *unsure, *found_records.errors]
    document = structure.document
    return Notice(
        schema_version=SCHEMA_VERSION,
        id=notice_id(path),
        series=series_key(document.issuer or (document.imprint.issuer if document.imprint else None), document.title)
        if document.title else None,
        pipeline_version=__version__,
        status="partial" if errors else "ok",
        errors=errors,
        source=Source(file=name, sha256=source.sha256, media_type=source.media_type, pages=source.page_count),
        pages=[page.text for page in source.pages if page.text is not None],
        document=structure.document,
        contents=structure.contents,
        preamble=structure.preamble,
        sections=structure.sections,
        closing=structure.closing,
        attachments=structure.attachments,
        tables=list(found.tables),
        furniture=[*laid.furniture, *structure.furniture],
        records=found_records.records(),
    )


def _section_paragraphs(sections) -> list:
    return [p for s in sections for p in [*s.paragraphs, *_section_paragraphs(s.children)]]


def notice_to_checked_json(notice: Notice) -> str:
    """The notice's JSON, after validation against its schema; raises NoticeError when invalid."""
    text = to_json(notice)
    problems = validation_errors(json.loads(text))
    if problems:
        raise NoticeError(ErrorCode.SCHEMA_INVALID, "; ".join(problems[:5]), file=notice.source.file, stage="validate")
    return text


def extract_to_file(path: Path, out: Path) -> Notice:
    notice = extract_notice(path)
    write_atomic(out, notice_to_checked_json(notice))
    return notice


def extract_to_store(path: Path, root: Path) -> tuple[Notice, Path, bool]:
    """Extract and store as the notice's next version (unless unchanged); returns the notice,
    the version's path and whether a version was added."""
    notice = extract_notice(path)
    text = notice_to_checked_json(notice)
    stored, added = add_version(root, notice.id, json.loads(text), text)
    return notice, stored, added


@dataclass
class NoticeOutcome:
    file: str
    status: str                      # ok | partial | failed
    output: str | None = None
    added: bool = False              # a new version was stored (False: unchanged, or failed)
    code: str | None = None
    message: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class RunReport:
    outcomes: list[NoticeOutcome]

    @property
    def failed(self) -> list[NoticeOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def to_dict(self) -> dict:
        counts = {s: sum(1 for o in self.outcomes if o.status == s) for s in ("ok", "partial", "failed")}
        return {"counts": counts, "notices": [o.__dict__ for o in self.outcomes]}


@dataclass(frozen=True)
class RunLimits:
    """Per-notice limits of a batch run, so that one pathological input cannot hang or
    exhaust the run. Each notice runs in a child process; `None` switches a limit off."""

    seconds: float | None = 300.0
    memory_mb: int | None = 4096     # on top of what the runner itself maps


DEFAULT_LIMITS = RunLimits()


def input_files(raw_dir: Path) -> list[Path]:
    """Every regular file in `raw_dir`, sorted by name; hidden files are left alone."""
    return sorted(p for p in raw_dir.iterdir() if p.is_file() and not p.name.startswith("."))


def run_batch(raw_dir: Path, out_dir: Path, report_path: Path | None = RUN_REPORT, progress: bool = True,
              limits: RunLimits = DEFAULT_LIMITS) -> RunReport:
    from tqdm import tqdm

    files = input_files(raw_dir)
    remove_stale_temporaries(out_dir)
    outcomes: list[NoticeOutcome] = []
    ids: dict[str, str] = {}
    bar = tqdm(files, desc="extract", unit="notice", file=sys.stderr, disable=not progress)
    for path in bar:
        name = display_path(path)
        bar.set_postfix_str(path.name[:40])
        outcome = _run_one(path, name, out_dir, ids, limits)
        outcomes.append(outcome)
        line = f"{outcome.status:7} {name}"
        if outcome.output:
            line += f" -> {outcome.output}" + ("" if outcome.added else " (unchanged)")
        else:
            line += f": {outcome.code}: {outcome.message}"
        tqdm.write(line, file=sys.stderr)
    write_catalog(out_dir)
    report = RunReport(outcomes)
    if report_path is not None:
        write_atomic(report_path, json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
    return report


def remove_stale_temporaries(out_dir: Path) -> None:
    """Temporary files a killed run left behind (`.<name>.<random>.tmp`); never a finished document."""
    if out_dir.is_dir():
        for stale in [*out_dir.glob(".*.tmp"), *out_dir.glob("*/.*.tmp")]:
            stale.unlink(missing_ok=True)


def _run_one(path: Path, name: str, out_dir: Path, ids: dict[str, str], limits: RunLimits) -> NoticeOutcome:
    if path.suffix.lower() not in PDF_SUFFIXES + TEXT_DUMP_SUFFIXES:
        return NoticeOutcome(file=name, status="failed", code=ErrorCode.UNSUPPORTED_INPUT.value,
                             message=f"not a notice input (expected {', '.join(PDF_SUFFIXES + TEXT_DUMP_SUFFIXES)})")
    nid = notice_id(path)
    if nid in ids:
        return NoticeOutcome(file=name, status="failed", code=ErrorCode.DUPLICATE_ID.value,
                             message=f"id {nid!r} is already taken by {ids[nid]}")
    ids[nid] = name
    if limits.seconds is None and limits.memory_mb is None:
        return _extract_outcome(path, name, out_dir)
    return _run_isolated(path, name, out_dir, limits)


def _extract_outcome(path: Path, name: str, out_dir: Path) -> NoticeOutcome:
    try:
        notice, stored, added = extract_to_store(path, out_dir)
    except NoticeError as exc:
        return NoticeOutcome(file=name, status="failed", code=exc.code.value, message=exc.message)
    except MemoryError:
        return NoticeOutcome(file=name, status="failed", code=ErrorCode.MEMORY_LIMIT.value,
                             message="the notice needed more memory than the per-notice limit")
    except Exception as exc:  # one broken notice never stops the run
        return NoticeOutcome(file=name, status="failed", code=ErrorCode.INTERNAL.value,
                             message=f"{type(exc).__name__}: {exc}")
    return NoticeOutcome(file=name, status=notice.status, output=display_path(stored), added=added,
                         warnings=[f"{e.code}: {e.message}" for e in notice.errors])


def _mapped_bytes() -> int:
    """Virtual memory this process maps already (what a forked child starts with)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _child(path: Path, name: str, out: Path, memory_mb: int | None, conn) -> None:
    if memory_mb is not None:
        import resource

        # the limit is on what the notice adds to the runner's own mapped memory
        limit = _mapped_bytes() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    conn.send(_extract_outcome(path, name, out))
    conn.close()


def _run_isolated(path: Path, name: str, out: Path, limits: RunLimits) -> NoticeOutcome:
    """Extract in a child process under the time and memory limits; a child that overruns
    is killed, and since documents are written atomically it leaves nothing behind."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(path, name, out, limits.memory_mb, send), daemon=True)
    child.start()
    send.close()
    outcome = None
    try:
        if receive.poll(limits.seconds):
            outcome = receive.recv()
    except EOFError:
        outcome = None
    if outcome is None and child.is_alive():
        child.kill()
        child.join()
        remove_stale_temporaries(out)
        return NoticeOutcome(file=name, status="failed", code=ErrorCode.TIME_LIMIT.value,
                             message=f"extraction took longer than the per-notice limit of {limits.seconds:g} s")
    child.join()
    if outcome is None:
        remove_stale_temporaries(out)
        return NoticeOutcome(file=name, status="failed", code=ErrorCode.INTERNAL.value,
                             message=f"the extraction process died (exit code {child.exitcode})")
    return outcome
