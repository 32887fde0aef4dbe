"""Tables in text dumps, rebuilt from the text alone.

Two forms occur in crawlers' dumps:

- **Spaced tables**: a header line of space-separated column names, then one line per row.
  Rows under merged cells carry only the columns that change (`焊接 第一批` under
  `1 某职业技术学院`); a merged cell's text may wrap over several lines; the header repeats on
  each new page. `spaced_table` keeps the left columns of the last full row as merged cells
  over the rows that follow them.
- **Vertically garbled tables** (a table printed sideways): one character per line, numbers
  cut into pieces of at most two digits (`1436` as `14` / `36`), cells one after another.
  `garbled_table` learns the columns from the header (a sub-header repeated once per level
  group: `学时补贴标准` x2 under `一级二级`), the column types from the rows, and
  segments each row's number pieces so that every column's values keep a consistent number
  of digits. A row whose pieces can be cut more than one consistent way is reported and its
  numbers left unread: never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.common.grid import assemble_table, repeated_column_runs, table_parts
from extract.common.text import ATTACHMENT_NUMBERED, CHINESE_DATE, normalize_spaces
from extract.errors import ErrorCode
from extract.model import (
    DumpLine,
    ErrorItem,
    FoundTables,
    LineRange,
    Provenance,
    SourceDocument,
    Table,
    TableCell,
    TableRegion,
)
from extract.settings import DumpTableSettings

STAGE = "tables"

# A comma in a figure (1,280) separates thousands; elsewhere it, like these, marks a sentence.
SENTENCE_PUNCTUATION = re.compile(r"[。，；;：:！？]|,(?!\d{3}(?!\d))")
INTEGER = re.compile(r"^\d+$")
IMPRINT = re.compile(CHINESE_DATE.pattern + r"\s*印发")
DIGITS = re.compile(r"^\d+$")
# Words that end a column name in notices' tables; used only to cut run-together header text.
HEADER_TERMINALS = ("名称", "代码", "编码", "编号", "序号", "要求", "金额", "标准", "批次", "领域", "学时", "课时",
                    "类别", "等级", "级别", "备注", "单位", "数量", "时长", "期限", "人数", "比例")
# Terminal words that may also open a column name (学时要求, 等级名称); the others never do.
HEADER_OPENERS = ("学时", "课时", "等级", "级别")
# Words that end a table's title (…标准表, …名单); the title is cut from the column names at one of these.
TITLE_ENDINGS = HEADER_TERMINALS + ("表", "名单", "目录", "清单", "汇总")


def find_dump_tables(source: SourceDocument, settings: DumpTableSettings = DumpTableSettings()) -> FoundTables:
    lines = [(page.number, line) for page in source.pages for line in page.lines]
    page_starts = {page.lines[0].number for page in source.pages if page.lines}
    tables: list[Table] = []
    regions: list[TableRegion] = []
    errors: list[ErrorItem] = []
    i = 0
    while i < len(lines):
        garbled_end = _garbled_run_end(lines, i, settings)
        if garbled_end - i >= settings.min_garbled_lines:
            run = lines[i:garbled_end]
            table, table_errors = garbled_table(run, f"t{len(tables) + 1}", settings)
            errors.extend(table_errors)
            if table is not None:
                tables.append(table)
            regions.append(_region(run))
            i = garbled_end
            continue
        end = _spaced_run_end(lines, i, page_starts, settings)
        if end > i:
            run = lines[i:end]
            title = _title_before(lines, i)
            table, table_errors = spaced_table(run, f"t{len(tables) + 1}", title)
            errors.extend(table_errors)
            if table is not None:
                # a list set in parts side by side: each part a table (as for a PDF's tables)
                width = repeated_column_runs(table.cells, table.header_rows, table.n_cols)
                tables.extend(table_parts(table, width, len(tables) + 1) if width else [table])
                regions.append(_region(run))
            i = end
            continue
        i += 1
    return FoundTables(tables=tuple(tables), regions=tuple(regions), errors=tuple(errors))


def _region(run: list[tuple[int, DumpLine]]) -> TableRegion:
    return TableRegion(page=run[0][0], lines=LineRange(first=run[0][1].number, last=run[-1][1].number))


def _line_provenance(run: list[tuple[int, DumpLine]]) -> list[Provenance]:
    return [Provenance(page=run[0][0], lines=LineRange(first=run[0][1].number, last=run[-1][1].number))]


def _title_before(lines, i: int) -> str | None:
    if i == 0:
        return None
    text = lines[i - 1][1].text
    return None if SENTENCE_PUNCTUATION.search(text) or ATTACHMENT_NUMBERED.match(text) else normalize_spaces(text)


# ---------------------------------------------------------------- spaced tables


def _tokens(text: str) -> list[str]:
    """Space-separated cells; a token opening with a bracket belongs to the one before it
    (`开展培训职业 (工种)领域` is one column name)."""
    out: list[str] = []
    for token in text.split():
        if out and token[0] in "(（":
            out[-1] += token
        else:
            out.append(token)
    return out


def _is_spaced_header(text: str, settings: DumpTableSettings) -> bool:
    tokens = _tokens(text)
    return (len(tokens) >= settings.min_spaced_columns and not SENTENCE_PUNCTUATION.search(text)
            and not any(INTEGER.match(t) for t in tokens) and all(len(t) <= 20 for t in tokens)
            and all(any(ch.isalpha() for ch in t) for t in tokens))   # names, not dashes


def _spaced_run_end(lines, i: int, page_starts: set[int], settings: DumpTableSettings) -> int:
    """End (exclusive) of a spaced table starting at line i, or i when none starts there."""
    header = lines[i][1].text
    if not _is_spaced_header(header, settings):
        return i
    following = [line.text for _, line in lines[i + 1:i + 4]]
    if len(following) < 2 or not all(not SENTENCE_PUNCTUATION.search(t) for t in following) \
            or not INTEGER.match(_tokens(following[0])[0] if _tokens(following[0]) else ""):
        return i
    j = i + 1
    while j < len(lines):
        text = lines[j][1].text
        if SENTENCE_PUNCTUATION.search(text) or ATTACHMENT_NUMBERED.match(text) or IMPRINT.search(text):
            break
        if lines[j][1].number in page_starts and text != header and len(_tokens(text)) < 2:
            break  # a new page that neither repeats the header nor carries a row
        j += 1
    return j


@dataclass
class _MergedGroup:
    """The left columns of a spaced table's full row, merged over the rows that follow it."""

    values: list[str]
    first_row: int
    provenance: list[Provenance]
    end_row: int = 0


@dataclass
class _SpacedBody:
    cells: list[TableCell] = field(default_factory=list)
    groups: list[_MergedGroup] = field(default_factory=list)
    rows: int = 0
    errors: list[ErrorItem] = field(default_factory=list)


def spaced_table(run: list[tuple[int, DumpLine]], table_id: str, title: str | None):
    """A spaced table's run of lines (header first) as a table, and the errors met; the
    table is None when its header does not name every column."""
    header_text = run[0][1].text
    header = _tokens(header_text)
    token_rows = [(page, line, _tokens(line.text)) for page, line in run[1:] if line.text != header_text]
    n_cols = max([len(header)] + [len(t) for _, _, t in token_rows])
    if len(header) != n_cols:
        return None, [ErrorItem(stage=STAGE, code=ErrorCode.TABLE_UNREADABLE.value, page=run[0][0],
                                message=f"table {table_id}: header has {len(header)} names for {n_cols} columns")]
    # How many trailing columns change on every row: the commonest width of lines that do not open a group.
    widths = [len(t) for _, _, t in token_rows if len(t) >= 2 and not INTEGER.match(t[0])]
    right = max(set(widths), key=widths.count) if widths else n_cols
    body = _spaced_body(token_rows, table_id, n_cols, n_cols - right)
    cells = [TableCell(row=0, col=k, text=name, provenance=_line_provenance(run[:1])) for k, name in enumerate(header)]
    cells += body.cells
    for group in body.groups:
        if group.end_row > group.first_row:
            cells += [TableCell(row=1 + group.first_row, col=k, rowspan=group.end_row - group.first_row, text=value,
                                provenance=group.provenance) for k, value in enumerate(group.values)]
    pages = sorted({p for p, _ in run})
    table = assemble_table(id=table_id, title=title, cells=cells, n_rows=1 + body.rows, n_cols=n_cols, header_rows=1,
                           pages=pages, orientation=0, page_rotation=[0] * len(pages), rulings="text")
    return table, body.errors


def _spaced_body(token_rows, table_id: str, n_cols: int, left: int) -> _SpacedBody:
    """The rows under a spaced header: a line with every column, or opening with a number and
    no more than the `left` columns, opens a group (its left columns merged over the rows that
    follow); a line with the other columns is a row of the group; a shorter line continues a
    merged cell's wrapped text. A line that fits nowhere is reported and left out."""
    right = n_cols - left
    body = _SpacedBody()
    group: _MergedGroup | None = None

    def add_row(tokens: list[str], prov: list[Provenance]) -> None:
        body.rows += 1
        body.cells.extend(TableCell(row=body.rows, col=left + k, text=t, provenance=prov) for k, t in enumerate(tokens))

    for page, line, tokens in token_rows:
        prov = [Provenance(page=page, lines=LineRange(first=line.number, last=line.number))]
        if len(tokens) == n_cols or (tokens and INTEGER.match(tokens[0]) and len(tokens) <= left):
            if group is not None:
                group.end_row = body.rows
            group = _MergedGroup(values=tokens[:left], first_row=body.rows, provenance=prov)
            body.groups.append(group)
            if len(tokens) == n_cols:
                add_row(tokens[left:], prov)
        elif group is None:
            body.errors.append(ErrorItem(stage=STAGE, code=ErrorCode.CELL_UNREADABLE.value, page=page,
                                         message=f"table {table_id}: line {line.number} precedes any row; left out"))
        elif len(tokens) == right and len(group.values) == left:
            add_row(tokens, prov)
        elif len(group.values) < left or (len(tokens) < right and group.first_row == body.rows):
            # a merged cell's text wrapped over several lines
            if len(group.values) < left:
                group.values.append("".join(tokens))
            else:
                group.values[-1] += "".join(tokens)
            group.provenance = [Provenance(page=group.provenance[0].page,
                                           lines=LineRange(first=group.provenance[0].lines.first, last=line.number))]
        else:
            body.errors.append(ErrorItem(stage=STAGE, code=ErrorCode.CELL_UNREADABLE.value, page=page,
                                         message=f"table {table_id}: line {line.number} {line.text!r} fits no column; left out"))
    if group is not None:
        group.end_row = body.rows
    return body


# ---------------------------------------------------------------- garbled tables


def _garbled_run_end(lines, i: int, settings: DumpTableSettings) -> int:
    j = i
    while j < len(lines) and len(lines[j][1].text.replace(" ", "")) <= settings.garbled_piece_chars:
        j += 1
    return j


def _kind(piece: str) -> str:
    if DIGITS.match(piece):
        return "digit"
    if piece in "-－—":
        return "dash"
    return "text"


_TRAILING_UNIT = re.compile(r"[（(][^（）()]*[)）]$")


def _ends_with(text: str, endings: tuple[str, ...]) -> bool:
    """Whether `text` ends with one of `endings`, a bracketed unit after it allowed (`标准（元/人）`)."""
    return _TRAILING_UNIT.sub("", text).endswith(endings)


def split_at_terminals(text: str, count: int, whole: bool = False) -> list[str] | None:
    """Cut run-together header text into `count` names, each ending with a terminal word (and
    perhaps a bracketed unit); what is left at the front (a title, ending with a title word)
    is returned first, and must be nothing when `whole`. Of the ways to cut, the one with the
    shortest names from the right wins, unless a name would then open with a terminal word
    (`学时要求` is one name, not `学时` + `要求…`). None when the text does not cut that way."""
    def cuts(end: int, left: int):
        if left == 0:
            yield [text[:end]]
            return
        if not _ends_with(text[:end], HEADER_TERMINALS):
            return
        endings = TITLE_ENDINGS if left == 1 else HEADER_TERMINALS
        starts = [p for p in range(end - 2, 0, -1) if text[p] not in "（(" and _ends_with(text[:p], endings)]
        for start in starts + [0]:
            for front in cuts(start, left - 1):
                yield front + [text[start:end]]

    first = None
    for split in cuts(len(text), count):
        if whole and split[0]:
            continue
        if not any(name.startswith(HEADER_TERMINALS) and not name.startswith(HEADER_OPENERS) for name in split[1:]):
            return split
        first = first or split
    return first


def repeated_unit(text: str) -> tuple[int, int, int] | None:
    """(start, unit length, repeats) of the longest run of a unit repeated back to back at
    least twice; ties go to the later run."""
    best = None
    for unit in range(2, len(text) // 2 + 1):
        for start in range(0, len(text) - 2 * unit + 1):
            piece = text[start:start + unit]
            repeats = 1
            while text[start + repeats * unit:start + (repeats + 1) * unit] == piece:
                repeats += 1
            if repeats >= 2 and (best is None or unit * repeats >= best[1] * best[2]):
                best = (start, unit, repeats)
    return best


def level_labels(text: str, count: int) -> list[str] | None:
    """The last `count` labels of `text`, of equal length, sharing their last character (一级 二级 三级)."""
    for size in range(1, 5):
        if size * count > len(text):
            break
        tail = text[len(text) - size * count:]
        labels = [tail[k * size:(k + 1) * size] for k in range(count)]
        if len({label[-1] for label in labels}) == 1 and len(set(labels)) == count:
            return labels
    return None


@dataclass(frozen=True)
class _GarbledHeader:
    """What a garbled table's head says: its title, the names of its leading text columns, the
    level labels (一级 二级) and the sub-header repeated under each (学时 补贴标准)."""

    title: str | None
    lead_names: list[str]
    labels: list[str]
    leaves: list[str]
    last_piece: int       # index of the head's last piece
    body_start: int       # index of the piece the first row starts at


def garbled_table(run: list[tuple[int, DumpLine]], table_id: str, settings: DumpTableSettings = DumpTableSettings()):
    """A vertically garbled run of pieces as a table, and the errors met; None when its
    columns cannot be learned. Numbers are cut by `segment_numbers`, never guessed."""
    pieces = [(page, line.number, line.text.replace(" ", "")) for page, line in run]
    errors: list[ErrorItem] = []
    where = f"table {table_id} (lines {run[0][1].number}-{run[-1][1].number})"
    header = _garbled_header(pieces)
    rows = _garbled_rows(pieces[header.body_start:]) if isinstance(header, _GarbledHeader) else []
    if isinstance(header, _GarbledHeader) and rows:
        split = split_at_terminals(header.lead_names[0], len(rows[0][1]))
        header = _GarbledHeader(split[0] or None, split[1:], header.labels, header.leaves, header.last_piece,
                                header.body_start) if split is not None else \
            f"cannot cut {header.lead_names[0]!r} into {len(rows[0][1])} column names"
    elif isinstance(header, _GarbledHeader):
        header = "no rows after the header"
    if not isinstance(header, _GarbledHeader):
        return None, [ErrorItem(stage=STAGE, code=ErrorCode.TABLE_UNREADABLE.value, page=run[0][0],
                                message=f"{where}: {header}")]
    lead_count, width = len(header.lead_names), len(header.leaves)
    kinds = [k for _ in header.labels for k in range(width)]
    values, row_errors = segment_numbers([r[2] for r in rows], kinds, settings)
    head_prov = [Provenance(page=run[0][0], lines=LineRange(first=pieces[0][1], last=pieces[header.last_piece][1]))]
    cells = [TableCell(row=0, col=k, rowspan=2, text=name, provenance=head_prov) for k, name in enumerate(header.lead_names)]
    for g, label in enumerate(header.labels):
        cells.append(TableCell(row=0, col=lead_count + g * width, colspan=width, text=label, provenance=head_prov))
        cells += [TableCell(row=1, col=lead_count + g * width + k, text=leaf, provenance=head_prov)
                  for k, leaf in enumerate(header.leaves)]
    for r, (row_pieces, lead, _numbers) in enumerate(rows):
        prov = [Provenance(page=row_pieces[0][0], lines=LineRange(first=row_pieces[0][1], last=row_pieces[-1][1]))]
        numbers = values[r]
        if numbers is None:
            errors.append(ErrorItem(stage=STAGE, code=ErrorCode.CELL_UNREADABLE.value, page=prov[0].page,
                                    message=f"table {table_id} row {r}: its number pieces can be cut more than one "
                                            f"consistent way (lines {prov[0].lines.first}-{prov[0].lines.last}); "
                                            f"numbers left unread"))
            numbers = [None] * len(kinds)
        cells += [TableCell(row=2 + r, col=c, text=text, provenance=prov)
                  for c, text in enumerate([lead.get(c) for c in range(lead_count)] + numbers)]
    errors.extend(row_errors)
    pages = sorted({p for p, _, _ in pieces})
    table = assemble_table(id=table_id, title=header.title, cells=cells, n_rows=2 + len(rows),
                           n_cols=lead_count + len(kinds), header_rows=2, pages=pages, orientation=0,
                           page_rotation=[0] * len(pages), rulings="text")
    return table, errors


def _garbled_header(pieces) -> _GarbledHeader | str:
    """The head of a garbled run (an attachment marker 附 / 件 / 3 may open it; the title and
    column names follow, then the first row's first cell), or why it cannot be read. The
    leading columns' names are left run together as `lead_names[0]` until the rows say how
    many there are."""
    skip = 0
    if len(pieces) > 2 and pieces[0][2] + pieces[1][2] == "附件":
        skip = 3 if _kind(pieces[2][2]) == "digit" else 2
    first_digit = next((k for k in range(skip, len(pieces)) if _kind(pieces[k][2]) == "digit"), None)
    head_pieces = pieces[skip:first_digit] if first_digit is not None else pieces[skip:]
    head = "".join(p[2] for p in head_pieces)
    found = repeated_unit(head)
    if found is None:
        return "no repeated sub-header: columns cannot be learned"
    start, unit_len, groups = found
    unit = head[start:start + unit_len]
    leaves = next((split[1:] for parts in range(2, 5) if (split := split_at_terminals(unit, parts, whole=True))), [unit])
    labels = level_labels(head[:start], groups)
    if labels is None:
        return "no level labels over the repeated sub-header"
    first_cell = head[start + unit_len * groups:]
    # the first row's first cell is the tail of the head: find the piece where it starts
    consumed, k = 0, skip
    while k < len(pieces) and consumed < len(head) - len(first_cell):
        consumed += len(pieces[k][2])
        k += 1
    return _GarbledHeader(title=None, lead_names=[head[:start - sum(len(x) for x in labels)]], labels=labels,
                          leaves=leaves, last_piece=skip + len(head_pieces) - 1, body_start=k)


def _garbled_rows(pieces):
    """Rows of (pieces, {lead column: text}, [number pieces]): a row opens with text, then
    its code-like columns (digits joined by dashes), then its numbers until the next text."""
    rows = []
    k = 0
    while k < len(pieces):
        if _kind(pieces[k][2]) != "text":
            k += 1
            continue
        start = k
        text = ""
        while k < len(pieces) and _kind(pieces[k][2]) == "text":
            text += pieces[k][2]
            k += 1
        lead = {0: text}
        if k + 1 < len(pieces) and _kind(pieces[k][2]) == "digit" and _kind(pieces[k + 1][2]) == "dash":
            code = pieces[k][2]
            k += 1
            while k + 1 < len(pieces) and _kind(pieces[k][2]) == "dash" and _kind(pieces[k + 1][2]) == "digit":
                code += "-" + pieces[k + 1][2]
                k += 2
            lead[1] = code
        numbers = []
        while k < len(pieces) and _kind(pieces[k][2]) == "digit":
            numbers.append(pieces[k][2])
            k += 1
        rows.append((pieces[start:k], lead, numbers))
    return rows


def _cuts(pieces: list[str], count: int, width: int) -> list[list[str]]:
    """Every way to join `pieces` into `count` numbers: a number is full-width pieces
    followed by one last piece; a shorter piece always ends a number; no number but 0
    starts with 0."""
    out: list[list[str]] = []

    def walk(k: int, acc: list[str]) -> None:
        if len(acc) > count:
            return
        if k == len(pieces):
            if len(acc) == count:
                out.append(list(acc))
            return
        if pieces[k].startswith("0") and pieces[k] != "0":
            return
        number = ""
        for j in range(k, len(pieces)):
            number += pieces[j]
            walk(j + 1, acc + [number])
            if len(pieces[j]) < width:
                break

    walk(0, [])
    return out


def segment_numbers(rows: list[list[str]], kinds: list[int], settings: DumpTableSettings):
    """Cut each row's pieces into one number per column so that the numbers of each kind of
    column (columns under the same sub-header name hold the same kind of value) keep a
    consistent number of digits: every kind gets a digit-length range no wider than
    `max_digit_spread`, the ranges are chosen as narrow as the rows allow (fewest digit
    lengths in all), and a row is read only when every such choice cuts it the same way.
    Returns per row its numbers, or None where it cannot be cut unambiguously."""
    count = len(kinds)
    n_kinds = max(kinds) + 1 if kinds else 0
    width = max((len(p) for row in rows for p in row), default=settings.garbled_piece_chars)
    options = [_cuts(row, count, width) for row in rows]
    if not rows or any(not o for o in options):
        return [o[0] if len(o) == 1 else None for o in options], []
    shapes = [{tuple(len(n) for n in cut) for cut in o} for o in options]
    lengths = sorted({n for s in shapes for shape in s for n in shape})
    ranges = [(lo, hi) for lo in lengths for hi in lengths if 0 <= hi - lo <= settings.max_digit_spread]
    best_cost, best = None, []

    def search(kind: int, alive: list[set], cost: int) -> None:
        nonlocal best_cost, best
        if best_cost is not None and cost > best_cost:
            return
        if kind == n_kinds:
            if best_cost is None or cost < best_cost:
                best_cost, best = cost, []
            best.append(list(alive))
            return
        cols = [c for c, k in enumerate(kinds) if k == kind]
        for lo, hi in ranges:
            kept = [{shape for shape in s if all(lo <= shape[c] <= hi for c in cols)} for s in alive]
            if all(kept):
                search(kind + 1, kept, cost + hi - lo + 1)

    search(0, shapes, 0)
    result = []
    for r, row_options in enumerate(options):
        allowed = set().union(*(solution[r] for solution in best)) if best else set()
        cuts = {tuple(cut) for cut in row_options if tuple(len(n) for n in cut) in allowed}
        result.append(list(next(iter(cuts))) if len(cuts) == 1 else None)
    return result, []
