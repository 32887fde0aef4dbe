"""The pipeline: composes the stages for one notice.

One notice: load -> text -> tables -> layout -> structure -> records -> confidence -> validate
-> store. A PDF and a text dump differ up to layout: the route (`ROUTES`, chosen once, by the
input's ending) names the sibling stages each takes; structure, records and the rest are
shared. Each stage gets its own part of one `PipelineSettings`. `run_pipeline` returns every
stage's output (`PipelineRun`), for the notebook and the benches; `extract_notice` only the
notice. A notice that fails at any stage raises NoticeError with its file, error code and
reason and is not written. `extract.batch` runs the pipeline over a folder.
"""

from __future__ import annotations

import gc
import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from extract import __version__
from extract.common.digest import sha256_of
from extract.common.json_text import to_json
from extract.common.text import UNPRINTABLE, printable
from extract.config import REPO_ROOT
from extract.errors import ErrorCode, NoticeError
from extract.model import (
    SCHEMA_VERSION,
    FoundTables,
    LaidOutDocument,
    Notice,
    Source,
    SourceDocument,
    TableRegion,
)
from extract.settings import PipelineSettings
from extract.stages.confidence import low_confidence_errors
from extract.stages.dump_layout import layout_dump
from extract.stages.dump_tables import find_dump_tables
from extract.stages.dump_text import check_dump_text
from extract.stages.layout import layout_pdf
from extract.stages.load import load_pdf
from extract.stages.load_dump import load_text_dump
from extract.stages.ocr import CellRereader, ocr_document
from extract.stages.records import FoundRecords, build_records
from extract.stages.structure import NoticeStructure, blocks_to_structure
from extract.stages.tables import find_tables
from extract.store.catalog import add_version
from extract.store.files import storage_error_code, write_atomic
from extract.store.series import issuer_of, series_key
from extract.store.validate import validation_errors


@dataclass(frozen=True)
class Route:
    """The stages one kind of input takes up to layout. Each is called with the whole settings
    and hands its stage the part it owns."""

    media_type: str
    suffixes: tuple[str, ...]
    load: Callable[[Path, str], SourceDocument]
    read_text: Callable[[SourceDocument, PipelineSettings], SourceDocument]
    find_tables: Callable[[SourceDocument, PipelineSettings], FoundTables]
    lay_out: Callable[[SourceDocument, tuple[TableRegion, ...], PipelineSettings], LaidOutDocument]


# The names are looked up when a route runs (not bound here), so that a test can stand in for a stage.
ROUTES: tuple[Route, ...] = (
    Route(media_type="application/pdf", suffixes=(".pdf",),
          load=lambda path, name: load_pdf(path, name),
          read_text=lambda source, s: ocr_document(source, s.ocr, s.raster),
          find_tables=lambda source, s: find_tables(source, s.tables, s.lines, s.raster, s.aligned_tables),
          lay_out=lambda source, regions, s: layout_pdf(source, regions, s.layout, s.lines)),
    Route(media_type="text/plain", suffixes=(".txt",),
          load=lambda path, name: load_text_dump(path, name),
          read_text=lambda source, s: check_dump_text(source, s.ocr),
          find_tables=lambda source, s: find_dump_tables(source, s.dump_tables),
          lay_out=lambda source, regions, s: layout_dump(source, regions, s.layout)),
)
INPUT_SUFFIXES = tuple(suffix for route in ROUTES for suffix in route.suffixes)


def route_for(path: Path, name: str | None = None) -> Route:
    """The route of an input, by its ending; NoticeError (unsupported_input) for any other."""
    suffix = path.suffix.lower()
    for route in ROUTES:
        if suffix in route.suffixes:
            return route
    raise NoticeError(ErrorCode.UNSUPPORTED_INPUT, f"unsupported file type {suffix or '(none)'}; "
                      f"expected one of {', '.join(INPUT_SUFFIXES)}", file=name or str(path), stage="load")


def load_source(path: Path, display_name: str | None = None) -> SourceDocument:
    """The load stage of the input's route: a PDF or a text dump, as read."""
    return route_for(path, display_name).load(path, display_name or str(path))


@dataclass(frozen=True)
class PipelineRun:
    """Every stage's output for one notice, in order: what the notebook and the benches look at."""

    route: Route
    loaded: SourceDocument          # load
    source: SourceDocument          # text: OCR'd pages (PDF), or the dump judged
    tables: FoundTables
    laid_out: LaidOutDocument
    structure: NoticeStructure
    records: FoundRecords
    notice: Notice
    seconds: dict[str, float]       # wall time per stage, for the benches (not in the notice)


def notice_id(path: Path, folder: Path | None = None) -> str:
    """Stable id of a notice: its file name without the ending (the same for every re-extraction),
    white space as `_`, and control characters and bytes that are not UTF-8 as `%XX`, so that
    the id is a plain, printable folder name. An input in a subfolder of the input `folder` has
    the subfolders' names before it, joined by `__` (`henan/2025/x.pdf` -> `henan__2025__x`), so
    that the same file name in two provinces gives two ids."""
    def escape(match: re.Match) -> str:
        code = ord(match.group(0))
        return f"%{code - 0xDC00:02X}" if 0xDC80 <= code <= 0xDCFF else f"%{code:02X}" if code < 0x100 else f"%u{code:04X}"

    folders = list(path.relative_to(folder).parent.parts) if folder is not None else []
    return "__".join(UNPRINTABLE.sub(escape, re.sub(r"\s+", "_", part)) for part in [*folders, path.stem])


def display_path(path: Path) -> str:
    """The input's path relative to the repository root when it is inside it, printable
    (`extract.common.text.printable`): this is the name reports and documents carry."""
    absolute = path.absolute()
    try:
        shown = absolute.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        shown = path.as_posix()
    return printable(shown)


def settings_digest(settings: PipelineSettings) -> str:
    """What names the settings in a version's key (`settings_sha256`): the sha256 of their JSON,
    every field, defaults included, so that the same settings give the same digest however they
    were written."""
    return sha256_of(to_json(settings.to_dict()).encode("utf-8"))


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector off while the stages run. They make hundreds of thousands of
    small objects (a glyph and its box per character) that refer to no cycle, and the collector
    would scan the growing heap of them again and again: a third of the load stage's time on
    long documents (bench/pipeline.py). Reference counting still frees everything; any cycles
    left are collected once it is on again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_pipeline(path: Path, settings: PipelineSettings | dict | str | Path | None = None,
                 notice_id_: str | None = None, source_name: str | None = None) -> PipelineRun:
    """Run every stage on one input (its id `notice_id_`, by default `notice_id(path)`; the name
    it is reported by `source_name`, by default `display_path(path)`: a worker that read the
    input from a URL into a local copy names the URL); raises NoticeError naming the file when
    it cannot."""
    settings = PipelineSettings.resolve(settings)
    path = Path(path)
    name = source_name or display_path(path)
    route = route_for(path, name)
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def timed(stage: str, value):
        nonlocal clock
        now = time.perf_counter()
        seconds[stage], clock = now - clock, now
        return value

    with cycle_collection_paused():
        loaded = timed("load", route.load(path, name))
        source = timed("text", route.read_text(loaded, settings))
        found = timed("tables", route.find_tables(source, settings))
        laid = timed("layout", route.lay_out(source, found.regions, settings))
        structure = timed("structure", blocks_to_structure(laid, file=name))
        threshold = settings.ocr.low_confidence
        found_records = timed("records", build_records(found.tables, structure, min_confidence=threshold,
                                                       reread=CellRereader(source, settings.ocr)))
        unsure = timed("confidence", low_confidence_errors(structure.paragraphs(), list(found.tables), threshold))
    errors = [*source.errors, *found.errors, *structure.errors, *unsure, *found_records.errors]
    document = structure.document
    notice = Notice(
        schema_version=SCHEMA_VERSION,
        id=notice_id_ or notice_id(path),
        series=series_key(issuer_of(document.model_dump(mode="json")), document.title) if document.title else None,
        pipeline_version=__version__,
        settings_sha256=settings_digest(settings),
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
    return PipelineRun(route=route, loaded=loaded, source=source, tables=found, laid_out=laid, structure=structure,
                       records=found_records, notice=notice, seconds=seconds)


def extract_notice(path: Path, settings: PipelineSettings | dict | str | Path | None = None,
                   notice_id_: str | None = None, source_name: str | None = None) -> Notice:
    """The notice rebuilt from one input; raises NoticeError naming the file when it cannot."""
    return run_pipeline(path, settings, notice_id_, source_name).notice


def notice_to_checked_json(notice: Notice) -> str:
    """The notice's JSON, after validation against its schema; raises NoticeError when invalid."""
    text = to_json(notice)
    problems = validation_errors(json.loads(text))
    if problems:
        raise NoticeError(ErrorCode.SCHEMA_INVALID, "; ".join(map(str, problems[:5])), file=notice.source.file, stage="validate")
    return text


def extract_to_file(path: Path, out: Path, settings: PipelineSettings | None = None) -> Notice:
    notice = extract_notice(path, settings)
    write_atomic(out, notice_to_checked_json(notice))
    return notice


def extract_to_store(path: Path, root: Path, settings: PipelineSettings | None = None,
                     notice_id_: str | None = None) -> tuple[Notice, Path, bool]:
    """Extract and store as the notice's next version (unless unchanged); returns the notice,
    the version's path and whether a version was added."""
    notice = extract_notice(path, settings, notice_id_)
    stored, added = store_checked(root, notice.id, notice_to_checked_json(notice), notice.source.file)
    return notice, stored, added


def store_checked(root: Path, notice_id: str, text: str, file: str) -> tuple[Path, bool]:
    """Store a notice's checked JSON as its next version (unless unchanged): the one writer of
    the store, for notices extracted here or by workers elsewhere. Raises NoticeError
    (disk_full, store_not_writable) when the store cannot take it."""
    try:
        return add_version(root, notice_id, json.loads(text), text)
    except OSError as exc:
        code = storage_error_code(exc)
        if code is None:
            raise
        raise NoticeError(code, f"the store cannot take the document: {exc.strerror or exc}",
                          file=file, stage="store") from None


def remove_stale_temporaries(out_dir: Path) -> None:
    """Temporary files a killed run left behind (`.<name>.<random>.tmp`); never a finished document."""
    if out_dir.is_dir():
        for stale in [*out_dir.glob(".*.tmp"), *out_dir.glob("*/.*.tmp")]:
            stale.unlink(missing_ok=True)
