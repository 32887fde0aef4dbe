"""The pipeline: composes the stages for one notice.

One notice: load -> ocr -> tables -> layout -> structure -> records -> validate -> store. A notice
that fails at any stage raises NoticeError with its file, error code and reason and is not
written. `extract.batch` runs the pipeline over a folder.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from extract import __version__
from extract.catalog import add_version
from extract.config import REPO_ROOT
from extract.errors import ErrorCode, NoticeError
from extract.layout import layout_document
from extract.load import load_source
from extract.model import SCHEMA_VERSION, Notice, Source
from extract.ocr import DEFAULT_SETTINGS as OCR_SETTINGS
from extract.ocr import CellRereader, OcrSettings, low_confidence_errors, ocr_document
from extract.records import build_records
from extract.series import series_key
from extract.store import storage_error_code, to_json, write_atomic
from extract.structure import blocks_to_structure
from extract.text import UNPRINTABLE, printable
from extract.tables import find_tables
from extract.validate import validation_errors


def notice_id(path: Path) -> str:
    """Stable id of a notice: its file name without the ending (the same for every re-extraction),
    white space as `_`, and control characters and bytes that are not UTF-8 as `%XX`, so that
    the id is a plain, printable folder name."""
    def escape(match: re.Match) -> str:
        code = ord(match.group(0))
        return f"%{code - 0xDC00:02X}" if 0xDC80 <= code <= 0xDCFF else f"%{code:02X}" if code < 0x100 else f"%u{code:04X}"

    stem = re.sub(r"\s+", "_", path.stem)
    return UNPRINTABLE.sub(escape, stem)


def display_path(path: Path) -> str:
    """The input's path relative to the repository root when it is inside it, printable
    (`extract.text.printable`): this is the name reports and documents carry."""
    absolute = path.absolute()
    try:
        shown = absolute.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        shown = path.as_posix()
    return printable(shown)


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
    try:
        stored, added = add_version(root, notice.id, json.loads(text), text)
    except OSError as exc:
        code = storage_error_code(exc)
        if code is None:
            raise
        raise NoticeError(code, f"the store cannot take the document: {exc.strerror or exc}",
                          file=notice.source.file, stage="store") from None
    return notice, stored, added


def remove_stale_temporaries(out_dir: Path) -> None:
    """Temporary files a killed run left behind (`.<name>.<random>.tmp`); never a finished document."""
    if out_dir.is_dir():
        for stale in [*out_dir.glob(".*.tmp"), *out_dir.glob("*/.*.tmp")]:
            stale.unlink(missing_ok=True)
