"""Record kinds, declared as data: which columns identify a table of each kind, how each value
is read, which fields are required, the natural key, and what comes from the text around it.

`extract.stages.records` is the one engine that reads every kind from these declarations. To add a
kind: a model in `extract.model` (and its field in `Records`), and a `RecordSpec` appended to
`RECORD_SPECS` here. Nothing else changes: the engine, the diff and its renderers read the
kinds, keys and titles from this registry.

Header words are the vocabulary of such tables. A column is named by the word that stands
nearest the end of its header cell, units in brackets left out: Chinese compounds put the head
noun last (`职业大典中职业代码` is a code, `开展培训职业（工种）领域` a field).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pydantic import BaseModel

from extract.common.text import CHINESE_DATE, normalize_spaces, parse_chinese_date
from extract.model import SubsidyStandard, Table, TrainingInstitution, walk_sections

# ---------------------------------------------------------------- values

# A cell that says "not offered": a dash or a slash alone, or 无 / 不设. No record comes from it,
# and it is not an unreadable value.
NOT_OFFERED = re.compile(r"^(?:[-－—–―~～/／\\]+|无|不设|不开设|不适用)$")
# OCR reads a dash as 一 at times; in a column of figures a lone 一 is no figure but that dash.
FIGURE_DASH = re.compile(r"^一+$")
# Units a money column may state in its header (`补贴标准（元/人）`, `金额（万元）`) or its cells.
MONEY_UNITS = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000)}
_UNIT_IN_TEXT = re.compile(r"(?:单位\s*[:：]\s*)?(万元|千元|元)(?:\s*[/／每]\s*[\u4e00-\u9fff]{1,3})?")
# A bracketed part of a header or caption (`（元/人）`, `（工种）`).
BRACKETED = re.compile(r"[（(][^（）()]*[)）]")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_INTEGER_WITH_UNIT = re.compile(r"^(\d+(?:\.0+)?)\s*(?:学时|课时|小时|个|人|天)?$")
_MONEY_WITH_UNIT = re.compile(r"^(\d+(?:\.\d+)?)\s*(万元|千元|元)?(?:\s*[/／每]\s*[\u4e00-\u9fff]{1,3})?$")
_DASHES = str.maketrans({"－": "-", "—": "-", "–": "-", "‐": "-", "‑": "-"})
OCCUPATION_CODE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}(?:-\d{2})?$")


class UnreadableValue(ValueError):
    """A cell's text is not of its column's type."""


@dataclass(frozen=True)
class ReadContext:
    """What a value parser may need besides the cell's text: the money unit its column (or
    the table's title) states, as a factor to yuan (None: not stated)."""

    money_factor: Decimal | None = None


# Figures a space apart (the tables stage keeps figures set one under another in a cell apart so).
_SPACED_FIGURES = re.compile(r"\d[\d,，.]*(?:\s+[\d,，.]*\d[\d,，.]*)+")
_THOUSANDS = re.compile(r"^[,，]?\d{3}(?:[,，]\d{3})*[,，]?(?:\.\d+)?$")


def _plain(text: str) -> str:
    """The text without thousands separators and spaces. Raises UnreadableValue for figures set
    apart (`1200 1500`: two tiers' amounts in one cell), which joined would read as one wrong
    number; a space after a thousands separator (`1, 280.00`) or between every digit (letter-spaced:
    `1 2 8 0`) is one figure's. (`1 280` is read as two: Chinese notices group thousands with
    commas, and two hours figures, `80 120`, look the same.)"""
    text = normalize_spaces(text)
    for match in _SPACED_FIGURES.finditer(text):
        groups = match.group(0).split()
        thousands = all(_THOUSANDS.match(g) and (g[0] in ",，" or before[-1] in ",，") for before, g in zip(groups, groups[1:]))
        if not (thousands or all(len(g) == 1 for g in groups)):
            raise UnreadableValue(f"figures set apart ({match.group(0)}): more than one value")
    return text.replace(",", "").replace("，", "").replace(" ", "")


def read_text(text: str, context: ReadContext) -> str:
    value = normalize_spaces(text)
    if not value:
        raise UnreadableValue("empty")
    return value


def read_integer(text: str, context: ReadContext) -> int:
    """`64`, `64学时`, `1,280`, `64.0`."""
    match = _INTEGER_WITH_UNIT.match(_plain(text))
    if not match:
        raise UnreadableValue("not a whole number")
    return int(Decimal(match.group(1)))


def read_yuan(text: str, context: ReadContext) -> int:
    """An amount in yuan: `1,280`, `1280.00`, `1280元`, `0.128万元`; the column's unit applies
    when the cell states none. A figure that is not a whole number of yuan is not read."""
    match = _MONEY_WITH_UNIT.match(_plain(text))
    if not match:
        raise UnreadableValue("not an amount")
    factor = MONEY_UNITS[match.group(2)] if match.group(2) else (context.money_factor or Decimal(1))
    try:
        value = Decimal(match.group(1)) * factor
    except InvalidOperation:
        raise UnreadableValue("not an amount") from None
    if value != value.to_integral_value():
        raise UnreadableValue(f"{value} yuan is not a whole amount")
    return int(value)


def read_occupation_code(text: str, context: ReadContext) -> str:
    """`2-02-10-09` (GB/T 6565 occupation code); long dashes are dashes."""
    value = _plain(text).translate(_DASHES)
    if not OCCUPATION_CODE.match(value):
        raise UnreadableValue("not an occupation code (d-dd-dd-dd)")
    return value


def not_offered(text: str, column: ColumnSpec) -> bool:
    """Whether a cell says the thing is not offered (no record), rather than holding a value."""
    value = normalize_spaces(text)
    return bool(NOT_OFFERED.match(value) or (column.holds_figures and FIGURE_DASH.match(value)))


def money_factor(texts: list[str]) -> Decimal | None:
    """The money unit the first of `texts` that states one states (`（元/人）`, `单位：万元`)."""
    for text in texts:
        for bracket in BRACKETED.findall(text or ""):
            match = _UNIT_IN_TEXT.search(bracket)
            if match:
                return MONEY_UNITS[match.group(1)]
        match = re.search(r"单位\s*[:：]\s*(万元|千元|元)", text or "")
        if match:
            return MONEY_UNITS[match.group(1)]
    return None


# ---------------------------------------------------------------- declarations

ValueReader = Callable[[str, ReadContext], object]
# Fields taken from the text around a table: (table, the notice's structure) -> {field: value}.
ContextReader = Callable[[Table, object], dict[str, object]]


@dataclass(frozen=True)
class ColumnSpec:
    """One field read from a column. `words`: a header cell naming this column contains one of
    them. `identifying`: a table of the kind has this column (all identifying columns must be
    there for a table to be of the kind). `required`: a record cannot be read without it.
    `per_group`: in a wide table, one such column stands under each group (level) header."""

    field: str
    words: tuple[str, ...]
    read: ValueReader
    required: bool = False
    identifying: bool = False
    per_group: bool = False

    @property
    def holds_figures(self) -> bool:
        return self.read in (read_integer, read_yuan)


@dataclass(frozen=True)
class RecordSpec:
    """A record kind. `kind` is its field in `Records`; `title` names it for people; `key`
    are the fields that identify one record across editions. `group_field` is the field a wide
    table's header groups give (`初级` over a 学时 and a 补贴 column); a long table has it as
    a column of its own. `group_label`: what a group's own header cell says (a level: `初级`,
    `三级`, `高级技师`), to tell a group whose label did not reach it from a column of its own
    beside the groups. `context` readers add fields from the text around the table."""

    kind: str
    title: str
    model: type[BaseModel]
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]
    group_field: str | None = None
    group_label: re.Pattern | None = None
    context: tuple[ContextReader, ...] = ()

    @property
    def identifying(self) -> tuple[ColumnSpec, ...]:
        return tuple(c for c in self.columns if c.identifying)

    def names_a_group(self, text: str) -> bool:
        """Whether a header cell's text (spaces aside) names a group as `group_label` says one is named."""
        return self.group_label is not None and self.group_label.match(normalize_spaces(text).replace(" ", "")) is not None

    @property
    def compared_fields(self) -> tuple[str, ...]:
        """The fields read from columns, other than the key: what a diff compares (context fields
        such as `valid_until` are compared once for the document)."""
        return tuple(c.field for c in self.columns if c.field not in self.key)


# ---------------------------------------------------------------- context from the text

# 有效期至…, 执行至…, 试行到…, 截止到…: the last day the standards apply.
VALID_UNTIL = re.compile(r"(?:有效期|执行|试行|实施|施行|适用)?\s*(?:至|到|截至|截止到|截止至|截止)\s*("
                         + CHINESE_DATE.pattern + ")")
# 自…起施行, 从…起执行, 自…至…: the first day.
VALID_FROM = re.compile(r"(?:自|从|于)\s*(" + CHINESE_DATE.pattern + r")\s*(?:起|开始|至|到)")


def attachment_numbers(table: Table, structure) -> list[int]:
    """The attachments a table belongs to: the one whose pages it is on, or whose title it has."""
    if structure is None:
        return []
    return [a.number for a in structure.attachments
            if (a.start_page is not None and a.start_page in table.pages)
            or (table.title and normalize_spaces(a.title) == normalize_spaces(table.title))]


def citing_sentences(number: int, only_attachment: bool, structure) -> list[str]:
    """Sentences of the notice's text that cite attachment `number` (`见附件2`, and a bare
    `见附件` when the notice has only that one attachment)."""
    texts = [p.text for p in structure.preamble]
    texts += [p.text for s in walk_sections(structure.sections) for p in s.paragraphs]
    cite = re.compile(rf"附件\s*{number}(?!\d)" + (r"|附件(?![\d\s]*\d)" if only_attachment else ""))
    return [sentence for text in texts for sentence in re.split(r"(?<=[。；;])", text) if cite.search(sentence)]


def validity_context(table: Table, structure) -> dict[str, object]:
    """`valid_until` and `valid_from` from the sentence that cites the table's attachment
    (…标准见附件3，自2024年1月1日起执行，有效期至2026年12月31日。). None where it says nothing."""
    found: dict[str, object] = {"valid_until": None, "valid_from": None}
    for number in attachment_numbers(table, structure):
        for sentence in citing_sentences(number, len(structure.attachments) == 1, structure):
            until, since = VALID_UNTIL.search(sentence), VALID_FROM.search(sentence)
            if until and found["valid_until"] is None:
                found["valid_until"] = parse_chinese_date(until.group(1))
            if since and found["valid_from"] is None:
                found["valid_from"] = parse_chinese_date(since.group(1))
    return found


# ---------------------------------------------------------------- the registry

# The levels of the national vocational skill standards, as a header cell names one: 初级 中级
# 高级 技师 高级技师 (工), 一级 … 五级, either with the other in brackets or after a slash.
SKILL_LEVEL = re.compile(r"^(?:[一二三四五]级|初级|中级|高级|技师|高级技师)工?(?:\s*[/／(（].*)?$")

SUBSIDY_STANDARDS = RecordSpec(
    kind="subsidy_standards",
    title="Subsidy standards",
    model=SubsidyStandard,
    columns=(
        ColumnSpec("occupation", ("职业", "工种"), read_text, required=True, identifying=True),
        ColumnSpec("occupation_code", ("代码", "编码"), read_occupation_code),
        ColumnSpec("level", ("等级", "级别"), read_text, required=True),
        ColumnSpec("training_hours", ("学时", "课时", "时长"), read_integer, per_group=True),
        ColumnSpec("subsidy_yuan", ("补贴", "补助", "金额"), read_yuan, required=True, identifying=True,
                   per_group=True),
    ),
    key=("occupation", "level"),
    group_field="level",
    group_label=SKILL_LEVEL,
    context=(validity_context,),
)

TRAINING_INSTITUTIONS = RecordSpec(
    kind="training_institutions",
    title="Training institutions",
    model=TrainingInstitution,
    columns=(
        ColumnSpec("seq", ("序号",), read_integer),
        ColumnSpec("name", ("机构", "培训单位", "承训单位"), read_text, required=True, identifying=True),
        ColumnSpec("field", ("领域", "职业", "工种", "方向"), read_text, required=True, identifying=True),
        ColumnSpec("batch", ("批次",), read_text),
    ),
    key=("name", "field"),
)

RECORD_SPECS: tuple[RecordSpec, ...] = (SUBSIDY_STANDARDS, TRAINING_INSTITUTIONS)

