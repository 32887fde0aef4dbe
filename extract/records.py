"""Records stage: typed domain records from rebuilt tables.

A table is read as subsidy standards when its columns include an occupation name and, per
level, a 学时 (hours) and a 金额/补贴 (amount) column; as training institutions when they
include 机构/名称 and 领域 columns. Columns are found by these header words, which are the
vocabulary of such tables, never by position.

A value that cannot be read as its column's type, or that OCR read with low confidence, is
None in the record and reported as an error (code record_field_unreadable) with its table,
row and page: never guessed.
`valid_until` comes from the clause that cites the table's attachment (试行到2025年12月31日).
"""

from __future__ import annotations

import re

from extract.errors import ErrorCode
from extract.model import (
    ErrorItem,
    Records,
    RecordSource,
    SubsidyStandard,
    Table,
    TrainingInstitution,
)
from extract.ocr import DEFAULT_SETTINGS as OCR_SETTINGS
from extract.text import CHINESE_DATE, normalize_spaces, parse_chinese_date

STAGE = "records"

OCCUPATION_WORDS = ("职业", "工种", "名称")
CODE_WORDS = ("代码", "编码")
HOURS_WORDS = ("学时", "课时")
AMOUNT_WORDS = ("金额", "补贴", "标准")
SEQ_WORDS = ("序号",)
INSTITUTION_WORDS = ("机构", "单位", "学校")
FIELD_WORDS = ("领域", "职业", "专业", "方向")
BATCH_WORDS = ("批次",)
INTEGER = re.compile(r"^\d+$")
AMOUNT = re.compile(r"^\d+(?:\.\d{1,2})?$")
OCCUPATION_CODE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}(?:-\d{2})?$")
VALIDITY = re.compile(r"(?:试行|执行|有效期|施行)?\s*(?:到|至|截至|截止)\s*(" + CHINESE_DATE.pattern + ")")


def build_records(tables, structure) -> tuple[Records, list[ErrorItem]]:
    standards: list[SubsidyStandard] = []
    institutions: list[TrainingInstitution] = []
    errors: list[ErrorItem] = []
    for table in tables:
        layout = subsidy_columns(table)
        if layout is not None:
            valid_until = validity_of(table, structure)
            standards.extend(table_to_subsidy_standards(table, layout, valid_until, errors))
            continue
        columns = institution_columns(table)
        if columns is not None:
            institutions.extend(table_to_institutions(table, columns, errors))
    return Records(subsidy_standards=standards, training_institutions=institutions), errors


# ---------------------------------------------------------------- subsidy standards


def _has(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


def subsidy_columns(table: Table):
    """(occupation col, code col or None, [(level, hours col, amount col)]) or None."""
    paths = table.column_paths
    levels: dict[str, dict[str, int]] = {}
    for col, path in enumerate(paths):
        parts = [p.strip() for p in path.split("/")]
        if len(parts) < 2:
            continue
        level, leaf = parts[-2], parts[-1]
        if _has(leaf, HOURS_WORDS):
            levels.setdefault(level, {})["hours"] = col
        elif _has(leaf, AMOUNT_WORDS):
            levels.setdefault(level, {})["amount"] = col
    groups = [(level, cols["hours"], cols["amount"]) for level, cols in levels.items()
              if "hours" in cols and "amount" in cols]
    if not groups:
        return None
    taken = {c for _, h, a in groups for c in (h, a)}
    code = next((c for c, p in enumerate(paths) if c not in taken and _has(p, CODE_WORDS)), None)
    occupation = next((c for c, p in enumerate(paths) if c not in taken and c != code and _has(p, OCCUPATION_WORDS)),
                      None)
    if occupation is None:
        return None
    return occupation, code, sorted(groups, key=lambda g: g[1])


def resolved_body(table: Table, min_confidence: float = OCR_SETTINGS.low_confidence) -> list[list[str | None]]:
    """Body rows with every merged cell's text in each row and column it covers; a cell that
    OCR read with less than `min_confidence` is None (unreadable), never taken on trust."""
    grid = [list(row) for row in table.header + table.body]
    for cell in table.cells:
        unsure = cell.confidence is not None and cell.confidence < min_confidence
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                grid[r][c] = None if unsure else cell.text
    return grid[table.header_rows:]


def _row_source(table: Table, row: int) -> RecordSource:
    absolute = row + table.header_rows
    provenance = []
    for cell in table.cells:
        if cell.row <= absolute < cell.row + cell.rowspan:
            provenance.extend(p for p in cell.provenance if p not in provenance)
    return RecordSource(table=table.id, row=row, provenance=provenance[:1])


def _unreadable_row(table: Table, row: int, what: str) -> ErrorItem:
    source = _row_source(table, row)
    return ErrorItem(stage=STAGE, code=ErrorCode.RECORD_FIELD_UNREADABLE.value,
                     page=source.provenance[0].page if source.provenance else None,
                     message=f"table {table.id} row {row}: {what} is empty or not readable; row left out")


def _read(value: str | None, pattern: re.Pattern[str], convert, what: str, table: Table, row: int,
          errors: list[ErrorItem]):
    text = normalize_spaces(value or "").replace(",", "")
    if pattern.match(text):
        return convert(text)
    source = _row_source(table, row)
    page = source.provenance[0].page if source.provenance else None
    errors.append(ErrorItem(stage=STAGE, code=ErrorCode.RECORD_FIELD_UNREADABLE.value, page=page,
                            message=f"table {table.id} row {row}: {what} {value!r} is not readable; left null"))
    return None


def table_to_subsidy_standards(table: Table, layout, valid_until, errors: list[ErrorItem]) -> list[SubsidyStandard]:
    occupation_col, code_col, groups = layout
    out = []
    for row, values in enumerate(resolved_body(table)):
        if values[occupation_col] is None:
            errors.append(_unreadable_row(table, row, "occupation"))
            continue
        occupation = normalize_spaces(values[occupation_col])
        if not occupation:
            continue
        code = None
        if code_col is not None:
            code = _read(values[code_col], OCCUPATION_CODE, str, "occupation code", table, row, errors)
        for level, hours_col, amount_col in groups:
            out.append(SubsidyStandard(
                occupation=occupation,
                occupation_code=code,
                level=level,
                training_hours=_read(values[hours_col], INTEGER, int, f"{level} hours", table, row, errors),
                subsidy_yuan=_read(values[amount_col], INTEGER, int, f"{level} amount", table, row, errors),
                valid_until=valid_until,
                source=_row_source(table, row),
            ))
    return out


def validity_of(table: Table, structure) -> object:
    """The end date in the clause that cites this table's attachment (…见附件N，试行到…)."""
    if structure is None:
        return None
    numbers = [a.number for a in structure.attachments
               if (a.start_page is not None and a.start_page in table.pages)
               or (table.title and normalize_spaces(a.title) == normalize_spaces(table.title))]
    texts = [p.text for p in structure.preamble]

    def walk(sections):
        for s in sections:
            texts.extend(p.text for p in s.paragraphs)
            walk(s.children)

    walk(structure.sections)
    for number in numbers:
        for text in texts:
            for cite in re.finditer(rf"附件\s*{number}(?!\d)", text):
                window = text[cite.end():cite.end() + 40]
                match = VALIDITY.search(window)
                if match:
                    return parse_chinese_date(match.group(1))
    return None


# ---------------------------------------------------------------- institutions


def institution_columns(table: Table):
    """(seq col or None, name col, field col, batch col or None) or None."""
    paths = table.column_paths
    seq = next((c for c, p in enumerate(paths) if _has(p, SEQ_WORDS)), None)
    name = next((c for c, p in enumerate(paths) if _has(p, INSTITUTION_WORDS) and c != seq), None)
    field = next((c for c, p in enumerate(paths) if _has(p, FIELD_WORDS) and c not in (seq, name)), None)
    batch = next((c for c, p in enumerate(paths) if _has(p, BATCH_WORDS) and c not in (seq, name, field)), None)
    if name is None or field is None:
        return None
    return seq, name, field, batch


def table_to_institutions(table: Table, columns, errors: list[ErrorItem]) -> list[TrainingInstitution]:
    seq_col, name_col, field_col, batch_col = columns
    out = []
    for row, values in enumerate(resolved_body(table)):
        name = normalize_spaces(values[name_col] or "")
        field = normalize_spaces(values[field_col] or "")
        if not name and not field:
            continue
        if not name or not field:
            errors.append(_unreadable_row(table, row, "institution or field"))
            continue
        seq = _read(values[seq_col], INTEGER, int, "seq", table, row, errors) if seq_col is not None else None
        batch = normalize_spaces(values[batch_col] or "") or None if batch_col is not None else None
        out.append(TrainingInstitution(seq=seq, name=name, field=field, batch=batch, source=_row_source(table, row)))
    return out
