"""Records stage: typed domain records from rebuilt tables, by the kinds declared in
`extract.record_specs`. One engine reads every kind:

  `match_table` (table x spec -> `TableMatch`: which column gives which field, the header
  groups of a wide table, what is missing, a score)
  -> `best_match` (every table against every spec; the best complete match wins; a tie, or a
  table that has a kind's identifying columns but not all it needs, is reported)
  -> `table_to_records` (rows, merged cells resolved, into records: long tables give one
  record a row, wide tables one a row and header group)

Never guessed: a value that is not of its column's type, or that OCR read with low confidence,
is None in the record and reported (`record_field_unreadable`) with its table, row and page;
on an OCR'd page it is first read again from a larger crop of the page (`reread`). A dash or
a slash means "not offered": no record, and no error. A table that matches a kind only in part
is reported (`table_unmapped`), so that an empty result is never silent.

Input: the tables and the notice's structure. Output: `FoundRecords`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import ValidationError

from extract.common.text import FIGURE, normalize_spaces
from extract.errors import ErrorCode
from extract.model import ErrorItem, Records, RecordSource, Table, TableCell
from extract.record_specs import (
    BRACKETED,
    RECORD_SPECS,
    ColumnSpec,
    ReadContext,
    RecordSpec,
    UnreadableValue,
    money_factor,
    not_offered,
)
from extract.settings import DEFAULT_LOW_CONFIDENCE

STAGE = "records"
# Weights of a spec's columns in a match's score: identifying, required, other.
WEIGHTS = (3.0, 2.0, 1.0)
TOTAL_ROW = re.compile(r"^(?:合\s*计|小\s*计|总\s*计)$")

# Reads a cell again from the page image: (table, cell) -> (text, confidence) or None.
Rereader = Callable[[Table, TableCell], "tuple[str, float | None] | None"]


@dataclass(frozen=True)
class ColumnMatch:
    """Table column `col` gives `spec_column`'s field; `group` holds the header cells above
    it that tell its group apart (`("初级",)`), empty for a column shared by every group."""

    col: int
    spec_column: ColumnSpec
    group: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableMatch:
    spec: RecordSpec
    columns: tuple[ColumnMatch, ...]
    missing_identifying: tuple[str, ...]
    missing_required: tuple[str, ...]
    unmapped: tuple[str, ...]            # header paths of the table's columns no field took
    score: float
    beside_groups: tuple[str, ...] = ()  # header paths of columns of a field each group has its own column for

    @property
    def identified(self) -> bool:
        return not self.missing_identifying

    @property
    def groups(self) -> list[tuple[str, ...]]:
        """A wide table's header groups, in column order."""
        out: list[tuple[str, ...]] = []
        for c in self.columns:
            if c.group and c.group not in out:
                out.append(c.group)
        return out

    def describe(self) -> str:
        mapped = ", ".join(f"{c.spec_column.field}←{self._path(c)}" for c in self.columns)
        missing = [*self.missing_identifying, *self.missing_required]
        return (f"mapped {mapped or 'nothing'}" + (f"; no column for {', '.join(missing)}" if missing else "")
                + (f"; columns not mapped: {', '.join(self.unmapped)}" if self.unmapped else ""))

    @staticmethod
    def _path(c: ColumnMatch) -> str:
        return f"column {c.col + 1}" + (f" ({' / '.join(c.group)})" if c.group else "")


@dataclass
class FoundRecords:
    """Records by kind (the `Records` field names), the errors met, and for each table the
    kind it was read as (None: no kind)."""

    by_kind: dict[str, list] = field(default_factory=dict)
    errors: list[ErrorItem] = field(default_factory=list)
    table_kinds: dict[str, str | None] = field(default_factory=dict)

    def records(self) -> Records:
        return Records(**self.by_kind)


def build_records(tables, structure, specs: tuple[RecordSpec, ...] = RECORD_SPECS,
                  min_confidence: float = DEFAULT_LOW_CONFIDENCE, reread: Rereader | None = None) -> FoundRecords:
    found = FoundRecords(by_kind={spec.kind: [] for spec in specs})
    for table in tables:
        match, problem = best_match(table, specs)
        if problem is not None:
            found.errors.append(problem)
        found.table_kinds[table.id] = match.spec.kind if match is not None else None
        if match is None:
            if problem is None:
                found.errors.extend(named_by_title_only(table, specs))
            continue
        reader = _TableReader(table, match, structure, min_confidence, reread)
        records = reader.records()
        found.errors.extend(reader.errors)
        if not records and not reader.not_offered and table.body:
            found.errors.append(_table_error(table, ErrorCode.TABLE_UNMAPPED, match.spec,
                                             f"no row could be read ({match.describe()})"))
        if records and match.beside_groups:
            found.errors.append(_table_error(table, ErrorCode.TABLE_UNMAPPED, match.spec,
                                             f"read by no group, which have their own columns of the same field: "
                                             f"{', '.join(match.beside_groups)} ({match.describe()})"))
        unread = unread_groups(table, match)
        if records and unread:
            found.errors.append(_table_error(table, ErrorCode.TABLE_UNMAPPED, match.spec,
                                             f"columns of figures beside the groups read are read by no field: "
                                             f"{', '.join(unread)} ({match.describe()})"))
        found.by_kind[match.spec.kind].extend(records)
    return found


# ---------------------------------------------------------------- matching


def header_paths(table: Table) -> list[list[str]]:
    """Each column's header path; documents of schema 1.2.0 and before only have the joined
    paths, which are split back (a `/` inside a header cell is then lost to the split)."""
    if table.column_headers:
        return table.column_headers
    return [[part for part in path.split(" / ") if part] for path in table.column_paths]


def _naming_position(text: str, words: tuple[str, ...]) -> int | None:
    """Where the last of `words` ends in `text` (units in brackets left out), or None."""
    bare = BRACKETED.sub("", normalize_spaces(text))
    ends = [bare.rfind(w) + len(w) for w in words if w in bare]
    return max(ends) if ends else None


def column_field(path: list[str], spec: RecordSpec) -> tuple[ColumnSpec, int] | None:
    """The spec column a header path names, and which of its cells names it: the lowest cell
    that names any, by the word nearest its end (the head noun of a Chinese compound)."""
    for depth in range(len(path) - 1, -1, -1):
        named = [(pos, k) for k, c in enumerate(spec.columns)
                 if (pos := _naming_position(path[depth], c.words)) is not None]
        if named:
            pos, k = max(named, key=lambda item: (item[0], -item[1]))
            return spec.columns[k], depth
    return None


def match_table(table: Table, spec: RecordSpec) -> TableMatch:
    paths = header_paths(table)
    named: list[tuple[int, ColumnSpec, list[str]]] = []   # (col, spec column, other header cells)
    unmapped = []
    for col, path in enumerate(paths):
        hit = column_field(path, spec)
        if hit is None:
            unmapped.append(" / ".join(path) or f"column {col + 1}")
            continue
        column, depth = hit
        named.append((col, column, [cell for k, cell in enumerate(path) if k != depth], (depth, path[depth])))
    # A single-valued field takes its first column; per-group fields take one column per group,
    # told apart by the header cells above them that name no field (`初级`), other than a
    # title over the whole table.
    over_all = set.intersection(*(set(p) for p in paths)) if len(paths) > 1 else set()

    def names_a_field(cell: str) -> bool:
        return any(_naming_position(cell, c.words) is not None for c in spec.columns)

    columns: list[ColumnMatch] = []
    taken: set[tuple[str, tuple[str, ...]]] = set()
    naming_cells = {col: naming for col, _, _, naming in named}
    for col, column, others, naming in named:
        group = tuple(cell for cell in others if cell not in over_all and not names_a_field(cell)) \
            if column.per_group else ()
        # the group named in the field's own cell (`初级补贴（元）`), when that cell is over this
        # column alone (one over two, `一级…补助金额二级…补助金额`, names two groups)
        if column.per_group and not group and naming not in (naming_cells.get(col - 1), naming_cells.get(col + 1)):
            group = _group_before_field(naming[1], column, spec)
        if (column.field, group) in taken:
            unmapped.append(" / ".join(paths[col]))
            continue
        taken.add((column.field, group))
        columns.append(ColumnMatch(col=col, spec_column=column, group=group))
    # a column without a group, of a field the groups have columns of their own for, is none of
    # theirs (`补贴上限` beside `初级 / 补贴标准`): no group reads it, and the table says so
    grouped = {c.spec_column.field for c in columns if c.group}
    beside = tuple(" / ".join(paths[c.col]) for c in columns
                   if not c.group and c.spec_column.per_group and c.spec_column.field in grouped)
    columns = [c for c in columns if c.group or not (c.spec_column.per_group and c.spec_column.field in grouped)]
    fields = {c.spec_column.field for c in columns}
    wide = any(c.group for c in columns)
    if wide and spec.group_field:
        fields.add(spec.group_field)
    missing_identifying = tuple(c.field for c in spec.identifying if c.field not in fields)
    missing_required = tuple(c.field for c in spec.columns if c.required and c.field not in fields
                             and c.field not in missing_identifying)
    weight = {id(c): WEIGHTS[0] if c.identifying else WEIGHTS[1] if c.required else WEIGHTS[2] for c in spec.columns}
    total = sum(weight.values())
    score = sum(weight[id(c)] for c in spec.columns if c.field in fields) / total
    return TableMatch(spec=spec, columns=tuple(columns), missing_identifying=missing_identifying,
                      missing_required=missing_required, unmapped=tuple(unmapped), score=round(score, 6),
                      beside_groups=beside)


def _group_before_field(cell: str, column: ColumnSpec, spec: RecordSpec) -> tuple[str, ...]:
    """The group a header cell names in front of its field's word, as the spec's `group_label`
    says a group is named (`初级补贴（元）`, `一级（高级技师）补贴标准`: a wide table whose level and
    field share one header cell); () when the words before the field name no group (`培训补贴`)."""
    text = normalize_spaces(cell).replace(" ", "")
    starts = [text.find(word) for word in column.words if word in text]
    prefix = text[:min(starts)] if starts else ""
    return (prefix,) if prefix and spec.names_a_group(prefix) else ()


def best_match(table: Table, specs: tuple[RecordSpec, ...]) -> tuple[TableMatch | None, ErrorItem | None]:
    """The spec this table is read as, and the problem to report (a tie, or a match in part).
    A table none of whose kinds' identifying columns are all there is no record table: (None, None)."""
    matches = sorted((m for m in (match_table(table, s) for s in specs) if m.identified),
                     key=lambda m: -m.score)
    if not matches:
        return None, None
    best = matches[0]
    if len(matches) > 1 and matches[1].score == best.score:
        kinds = " and ".join(m.spec.kind for m in matches if m.score == best.score)
        return None, _table_error(table, ErrorCode.TABLE_AMBIGUOUS, best.spec,
                                  f"matches {kinds} equally well; no records read")
    if best.missing_required:
        return None, _table_error(table, ErrorCode.TABLE_UNMAPPED, best.spec, best.describe())
    return best, None


def named_by_title_only(table: Table, specs: tuple[RecordSpec, ...]) -> list[ErrorItem]:
    """A table no kind was read from that has some of a kind's identifying columns, whose title
    names the others, and columns of figures no field reads (`补贴标准` taken for the title over
    `职业名称  初级  中级`: a label centred over the whole table cannot be told from a title). Its
    amounts would be lost without a word: it is reported (table_unmapped), not read.

    So is a table with no header, whose title names every identifying column: its header was
    taken for the title (ruled between rows, the rule over the header cut short by a cell drawn
    without its top border), and its first row of figures, if any, for its header. A table whose
    header names other things (`地区  资金`) under such a title is another table, not reported."""
    if not table.title or not table.body:
        return []
    for spec in specs:
        match = match_table(table, spec)
        missing = [c for c in spec.identifying if c.field in match.missing_identifying]
        if not missing or not all(_naming_position(table.title, c.words) is not None for c in missing):
            continue
        read = {c.col for c in match.columns}
        body = resolved_body(table)
        unread = [col for col in range(table.n_cols) if col not in read and _holds_figures(body, col)]
        if len(missing) == len(spec.identifying) and not _header_is_figures(table, unread):
            continue
        if unread:
            paths = header_paths(table)
            names = [" / ".join(paths[col]) or f"column {col + 1}" for col in unread]
            return [_table_error(table, ErrorCode.TABLE_UNMAPPED, spec,
                                 f"its title names {', '.join(c.field for c in missing)}, which no column names; "
                                 f"columns of figures read by no field: {', '.join(names)} ({match.describe()})")]
    return []


def _header_is_figures(table: Table, cols: list[int]) -> bool:
    """Whether the table has no header, or only one whose cells over `cols` are all figures (a
    row of its body taken for the header)."""
    over = [c for c in table.cells if c.row < table.header_rows and c.col in cols and c.colspan == 1]
    return not table.header_rows or (bool(over) and all(c.text and FIGURE.match(normalize_spaces(c.text)) for c in over))


def _holds_figures(body: list[list[TableCell | None]], col: int) -> bool:
    """Whether most of a column's body cells (`resolved_body`) are figures."""
    figures = sum(1 for r in body if r[col] is not None and r[col].text and FIGURE.match(normalize_spaces(r[col].text)))
    return figures * 2 > len(body)


def unread_groups(table: Table, match: TableMatch) -> list[str]:
    """The header labels of columns that look like groups of a wide table's but that no field
    reads: columns of figures whose own header cell stands in the header row of a read group's
    label (`初级` and `高级` beside `补贴标准 / 中级`, where a group label was set over the middle
    column only). Their records would be lost without a word. A column whose cell runs up
    through the labels' row counts in a pair, one on either side of the groups read, or alone
    when its header names a group as theirs do (the spec's `group_label`: `高级` beside `初级 中级`
    under a label set at the left of its cell); one on one side naming something else (`培训人数`)
    is a column of its own."""
    def leaf(cell: TableCell) -> bool:   # a header cell over one column, at the header's foot
        return cell.colspan == 1 and cell.row < table.header_rows == cell.row + cell.rowspan

    labels = {(c.col, text) for c in match.columns for text in c.group}
    rows = {cell.row for cell in table.cells if leaf(cell) and (cell.col, cell.text) in labels}
    if not rows:
        return []
    read = {c.col for c in match.columns}
    body = resolved_body(table)
    unread = {c.col: c for c in table.cells if leaf(c) and c.text and c.col not in read and _holds_figures(body, c.col)}
    out = {col for col, c in unread.items() if c.row in rows}
    # a leaf that runs up through the group labels' row (nothing printed over it) counts when one
    # stands on either side of the groups read, as far out (`初级` and `技师` beside `中级 高级`
    # under a label too short to reach them); one on one side only is a column of its own (a
    # head count's, printed between the header's rows)
    def through(c: TableCell) -> bool:   # its cell runs up through the labels' row
        return any(c.row <= r < c.row + c.rowspan for r in rows)

    grouped = sorted(c.col for c in match.columns if c.group)
    if grouped:
        left, right = grouped[0] - 1, grouped[-1] + 1
        while left in unread and right in unread and through(unread[left]) and through(unread[right]):
            out |= {left, right}
            left, right = left - 1, right + 1
    # on one side only, one that names a group as the groups' own cells do (`高级` beside `初级
    # 中级` under a label set at the left of its merged cell)
    out |= {col for col, c in unread.items() if through(c) and match.spec.names_a_group(c.text)}
    return [unread[col].text for col in sorted(out)]


def _table_error(table: Table, code: ErrorCode, spec: RecordSpec, what: str) -> ErrorItem:
    page = table.pages[0] if table.pages else None
    title = f" ({table.title})" if table.title else ""
    return ErrorItem(stage=STAGE, code=code.value, page=page,
                     message=f"table {table.id}{title} looks like {spec.kind} but cannot be read as such: {what}")


# ---------------------------------------------------------------- reading rows


def resolved_body(table: Table) -> list[list[TableCell | None]]:
    """Body rows with each grid slot holding the cell that covers it (a merged cell in every
    row and column it spans); None where no cell is."""
    grid: list[list[TableCell | None]] = [[None] * table.n_cols for _ in range(table.n_rows)]
    for cell in table.cells:
        for r in range(cell.row, min(cell.row + cell.rowspan, table.n_rows)):
            for c in range(cell.col, min(cell.col + cell.colspan, table.n_cols)):
                grid[r][c] = cell
    return grid[table.header_rows:]


class _TableReader:
    """Reads one table's rows as records of its matched spec."""

    def __init__(self, table: Table, match: TableMatch, structure, min_confidence: float,
                 reread: Rereader | None):
        self.table, self.match, self.spec = table, match, match.spec
        self.min_confidence, self.reread = min_confidence, reread
        self.errors: list[ErrorItem] = []
        self.not_offered = 0
        self._rereads: dict[int, str | None] = {}
        self.context: dict[str, object] = {}
        for reader in self.spec.context:
            self.context.update(reader(table, structure))
        paths = header_paths(table)
        # the unit a column's header states, else the one the table's caption states (单位：万元)
        table_unit = [f"单位：{table.unit}"] if table.unit else []
        self.read_contexts = {c.col: ReadContext(money_factor=money_factor([*reversed(paths[c.col]), *table_unit,
                                                                            table.title or ""]))
                              for c in match.columns}

    def records(self) -> list:
        out = []
        single = [c for c in self.match.columns if not c.group]
        groups = self.match.groups or [()]
        # in a wide table a per-group column above which no group stands is shared by every group
        single = [c for c in single if not (c.spec_column.per_group and self.match.groups)]
        for row, slots in enumerate(resolved_body(self.table)):
            if self._is_caption_row(slots) or not any(_text(slots, c) for c in self.match.columns):
                continue
            if any(self._not_offered(c, slots) for c in single if c.spec_column.required):
                self.not_offered += 1
                continue
            base = {c.spec_column.field: self._value(c, slots, row) for c in single}
            if any(isinstance(v, str) and TOTAL_ROW.match(v) for v in base.values()):
                continue
            missing_key = [c.spec_column.field for c in single if c.spec_column.field in self.spec.key
                           and c.spec_column.required and base[c.spec_column.field] is None]
            if missing_key:
                self.errors.append(self._error(row, f"{', '.join(missing_key)} is empty or not readable; row left out"))
                continue
            for group in groups:
                record = self._group_record(group, base, slots, row)
                if record is not None:
                    out.append(record)
        return out

    def _group_record(self, group: tuple[str, ...], base: dict, slots, row: int):
        own = [c for c in self.match.columns if group and c.group == group]
        shared = [c for c in self.match.columns if self.match.groups and c.spec_column.per_group and not c.group]
        members = own + shared
        if own and not any(_text(slots, c) for c in own):
            return None  # nothing printed under this group in this row: not offered
        if any(self._not_offered(c, slots) for c in members if c.spec_column.required):
            self.not_offered += 1
            return None
        fields = dict(base)
        for c in members:
            fields[c.spec_column.field] = self._value(c, slots, row, group)
        if group and self.spec.group_field:
            fields[self.spec.group_field] = " / ".join(group)
        for key, value in self.context.items():
            fields.setdefault(key, value)
        for column in self.spec.columns:
            fields.setdefault(column.field, None)
        return self._build(fields, row)

    def _is_caption_row(self, slots) -> bool:
        """A row that is one cell across the whole table (a category line inside it)."""
        cells = {id(s): s for s in slots if s is not None}
        return len(cells) == 1 and self.table.n_cols > 1

    def _reading(self, cell: TableCell | None) -> tuple[str | None, bool]:
        """The cell's text, and whether it can be trusted: a cell OCR read with low confidence
        is read again from the page image, and trusted only when that reading is confident."""
        if cell is None:
            return None, True
        if cell.confidence is None or cell.confidence >= self.min_confidence:
            return cell.text, True
        again = self._read_again(cell)
        return (again, True) if again is not None else (cell.text, False)

    def _read_again(self, cell: TableCell) -> str | None:
        """The cell read again from the page image (once), when that reading is confident."""
        if id(cell) not in self._rereads:
            result = self.reread(self.table, cell) if self.reread is not None and cell.confidence is not None else None
            confident = result is not None and result[0] and (result[1] is None or result[1] >= self.min_confidence)
            self._rereads[id(cell)] = result[0] if confident else None
        return self._rereads[id(cell)]

    def _not_offered(self, c: ColumnMatch, slots) -> bool:
        text, sure = self._reading(slots[c.col])
        return sure and text is not None and not_offered(text, c.spec_column)

    def _value(self, c: ColumnMatch, slots, row: int, group: tuple[str, ...] = ()):
        cell = slots[c.col]
        what = c.spec_column.field + (f" ({' / '.join(group)})" if group else "")
        text, sure = self._reading(cell)
        if sure and text is not None and not_offered(text, c.spec_column):
            return None
        if text is None or not text.strip():
            if c.spec_column.field in self.spec.key:
                return None  # the row is reported as a whole
            if c.spec_column.required or c.spec_column.per_group:
                self.errors.append(self._error(row, f"{what} is empty; left null"))
            return None
        if sure:
            try:
                return c.spec_column.read(text, self.read_contexts[c.col])
            except UnreadableValue:
                pass
            # OCR misreads (a doubled dash in a code): read the cell again before giving up
            again = self._read_again(cell) if cell.confidence is not None and text == cell.text else None
            if again is not None:
                try:
                    return c.spec_column.read(again, self.read_contexts[c.col])
                except UnreadableValue:
                    pass
        reason = "is not readable" if sure else f"read by OCR with confidence {cell.confidence:.2f}"
        self.errors.append(self._error(row, f"{what} {text!r} {reason}; left null"))
        return None

    def _build(self, fields: dict, row: int):
        source = row_source(self.table, row)
        while True:
            try:
                return self.spec.model(**fields, source=source)
            except ValidationError as exc:
                bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
                fixable = [f for f in bad if f in fields and fields[f] is not None]
                if not fixable:
                    self.errors.append(self._error(row, f"record not valid ({exc.error_count()} problems); row left out"))
                    return None
                for f in fixable:
                    self.errors.append(self._error(row, f"{f} {fields[f]!r} is out of range; left null"))
                    fields[f] = None

    def _error(self, row: int, what: str) -> ErrorItem:
        source = row_source(self.table, row)
        return ErrorItem(stage=STAGE, code=ErrorCode.RECORD_FIELD_UNREADABLE.value,
                         page=source.provenance[0].page if source.provenance else None,
                         message=f"table {self.table.id} row {row}: {what}")


def _text(slots, c: ColumnMatch) -> str:
    cell = slots[c.col]
    return (cell.text or "").strip() if cell is not None else ""


def row_source(table: Table, row: int) -> RecordSource:
    """The table, body row and the first cell provenance of that row."""
    absolute = row + table.header_rows
    provenance = []
    for cell in table.cells:
        if cell.row <= absolute < cell.row + cell.rowspan:
            provenance.extend(p for p in cell.provenance if p not in provenance)
    return RecordSource(table=table.id, row=row, provenance=provenance[:1])
