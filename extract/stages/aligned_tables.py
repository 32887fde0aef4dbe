"""Tables without a full grid, their columns read from the alignment of their text:

- ruled across their rows only (`stacked_rules`, then `alignment_grid`): a three-line table
  (三线表: a rule above, one under the header, one below), rules between rows but none between
  columns, a frame with no inner rules. The rules give the table's extent and its header;
- partly ruled (`columns_of_open_rows`, `underdivided`, `rows_within_ruled_rows`): rows under
  column rules that stop, grids whose column rules leave columns of text undivided, and ruled
  rows that hold several rows of figures (no rules between the body's rows);
- with no rules at all (`borderless_blocks`, then `whitespace_grid`): runs of lines set in
  columns, told from running text, lists and the like.

All three share `_grid_of_lines`: the columns are the gutters of white space that run down the
body lines; a vertical line is laid in each gutter wherever the text of a row does not cross it
(a header over several columns crosses, and is one merged cell); a row is each body line, a line
that only continues one cell of the line above (a name that wraps in its column) joined to it.
The grid then goes through the same cells engine as a ruled one.

All positions are in the table's reading frame (points, top-left origin)."""

from __future__ import annotations

import math
import statistics
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from extract.common.geometry import rotate_to_reading_frame
from extract.common.lines import rows_of, stacked_figures, turned_glyphs
from extract.common.text import CAPTION_FIELD, FIGURE, NOTE_ROW
from extract.model import Box, Glyph, Ruling, SourcePage
from extract.settings import AlignedTableSettings, LineSettings

Segment = tuple[float, float, float]   # (position, start, end)


def stacked_rules(rulings: list[Ruling], page: SourcePage, settings: AlignedTableSettings = AlignedTableSettings(),
                  centres: np.ndarray | None = None) -> list[list[Ruling]]:
    """Horizontal rules stacked down a page under a first one, each within its extent (a rule
    across a few columns under a merged cell counts), cut where running text stands between
    two of them: each group of two or more is a candidate table ruled across its rows only (display frame: tables
    printed sideways have vertical rules here, grouped the same way across the page). `centres`:
    the page's glyphs' centres (n, 2), when the caller has them.

    "Under" is in the order the page's text is read: on a page printed upside down (most of its
    text at 180°) the rules are taken from the bottom of the page up, and on one printed turned
    clockwise (90°) from its right edge leftwards, as on an upright page from the top down; so
    the first rule of a group is the one above the table's header, whichever way it was printed."""
    if not rulings:
        return []
    if centres is None:
        centres = np.array([g.box.center for g in page.glyphs], dtype=float).reshape(-1, 2)
    read = Counter(g.direction for g in page.glyphs)
    out = []
    for horizontal, against in ((True, read[180] > read[0]), (False, read[90] > read[270])):
        rules = [r for r in rulings if r.is_horizontal == horizontal]
        if not against:
            out += _stacked(rules, horizontal, page, centres, settings)
            continue
        # in a frame turned so that the page's text reads down it, and back
        turn = _half_turn if horizontal else _mirror_across
        turned_centres = np.column_stack(turn(centres[:, 0], centres[:, 1], page))
        out += [[_turned_rule(r, turn, page) for r in group]
                for group in _stacked([_turned_rule(r, turn, page) for r in rules], horizontal, page, turned_centres, settings)]
    return out


def _half_turn(x, y, page: SourcePage):
    """A display-frame point (or arrays of them) turned half a turn on the page: upside down."""
    return page.width - x, page.height - y


def _mirror_across(x, y, page: SourcePage):
    """A display-frame point (or arrays) mirrored left to right: for text turned clockwise, whose
    lines follow one another from the page's right edge leftwards."""
    return page.width - x, y


def _turned_rule(rule: Ruling, turn, page: SourcePage) -> Ruling:
    (ax, ay), (bx, by) = turn(rule.box.x0, rule.box.top, page), turn(rule.box.x1, rule.box.bottom, page)
    return Ruling(box=Box(x0=min(ax, bx), top=min(ay, by), x1=max(ax, bx), bottom=max(ay, by)))


def _stacked(rules: list[Ruling], horizontal: bool, page: SourcePage, centres: np.ndarray,
             settings: AlignedTableSettings) -> list[list[Ruling]]:
    """`stacked_rules` for the rules of one direction, in a frame where the page's text is read
    from the top down (horizontal rules) or from the left rightwards (vertical ones)."""
    groups: list[list[Ruling]] = []
    for rule in sorted(_joined(rules, horizontal, settings),
                       key=lambda r: (r.box.top, r.box.x0) if horizontal else (r.box.x0, r.box.top)):
        for group in groups:
            if _within(group, rule, horizontal, settings):
                group.append(rule)
                break
        else:
            groups.append([rule])
    groups = _pieces_rejoined(groups, horizontal, settings)
    # text that is no table's (a paragraph, a title) parts the rules above it from those below;
    # a table ends with a rule across it all
    runs = [run for group in groups for run in _parted_by_prose(group, page, centres, settings)]
    closed = [g for g in runs if len(g) >= 2 and _within(g[:1], g[-1], horizontal, settings, partial=False)]
    return [table for group in closed for side in _side_by_side(group) for table in _one_after_another(side)]


def _pieces_rejoined(groups: list[list[Ruling]], horizontal: bool, settings: AlignedTableSettings) -> list[list[Ruling]]:
    """Groups whose rules each stand at the level of a rule of an earlier group, within that
    group's first rule, put back in it: a rule between two rows broken where cells were drawn
    without their borders leaves pieces too short to count by themselves (`min_partial`), and
    without them the cells on either side of the break were read as one, rows' text joined."""
    def level(r: Ruling) -> float:
        return (r.box.top + r.box.bottom) / 2 if horizontal else (r.box.x0 + r.box.x1) / 2

    def span(r: Ruling) -> tuple[float, float]:
        return (r.box.x0, r.box.x1) if horizontal else (r.box.top, r.box.bottom)

    def home_of(pieces: list[Ruling], group: list[Ruling]) -> bool:
        a0, a1 = span(group[0])
        tolerance = settings.same_extent * (a1 - a0)
        levels = [level(r) for r in group[1:]]
        return all(span(p)[0] >= a0 - tolerance and span(p)[1] <= a1 + tolerance
                   and any(abs(level(p) - y) <= settings.snap for y in levels) for p in pieces)

    def at_level_of(piece: Ruling, group: list[Ruling]) -> Ruling:
        """The piece moved onto the level of the rule it belongs to (a hair apart, it would make
        a row of its own)."""
        rule = min(group[1:], key=lambda r: abs(level(r) - level(piece))).box
        b = piece.box
        return Ruling(box=Box(x0=b.x0, top=rule.top, x1=b.x1, bottom=rule.bottom) if horizontal
                      else Box(x0=rule.x0, top=b.top, x1=rule.x1, bottom=b.bottom))

    out: list[list[Ruling]] = []
    for group in groups:
        home = next((other for other in out if len(other) > 1 and home_of(group, other)), None)
        if home is None:
            out.append(group)
            continue
        home.extend([at_level_of(piece, home) for piece in group])
        home.sort(key=lambda r: (level(r), span(r)[0]))
    return out


def _parted_by_prose(group: list[Ruling], page: SourcePage, centres: np.ndarray,
                     settings: AlignedTableSettings) -> list[list[Ruling]]:
    """A group cut wherever the text between two of its rules reads as running text: rules above
    and below a paragraph or a title belong to different tables (or to none). `centres`: the
    page's glyphs' centres, in their order."""
    runs = [[group[0]]]
    x0, x1 = _span(group[0])
    down, along = (centres[:, 1], centres[:, 0]) if group[0].is_horizontal else (centres[:, 0], centres[:, 1])
    across_group = (x0 <= along) & (along <= x1)
    for upper, lower in zip(group, group[1:]):
        a, b = _level(upper), _level(lower)
        between = [page.glyphs[i] for i in np.flatnonzero(across_group & (a < down) & (down < b))]
        if between and _prose_lines(between, page, settings):
            runs.append([lower])
        else:
            runs[-1].append(lower)
    return runs


def _prose_lines(glyphs: list[Glyph], page: SourcePage, settings: AlignedTableSettings,
                 lines_settings: LineSettings = LineSettings()) -> bool:
    """Whether characters read as running text, in the frame they run in: many of the pieces of
    their lines (runs of characters no gutter-wide gap divides) are as long as a line of prose,
    and either there are several lines (a paragraph) or a line is one such piece (a title). A
    header's pieces are short, or several to a line (group labels over their columns)."""
    direction = Counter(g.direction for g in glyphs).most_common(1)[0][0]
    boxes = [rotate_to_reading_frame(g.box, direction, page.width, page.height) for g in glyphs]
    size = statistics.median(b.height for b in boxes)
    lines = [_piece_sizes(line, settings.min_gutter * size)
             for row in rows_of(boxes, lines_settings.line_overlap)
             for line in [sorted((boxes[i] for i in row), key=lambda b: b.x0)]]
    pieces = [n for line in lines for n in line]
    long_pieces = sum(1 for n in pieces if n >= settings.prose_chars) > settings.prose_share * len(pieces)
    title = any(len(line) == 1 and line[0] >= settings.prose_chars for line in lines)
    return long_pieces and (len(lines) >= settings.paragraph_lines or title)


def _span(rule: Ruling) -> tuple[float, float]:
    """A rule's extent across the page: along x for a horizontal rule, along y for a vertical one."""
    return (rule.box.x0, rule.box.x1) if rule.is_horizontal else (rule.box.top, rule.box.bottom)


def _level(rule: Ruling) -> float:
    return (rule.box.top + rule.box.bottom) / 2 if rule.is_horizontal else (rule.box.x0 + rule.box.x1) / 2


def _clipped(rule: Ruling, start: float, end: float) -> Ruling:
    box = rule.box
    clipped = Box(x0=start, top=box.top, x1=end, bottom=box.bottom) if rule.is_horizontal else \
        Box(x0=box.x0, top=start, x1=box.x1, bottom=end)
    return Ruling(box=clipped)


def _side_by_side(group: list[Ruling]) -> list[list[Ruling]]:
    """Tables set side by side between two page-wide rules (the rules under a running header and
    over the notes): the rules between them fall into columns that do not overlap. Each column
    is a group of its own, closed by the lower page-wide rule cut to its width; the upper one
    heads none of them."""
    inner = sorted(group[1:-1], key=lambda r: _span(r)[0])
    columns: list[list[Ruling]] = []
    for rule in inner:
        if columns and _span(rule)[0] < max(_span(r)[1] for r in columns[-1]):
            columns[-1].append(rule)
        else:
            columns.append([rule])
    if len(columns) < 2 or any(len(column) < 2 for column in columns):
        return [group]
    out = []
    for column in columns:
        start, end = min(_span(r)[0] for r in column), max(_span(r)[1] for r in column)
        out.append(sorted(column, key=_level) + [_clipped(group[-1], start, end)])
    return out


def _one_after_another(group: list[Ruling]) -> list[list[Ruling]]:
    """Tables one under another in a group: each opens as the first does, with a band of two
    close rules (its header's) well below the rule before. The rule a band starts with closes
    the table above."""
    levels = [_level(r) for r in group]
    if len(group) < 4:
        return [group]
    band = levels[1] - levels[0]
    starts = [k for k in range(2, len(group) - 1)
              if abs((levels[k + 1] - levels[k]) - band) <= 0.2 * band and levels[k] - levels[k - 1] > 2 * band]
    if not starts:
        return [group]
    bounds = [0, *starts, len(group) - 1]
    return [group[a:b + 1] for a, b in zip(bounds, bounds[1:])]


def _within(group: list[Ruling], rule: Ruling, horizontal: bool, settings: AlignedTableSettings,
            partial: bool = True) -> bool:
    """Whether a rule belongs under a group's first rule: within its extent (or of the same
    extent, when not `partial`). However far below it stands: running text between them parts
    them later (`_parted_by_prose`)."""
    first = group[0].box
    (a0, a1), (b0, b1) = ((first.x0, first.x1), (rule.box.x0, rule.box.x1)) if horizontal else \
        ((first.top, first.bottom), (rule.box.top, rule.box.bottom))
    tolerance = settings.same_extent * (a1 - a0)
    if partial:
        inside = b0 >= a0 - tolerance and b1 <= a1 + tolerance and (b1 - b0) >= settings.min_partial * (a1 - a0)
    else:
        inside = abs(a0 - b0) <= tolerance and abs(a1 - b1) <= tolerance
    return inside


def _joined(rules: list[Ruling], horizontal: bool, settings: AlignedTableSettings) -> list[Ruling]:
    """Collinear pieces that touch (a rule drawn cell by cell) joined into one rule."""
    def key(r: Ruling) -> tuple[float, float]:
        return ((r.box.top + r.box.bottom) / 2, r.box.x0) if horizontal else ((r.box.x0 + r.box.x1) / 2, r.box.top)

    out: list[Box] = []
    for rule in sorted(rules, key=key):
        box = rule.box
        if out:
            last = out[-1]
            same_line = abs(key(rule)[0] - ((last.top + last.bottom) / 2 if horizontal else (last.x0 + last.x1) / 2)) <= settings.snap
            touching = box.x0 <= last.x1 + settings.snap if horizontal else box.top <= last.bottom + settings.snap
            if same_line and touching:
                out[-1] = last.union(box)
                continue
        out.append(box)
    return [Ruling(box=b) for b in out]


def alignment_grid(rules: list[Ruling], glyphs: list[Glyph], direction: int, page: SourcePage,
                   settings: AlignedTableSettings = AlignedTableSettings(), lines_settings: LineSettings = LineSettings(),
                   column_rules: tuple[Segment, ...] = ()):
    """(xs, ys, horizontal segments, vertical segments) of a table ruled across its rows, its
    columns read from the alignment of its text and from `column_rules` (vertical rules in the
    reading frame: between groups of columns, say); None when the text between the rules is not in
    columns (a paragraph between two rules, the 版记, a single column)."""
    turned_rules = [rotate_to_reading_frame(r.box, direction, page.width, page.height) for r in rules]
    ys_rules = sorted((b.top + b.bottom) / 2 for b in turned_rules)
    x0, x1 = min(b.x0 for b in turned_rules), max(b.x1 for b in turned_rules)
    top, bottom = ys_rules[0], ys_rules[-1]
    lines = _reading_lines(glyphs, direction, page, lines_settings,
                           lambda x, y: x0 - 1 <= x <= x1 + 1 and top < y < bottom)
    if not lines:
        return None
    # the header: the lines above the first rule across the table inside it (none when no rule
    # divides it); a rule under some columns only is under a group's label, inside the header
    tolerance = settings.same_extent * (x1 - x0)
    # (a rule drawn cell by cell is one rule)
    inner = sorted((b.top + b.bottom) / 2 for b in (r.box for r in _joined([Ruling(box=b) for b in turned_rules], True, settings))
                   if b.x0 <= x0 + tolerance and b.x1 >= x1 - tolerance
                   and any(line.top > b.bottom for line in lines) and any(line.bottom < b.top for line in lines))
    header_end = inner[0] if inner else top
    if not inner:
        # no rule under a header (a bare frame): the header is the few lines right above the
        # first full row, as over a table with no rules (more, or set apart, are the frame's text)
        counted = [(line, len(_pieces(line, settings))) for line in lines]
        if any(n >= 2 for _, n in counted):
            first = _first_full_row(counted, settings)
            above = [line for line in lines if line.top < first.top]
            size = statistics.median(b.height for b in first.boxes)
            if len(above) <= settings.max_label_lines + 1 and all(
                    lower.top - upper.bottom <= settings.max_row_gap * size for upper, lower in zip(above, [*above[1:], first])):
                header_end = first.top
    return _grid_of_lines(lines, (x0, top, x1, bottom), header_end, turned_rules, column_rules, settings)


# Characters that draw leader dots, with how many dots each draws.
LEADER_DOTS = {".": 1, "·": 1, "．": 1, "・": 1, "‥": 2, "…": 3, "⋯": 3}


def leader_dots(glyphs: Sequence[Glyph], page: SourcePage, settings: AlignedTableSettings = AlignedTableSettings()) -> set[int]:
    """The ids of the glyphs that draw leaders: runs of dots (`leader_min_dots` or more, two
    glyphs at least) that lead the eye from a label to its figure (`0.99..........800`,
    `合计……………12`). In a table read from its text's alignment they stand where white space
    would: no text of any cell, and no bridge between two columns."""
    return {id(g) for run in _runs_of(glyphs, page, LEADER_DOTS.keys())
            if len(run) >= 2 and sum(LEADER_DOTS[g.text] for g in run) >= settings.leader_min_dots for g in run}


# Characters typed in a row to draw a rule (`--------` under a typewriter table's header).
TYPED_RULE = {"-", "_", "=", "─", "━", "－", "＿", "＝"}


@dataclass(frozen=True)
class TypedRule:
    """A rule typed as a run of dashes, underscores or equals signs: its glyphs, and its level
    (the middle of its glyphs' boxes) in the reading frame of `direction`."""

    glyphs: tuple[Glyph, ...]
    direction: int
    level: float


def typed_rules(glyphs: Sequence[Glyph], page: SourcePage, settings: AlignedTableSettings = AlignedTableSettings()) -> list[TypedRule]:
    """Rules typed as text: runs of `typed_rule_min` or more dashes, underscores or equals signs.
    Among lines set in columns they part a table's header from its body, or one table from the
    next; they are no cell's text."""
    out = []
    for run in _runs_of(glyphs, page, TYPED_RULE):
        if len(run) >= settings.typed_rule_min:
            boxes = [rotate_to_reading_frame(g.box, g.direction, page.width, page.height) for g in run]
            out.append(TypedRule(glyphs=tuple(run), direction=run[0].direction,
                                 level=(min(b.top for b in boxes) + max(b.bottom for b in boxes)) / 2))
    return out


def _runs_of(glyphs: Sequence[Glyph], page: SourcePage, characters) -> list[list[Glyph]]:
    """Runs of glyphs among `characters`, each within half an em of the next along one baseline
    (in the frame their text runs in)."""
    marks = sorted(((rotate_to_reading_frame(g.box, g.direction, page.width, page.height), g) for g in glyphs
                    if g.text in characters), key=lambda bg: (bg[1].direction, bg[0].bottom))
    baselines: list[list[tuple[Box, Glyph]]] = []
    for box, glyph in marks:
        last = baselines[-1][-1] if baselines else None
        if last is not None and last[1].direction == glyph.direction and box.bottom - last[0].bottom <= box.height / 4:
            baselines[-1].append((box, glyph))
        else:
            baselines.append([(box, glyph)])
    runs: list[list[Glyph]] = []
    for baseline in baselines:
        previous: Box | None = None
        for box, glyph in sorted(baseline, key=lambda bg: bg[0].x0):
            if previous is not None and box.x0 - previous.x1 <= glyph.size / 2:
                runs[-1].append(glyph)
            else:
                runs.append([glyph])
            previous = box
    return runs


@dataclass(frozen=True)
class ReadingLine:
    """A line of text in a table's reading frame: its characters' boxes, left to right, and
    each one's text."""

    boxes: tuple[Box, ...]
    chars: tuple[str, ...]

    @property
    def text(self) -> str:
        return "".join(self.chars)

    @property
    def top(self) -> float:
        return self.boxes[0].top

    @property
    def bottom(self) -> float:
        return max(b.bottom for b in self.boxes)


def _reading_lines(glyphs: list[Glyph], direction: int, page: SourcePage, lines_settings: LineSettings,
                   keep: Callable[[float, float], bool] | None = None) -> list[ReadingLine]:
    """The lines, top to bottom, of the glyphs whose centre in the reading frame `keep` accepts
    (all of them when None)."""
    turned = [(b, g.text) for b, g in turned_glyphs(glyphs, page, direction)]
    if keep is not None:
        turned = [(b, t) for b, t in turned if keep((b.x0 + b.x1) / 2, (b.top + b.bottom) / 2)]
    boxes = [b for b, _ in turned]
    rows = sorted((sorted(row, key=lambda i: boxes[i].x0) for row in rows_of(boxes, lines_settings.line_overlap)),
                  key=lambda row: boxes[row[0]].top)
    return [ReadingLine(boxes=tuple(boxes[i] for i in row), chars=tuple(turned[i][1] for i in row)) for row in rows]


def rows_in_columns(glyphs: list[Glyph], direction: int, page: SourcePage, edges: list[float], below: float,
                    settings: AlignedTableSettings = AlignedTableSettings(),
                    lines_settings: LineSettings = LineSettings()) -> list[ReadingLine]:
    """The lines that open the text of `glyphs` below `below` (the running headers' band), in
    the reading frame of `direction`, set in the columns whose edges are `edges`: each piece of a
    line (runs no gutter-wide gap divides) centred in a column of its own, two at least. Up to
    the first line that is not."""
    out = []
    for line in _reading_lines(glyphs, direction, page, lines_settings, lambda x, y: y > below):
        size = statistics.median(b.height for b in line.boxes)
        pieces = _words(list(line.boxes), settings.min_gutter * size)
        columns = [bisect_right(edges, (start + end) / 2) - 1 for start, end in pieces]
        if len(pieces) < 2 or len(set(columns)) != len(columns) or not all(0 <= k < len(edges) - 1 for k in columns):
            break
        out.append(line)
    return out


def _grid_of_lines(all_lines: list[ReadingLine], extent: tuple[float, float, float, float], header_end: float,
                   turned_rules: list[Box], column_rules: tuple[Segment, ...], settings: AlignedTableSettings):
    """The grid of lines of text within `extent` (x0, top, x1, bottom), the lines above
    `header_end` its header (its lines cut into rows under its lines of group labels,
    `_header_rows`), with whatever rules cross it (reading frame): the columns are the
    gutters down the body, the rows its lines, a line that only continues a cell above joined
    to it. None when the body is not in columns, or its columns hold running text."""
    x0, top, x1, bottom = extent
    lines = [list(line.boxes) for line in all_lines]
    size = statistics.median(b.height for line in lines for b in line)
    # notes under the body (注：…, 资料来源：…) run across the columns: they are no row, and the
    # columns are read without them (the note row, one cell across, is left to the text)
    notes = 0
    while notes < len(lines) and NOTE_ROW.search(all_lines[len(lines) - 1 - notes].text.strip()):
        notes += 1
    body = [line for line in lines[:len(lines) - notes] if line[0].top >= header_end]
    if len(body) < settings.min_body_lines:
        return None
    # each column's edge where the body's gutter is clear of the header's text as well, if it can be
    header_lines = [line for line in lines if line[0].top < header_end]
    header = _without_group_labels(header_lines + body[:1], size * settings.min_gutter)
    pitch = _fixed_pitch(body, size, settings)
    # (in a fixed-pitch font one space parts the words of a row, and joins a group label's)
    word_gap, label_gap = (pitch / 2, max(size * settings.min_gutter, 1.5 * pitch)) if pitch else \
        (size * settings.word_gap, size * settings.min_gutter)
    chars = {id(box): char for line in all_lines for box, char in zip(line.boxes, line.chars)}

    def in_words(line: list[Box]) -> bool:   # (letters and ideographs, not figures)
        return sum(1 for box in line if chars[id(box)].isalpha()) * 2 > len(line)

    labels = _leading_group_labels(body, label_gap, in_words)
    unlabelled = [[box for box in line if not any(box is label for label in own)] for line, own in zip(body, labels)]
    sections = _section_labels(body, label_gap)   # (a group label's line counts its labels)
    strips = _gutters([line for k, line in enumerate(unlabelled) if line and k not in sections], x0, x1, size, word_gap,
                      settings, header_lines)
    # the header's lines, and lines atop the body holding group labels, are crossed where a
    # label's words run on (one space apart in a fixed-pitch font): only the body's rows part there
    phrased = {id(line) for line, own in zip(body, labels) if own} | {id(line) for line in header_lines}
    phrase_gap = max(label_gap, size * settings.word_gap)
    ruled = sorted({round(x, 1) for x, _, _ in column_rules if x0 + size < x < x1 - size})
    gutters = [next((x for x in ruled if a <= x <= b), None) or _clearest((a, b), header, size * settings.word_gap)
               for a, b in strips]
    gutters = sorted([*gutters, *(x for x in ruled if not any(a <= x <= b for a, b in strips))])
    if not gutters:
        return None
    xs = [x0, *gutters, x1]
    if _prose(body, xs, size, settings):
        return None
    # a column of running text at either edge (a paragraph the rules run past) is the text's

    def running_text(a: float, b: float) -> bool:
        column = _by_column(body, [a, b])[0]
        own = [chars[id(x)] for line in column for x in line]
        words = sum(1 for c in own if c.isalpha())   # letters and ideographs: not figures, not leader dots
        if words < settings.words_share * len(own) or not _set_full(column, size, settings):
            return False
        # lines that repeat each other but for their figures ("… to 2017", "… to 2018") are a
        # table's row labels set alike, not prose, whose lines do not repeat
        texts = ["".join(chars[id(x)] for x in line if not chars[id(x)].isdigit()) for line in column]
        return len(set(texts)) * 2 > len(texts)

    while len(xs) > 3 and running_text(xs[0], xs[1]):
        xs = xs[1:]
    while len(xs) > 3 and running_text(xs[-2], xs[-1]):
        xs = xs[:-1]
    x0, x1, gutters = xs[0], xs[-1], xs[1:-1]
    # rows: the rules, and a line between body lines unless the lower only continues a cell. A
    # line with text only in columns empty in the lines above and below it (a label printed in
    # the middle of the rows it spans) is a merged cell over both: no line crosses its columns.
    spans = [k for k in range(1, len(body) - 1)
             if not _columns(body[k], xs) & (_columns(body[k - 1], xs) | _columns(body[k + 1], xs))]
    head = _header_rows(header_lines, body[0], label_gap) if header_lines else HeaderRows(rows=[], spanning=[], groups=[])
    rows = head.rows + [line for k, line in enumerate(body) if k not in spans]
    spanning = head.spanning + [body[k] for k in spans]
    # lines set closer than rows usually are stand apart (a header or a cell wrapped over lines)
    gaps = sorted(min(b.top for b in lower) - max(b.bottom for b in upper) for upper, lower in zip(rows, rows[1:]))
    row_gap = gaps[len(gaps) // 2] if gaps else 0.0
    ys = sorted({top, bottom, *((b.top + b.bottom) / 2 for b in turned_rules)})
    # a rule under some columns only (beneath a merged cell) separates those columns only
    horizontals: list[Segment] = [((b.top + b.bottom) / 2, b.x0, b.x1) for b in turned_rules]
    for k, (upper, lower) in enumerate(zip(rows, rows[1:])):
        tight = min(b.top for b in lower) - max(b.bottom for b in upper) < settings.wrap_gap * row_gap
        if _continues_a_cell(upper, lower, xs) or (tight and _columns(lower, xs) <= _columns(upper, xs)):
            continue
        gap_top, gap_bottom = max(b.bottom for b in upper), min(b.top for b in lower)
        between = (gap_top + gap_bottom) / 2
        if any(abs(between - y) <= size / 2 or gap_top <= y <= gap_bottom for y in ys):   # a rule parts them already
            continue
        ys.append(between)
        label = next((line for line in spanning if upper[0].top < line[0].top < lower[0].top), None)
        taken = _columns(label, xs) if label else set()
        if k < len(head.rows) - 1:
            # under a header row, only its groups' columns part from the row below: beside them
            # a cell may wrap on into it ("Percent who / borrowed")
            grouped = [(start, end) for level, start, end in head.groups if upper[0].top <= level <= gap_top]
            taken |= {c for c in range(len(xs) - 1) if not any(start < xs[c + 1] and end > xs[c] for start, end in grouped)}
        horizontals.extend((between, xs[c], xs[c + 1]) for c in range(len(xs) - 1) if c not in taken)
    notes_top = float("inf")
    if notes and body:
        # the notes' own row, under the body: one cell across, which the tables stage leaves to the text
        notes_top = (max(b.bottom for b in body[-1]) + min(b.top for b in lines[len(lines) - notes])) / 2
        ys.append(notes_top)
        horizontals.append((notes_top, x0, x1))
    ys.sort()
    verticals: list[Segment] = [(x, top, bottom) for x in (x0, x1)]
    middles = [[(bx.top + bx.bottom) / 2 for bx in line] for line in lines]
    reach = [(min(m), max(m)) if m else (math.inf, -math.inf) for m in middles]   # (once: every row band asks of every line)
    for a, b in zip(ys, ys[1:]):
        if a >= notes_top:
            break
        band = [([bx for bx, y in zip(line, ys_of_line) if a < y < b], phrase_gap if id(line) in phrased else word_gap)
                for line, ys_of_line, (lowest, highest) in zip(lines, middles, reach) if highest > a and lowest < b]
        # a group's label heads every column of its group, however short it is
        grouped = [(start, end) for level, start, end in head.groups if a < level < b]
        for x in gutters:
            if not any(_crossed(part, x, gap) for part, gap in band) and not any(start < x < end for start, end in grouped):
                verticals.append((x, a, b))
    verticals.extend(column_rules)
    return xs, ys, horizontals, verticals


def _section_labels(lines: list[list[Box]], gap: float) -> set[int]:
    """The lines (their indexes) that label a section of a table's rows: one phrase (no gap
    wider than `gap`) where the lines next to it, above and below, hold several ("Enrollment,
    in thousands" centred over the figures of the years, between a header and the rows). Such a
    line runs across the gutters between the columns it labels, as a group's label does, and
    says nothing of where they are. Prose is one phrase a line with more of it around."""
    pieces = [len(_words(line, gap)) for line in lines]
    sections = set()
    for k, n in enumerate(pieces):
        around = [pieces[j] for j in (k - 1, k + 1) if 0 <= j < len(pieces)]
        if n == 1 and around and all(m >= 2 for m in around):
            sections.add(k)
    return sections


def _words(line: list[Box], gap: float) -> list[tuple[float, float]]:
    """The extents (start, end) of a line's runs of boxes (left to right) no gap wider than `gap` parts."""
    return [(a, b) for a, b, _ in _runs(line, gap)]


def _piece_sizes(line: list[Box] | tuple[Box, ...], gap: float) -> list[int]:
    """The number of boxes in each of a line's runs (`_words`): each box's centre lies in its own run's extent, and
    the extents do not overlap."""
    return [n for _, _, n in _runs(line, gap)]


def _runs(line: list[Box] | tuple[Box, ...], gap: float) -> list[list]:
    runs: list[list] = []   # [start, end, number of boxes]
    for box in line:   # (every line of every block comes here, many times: no min or max calls)
        if runs and box.x0 - runs[-1][1] <= gap:
            last = runs[-1]
            if box.x1 > last[1]:
                last[1] = box.x1
            last[2] += 1
        else:
            runs.append([box.x0, box.x1, 1])
    return runs


def _fixed_pitch(lines: list[list[Box]], size: float, settings: AlignedTableSettings) -> float | None:
    """The width of every character of `lines` when they are set in a fixed-pitch font (a
    typewriter's or a terminal's table, whose columns may stand one space apart): narrower than
    `fixed_pitch_max`, and every character of `fixed_pitch_share` of the lines that wide (a
    header in another font aside); None otherwise. (A proportional font's figures are all one
    width too, but its points and commas are narrower; ideographs are all an em wide: neither
    is taken for fixed pitch.)"""
    widths = sorted(b.width for line in lines for b in line)
    pitch = widths[len(widths) // 2] if widths else 0.0
    if not 0 < pitch < settings.fixed_pitch_max * size:
        return None
    fixed = sum(1 for line in lines if all(abs(b.width - pitch) <= 0.02 * pitch for b in line))
    return pitch if fixed >= settings.fixed_pitch_share * len(lines) else None


def _gutters(body: list[list[Box]], x0: float, x1: float, size: float, word_gap: float,
             settings: AlignedTableSettings, header: Sequence[list[Box]] = ()) -> list[tuple[float, float]]:
    """The strips of white space (start, end) that run down the body's lines, each with text on
    both sides in at least two lines, the `header`'s lines counted (a column's label over the one
    line of a continued page). A few lines may cross a strip (a total's figures set too wide for
    their columns, a group's label over its rows): up to `max_crossing` of them. Characters
    closer than `word_gap` (points) are one word."""
    words = [_words(line, word_gap) for line in body]
    spans = [w for line in words for w in line]
    step = 0.5
    places = np.arange(x0, x1 + step, step)
    crossing = np.zeros(len(places) + 1, dtype=np.int32)
    for a, b in spans:   # each line's words are apart: a place is crossed once per line at most
        crossing[np.searchsorted(places, a)] += 1
        crossing[np.searchsorted(places, b, side="right")] -= 1
    clear = np.cumsum(crossing)[:-1] <= int(settings.max_crossing * len(body))
    text_start, text_end = min(a for a, _ in spans), max(b for _, b in spans)
    gutters = []
    edges = np.flatnonzero(np.diff(np.concatenate(([0], clear.astype(np.int8), [0]))))
    for first, after in zip(edges[::2], edges[1::2]):
        start_x, end_x = float(places[first]), float(places[after - 1])
        if start_x > text_start and end_x < text_end and end_x - start_x >= settings.min_gutter * size:
            gutters.append((start_x, end_x))
    if word_gap < settings.word_gap * size:
        # In a fixed-pitch font, a strip one space wide in the lines with text on both sides
        # is the space between words set alike in every row (`40 years`, `41 years`; a header
        # above them aside); a column's edge is wider in several rows (right-aligned figures of
        # other lengths).
        gutters = [(a, b) for a, b in gutters if sum(
            1 for line in words for before, after in zip(line, line[1:])
            if before[1] <= a and after[0] >= b and after[0] - before[1] > 3 * word_gap) >= settings.min_rows]
    # a column holds text in two lines at least: a gutter beside a lone word is no column's edge,
    # unless the header's labels stand either side of it, clear of it, in a body that is in
    # columns elsewhere (the one line of a page a table continues on, under its repeated header)
    edges = [x0, *((a + b) / 2 for a, b in gutters), x1]
    filled = [sum(1 for line in body if any(a < b.center[0] < c for b in line)) for a, c in zip(edges, edges[1:])]
    labelled = [sum(1 for line in header if any(a < b.center[0] < c for b in line)) for a, c in zip(edges, edges[1:])]
    heads = [(b.x0, b.x1) for line in header for b in line]
    clear = [any(b - a >= settings.min_gutter * size for a, b in _free_spans([(start, start), *heads, (end, end)])
                 if start <= a and b <= end) for start, end in gutters]
    body_borne = [min(filled[k], filled[k + 1]) >= 2 for k in range(len(gutters))]
    header_borne = [clear[k] and min(filled[k], filled[k + 1]) >= 1 and
                    min(filled[k] + labelled[k], filled[k + 1] + labelled[k + 1]) >= 2 for k in range(len(gutters))]
    # (the header only adds columns to a body in columns of its own)
    return [g for k, g in enumerate(gutters) if body_borne[k] or (header_borne[k] and any(body_borne))]


def _group_labels(upper: list[Box], lower: list[Box], gap: float) -> list[tuple[float, float]]:
    """The pieces of a header line that label groups of columns: each centred over a gap of the
    line below it, with that line's pieces close on both sides ("2024年度计划" over "名额  补贴")."""
    return [headed.label for headed in _groups_headed(upper, lower, gap)]


@dataclass(frozen=True)
class GroupLabel:
    """A piece of a header line that labels a group of columns, and the extent of the group: of
    the pieces of the line below it that it heads (reading frame x: start, end)."""

    label: tuple[float, float]
    group: tuple[float, float]


def _groups_headed(upper: list[Box], lower: list[Box], gap: float, odd: bool = False,
                   further: Sequence[list[Box]] = ()) -> list[GroupLabel]:
    """The group labels of a header line over the line below it (pieces `gap` apart are words):
    each label centred over a gap of that line (`_even_group`), and with `odd` also each centred
    over one of its pieces between two (`_odd_group`, `further`: the header's lines under
    `lower`). A group lies under its own label alone: one that reaches under another label of
    the line, or shares a column with another's group, was read against a line that holds only
    some of the columns' words (a header wrapped unevenly: `Weight / Relative / to / Controls`)."""
    below = _words(lower, gap)
    labels = _words(upper, gap)
    found = []
    for label in labels:
        group = _even_group(label, below) or (_odd_group(label, below, gap, further) if odd else None)
        if group is not None:
            found.append(GroupLabel(label=label, group=group))
    return [g for g in found
            if not any(e < g.group[1] and f > g.group[0] for e, f in labels if (e, f) != g.label)
            and not any(o.group[0] < g.group[1] and o.group[1] > g.group[0] for o in found if o is not g)]


def _even_group(label: tuple[float, float], below: list[tuple[float, float]]) -> tuple[float, float] | None:
    """The group a label centred over a gap of the line below heads, with that line's pieces
    close on both sides (within its width): the pieces it stands over and the nearest on each
    side ("2024年度计划" over "名额  补贴")."""
    a, b = label
    middle, width = (a + b) / 2, b - a
    if any(c <= middle <= d for c, d in below):
        return None
    left = [(c, d) for c, d in below if d < middle]
    right = [(c, d) for c, d in below if c > middle]
    if not (any(middle - width <= d for _, d in left) and any(c <= middle + width for c, _ in right)):
        return None
    members = [left[-1], *((c, d) for c, d in below if c < b and d > a), right[0]]
    return min(c for c, _ in members), max(d for _, d in members)


def _odd_group(label: tuple[float, float], below: list[tuple[float, float]], gap: float,
               further: Sequence[list[Box]]) -> tuple[float, float] | None:
    """The group of three a label centred over the middle one heads (`补贴标准（元/人）` over `初级
    中级 高级`): centred over that piece and over the three together (their extent, or their
    centres' when the outer two differ in width), running a quarter of the way or more into
    the gaps on both sides of it (a cell's wrapped words stand within their column; a label over
    several runs across their gutters). Not where the middle piece goes on in the lines `further`
    down: the label is then a word of a cell wrapped word by word (`Relative` over `to`, between
    two `Body`)."""
    a, b = label
    middle = (a + b) / 2
    over = [(c, d) for c, d in below if c <= middle <= d]
    left = [(c, d) for c, d in below if d < middle]
    right = [(c, d) for c, d in below if c > middle]
    if not (over and left and right):
        return None
    (c, d), before, after = over[0], left[-1], right[0]
    tolerance = (d - c) / 4 + gap
    centred = min(abs((before[0] + after[1]) / 2 - middle), abs((before[0] + before[1] + after[0] + after[1]) / 4 - middle))
    goes_on = any(c <= (box.x0 + box.x1) / 2 <= d for line in further for box in line)
    if abs((c + d) / 2 - middle) <= tolerance and centred <= tolerance and not goes_on and \
            a <= c - (c - before[1]) / 4 and b >= d + (after[0] - d) / 4:
        return before[0], after[1]
    return None


def _without_group_labels(lines: list[list[Box]], gap: float) -> list[list[Box]]:
    """Header lines (and the line under them) without their group labels, which are meant to
    run across the edges of the columns they group."""
    out = []
    for upper, lower in zip(lines, lines[1:]):
        groups = _group_labels(upper, lower, gap)
        out.append([box for box in upper if not any(a <= box.center[0] <= b for a, b in groups)])
    return [line for line in out if line]


def _leading_group_labels(lines: list[list[Box]], gap: float, in_words: Callable[[list[Box]], bool]) -> list[list[Box]]:
    """The boxes of the group labels of each of the lines at the top of `lines` that have them
    (a header no rule parts from the body: `Non-Hispanic white` over `Male  Female`): they run
    across column edges by design. Labels over a line of figures are the columns' own (centred
    over right-aligned figures); a label over more than two pieces of the line below heads a
    section, not a group."""
    labels: list[list[Box]] = [[] for _ in lines]
    for k in range(len(lines) - 1):
        below = _words(lines[k + 1], gap)
        groups = [(a, b) for a, b in (_group_labels(lines[k], lines[k + 1], gap) if in_words(lines[k + 1]) else [])
                  if sum(1 for c, d in below if c < b and d > a) <= 2]
        if not groups:
            break
        labels[k] = [box for box in lines[k] if any(a <= box.center[0] <= b for a, b in groups)]
    return labels


@dataclass(frozen=True)
class HeaderRows:
    """A header's rows when no rule parts them (reading frame)."""

    rows: list[list[Box]]        # each row's boxes
    spanning: list[list[Box]]    # lines of cells that span two rows: printed between them, in columns both leave empty
    groups: list[Segment]        # (level, start, end): each group label's line, and the extent of the columns it heads


def _header_rows(header: list[list[Box]], below: list[Box], gap: float) -> HeaderRows:
    """A header's rows when no rule parts them: one row, cut under each line of group labels
    (its cells' words may wrap over several lines, but a group's label stands over them). A line
    between two others with text in none of their columns (`职业名称` centred on the two rows
    beside `补贴标准（元/人）` over `初级 中级`) is a cell over both rows: it is no row, and the
    labels above it head the line below it."""
    apart = _spanning_lines([*header, below]) - {len(header) - 1}
    # (of lines apart one after another, none spans: each is a row's, as any line is)
    spanning = {k for k in apart if k - 1 not in apart and k + 1 not in apart}
    kept = [k for k in range(len(header)) if k not in spanning]
    rows: list[list[Box]] = [[]]
    row_of: dict[int, int] = {}
    groups: list[Segment] = []
    for upper, lower in zip(kept, [*kept[1:], None]):
        rows[-1] += header[upper]
        row_of[upper] = len(rows) - 1
        # (the last line's labels head the body's figures)
        headed = _groups_headed(header[upper], header[lower], gap, odd=True, further=header[lower + 1:]) \
            if lower is not None else []
        if headed:
            level = statistics.median((b.top + b.bottom) / 2 for b in header[upper])
            groups += [(level, *g.group) for g in headed]
            rows.append([])
    # a line between two lines of one row is in that row
    for k in sorted(spanning):
        if row_of[k - 1] == row_of[k + 1]:
            rows[row_of[k - 1]] += header[k]
    return HeaderRows(rows=[row for row in rows if row], groups=groups,
                      spanning=[header[k] for k in sorted(spanning) if row_of[k - 1] != row_of[k + 1]])


def _spanning_lines(lines: list[list[Box]]) -> set[int]:
    """The lines (indexes) between two others that share no column with either: no box of
    theirs overlaps one of the line above or below, across."""
    def apart(line: list[Box], other: list[Box]) -> bool:
        return not any(b.x0 < o.x1 and o.x0 < b.x1 for b in line for o in other)
    return {k for k in range(1, len(lines) - 1) if apart(lines[k], lines[k - 1]) and apart(lines[k], lines[k + 1])}


def _clearest(strip: tuple[float, float], lines: list[list[Box]], gap: float) -> float:
    """The place in a gutter that the fewest of `lines` cross (a header's label wider than its
    column's figures reaches into the gutter on one side), the nearest the middle among equals."""
    start, end = strip
    middle = (start + end) / 2
    places = [start + k * (end - start) / 8 for k in range(9)]
    return min(places, key=lambda x: (sum(1 for line in lines if _crossed(line, x, gap)), abs(x - middle)))


def _prose(body: list[list[Box]], xs: list[float], size: float, settings: AlignedTableSettings) -> bool:
    """Whether the columns hold running text (a page in two columns between its header and
    footer rules): many of their lines as long as a line of prose, or half the columns or more set
    full. A table's cells are short, and ragged at one side or both."""
    columns = _by_column(body, xs)
    pieces = [len(own) for column in columns for own in column]
    if sum(1 for n in pieces if n >= settings.prose_chars) > settings.prose_share * len(pieces):
        return True
    return sum(1 for column in columns if _set_full(column, size, settings)) * 2 >= len(xs) - 1


def _by_column(body: list[list[Box]], xs: list[float]) -> list[list[list[Box]]]:
    """Each column's text (`xs` the columns' edges, left to right): for every line with text in
    the column, that text's boxes in the line's order. A box is in the column its centre lies in;
    one outside them all is in none."""
    columns: list[list[list[Box]]] = [[] for _ in range(len(xs) - 1)]
    for line in body:
        own: dict[int, list[Box]] = {}
        for box in line:
            k = bisect_right(xs, (box.x0 + box.x1) / 2) - 1   # (its centre: without the tuple `center` makes)
            if 0 <= k < len(columns):
                own.setdefault(k, []).append(box)
        for k, boxes in own.items():
            columns[k].append(boxes)
    return columns


def _set_full(column: list[list[Box]], size: float, settings: AlignedTableSettings) -> bool:
    """Whether a column (its text by line, `_by_column`) is running text set full: most of its
    lines run from its left edge to its right (justified), in pieces longer than a cell's."""
    spans = [(min(x.x0 for x in own), max(x.x1 for x in own), len(own)) for own in column]
    if not spans:
        return False
    left, right = min(s for s, _, _ in spans), max(e for _, e, _ in spans)
    full = [n for s, e, n in spans if s - left <= size and right - e <= size]
    return len(full) >= settings.full_share * len(spans) and statistics.mean(n for _, _, n in spans) >= settings.full_chars


def _columns(line: list[Box], xs: list[float]) -> set[int]:
    """The columns a line has text in (`xs` the columns' edges, left to right; text outside
    them counts in the last column)."""
    last = len(xs) - 2
    out = set()
    for b in line:
        k = bisect_right(xs, (b.x0 + b.x1) / 2) - 1
        out.add(k if 0 <= k <= last else last)
    return out


def _continues_a_cell(upper: list[Box], lower: list[Box], xs: list[float]) -> bool:
    """Whether a line only carries on one cell of the line above: text in one column, one the
    upper line also has text in, while the upper line has text in several; and it starts no
    further left than that cell's text (a wrapped name runs on flush or hanging; a label set
    further out, like a group's name over its indented rows, starts a row of its own)."""
    up, low = _columns(upper, xs), _columns(lower, xs)
    if not (len(low) == 1 and low <= up and len(up) > 1):
        return False
    start = min(b.x0 for b in upper if _columns([b], xs) == low)
    size = statistics.median(b.height for b in upper)
    return min(b.x0 for b in lower) >= start - size / 2


def _crossed(boxes: list[Box], x: float, gap: float) -> bool:
    """Whether text runs across x: a character on it, or two characters of one word either side.
    (One pass over the boxes: every gutter asks it of every line of every row band.)"""
    left = right = None   # the nearest edges either side of x
    for b in boxes:
        if b.x0 < x < b.x1:
            return True
        if b.x1 <= x and (left is None or b.x1 > left):
            left = b.x1
        if b.x0 >= x and (right is None or b.x0 < right):
            right = b.x0
    return left is not None and right is not None and right - left <= gap


def columns_of_open_rows(xs: list[float], ys: list[float], ruled: Callable[[float, float, float], bool],
                         glyphs: list[Glyph], direction: int, page: SourcePage,
                         settings: AlignedTableSettings = AlignedTableSettings(),
                         lines_settings: LineSettings = LineSettings()) -> list[Segment]:
    """Vertical segments for the rows of a ruled grid that no inner vertical rule crosses (a
    table whose column rules stop under its header): in such a row, each column edge that no
    line of its text runs across, when the text then falls into two columns or more. A row of
    one label, or of a sentence across the columns, stays one cell. `ruled(x, top, bottom)`
    says whether rules at x cover a row; positions in the table's reading frame."""
    boxes = [rotate_to_reading_frame(g.box, direction, page.width, page.height) for g in glyphs]
    segments: list[Segment] = []
    for top, bottom in zip(ys, ys[1:]):
        if any(ruled(x, top, bottom) for x in xs[1:-1]):
            continue
        band = [b for b in boxes if top < b.center[1] < bottom and xs[0] < b.center[0] < xs[-1]]
        if not band:
            continue
        gap = statistics.median(b.height for b in band) * settings.word_gap
        lines = [sorted((band[i] for i in row), key=lambda b: b.x0) for row in rows_of(band, lines_settings.line_overlap)]
        cuts = [x for x in xs[1:-1] if not any(_crossed(line, x, gap) for line in lines)]
        if len(_columns(band, [xs[0], *cuts, xs[-1]])) >= 2:
            segments.extend((x, top, bottom) for x in cuts)
    return segments


def rows_within_ruled_rows(xs: list[float], ys: list[float], glyphs: list[Glyph], direction: int, page: SourcePage,
                           lines_settings: LineSettings = LineSettings()) -> list[Segment]:
    """Horizontal segments that part a ruled row holding rows of its own (a grid ruled between
    its columns, under its header and above its total, but not between its body's rows).
    Figures do not wrap: in a row where a column's lines are each a figure, short of the
    column's width, each opens a row, when the row's first column then has text in two rows or
    more (a label each), or another column labels the figures one each (levels beside their
    amounts). The cut above each figure lies halfway from the figure above; a cell whose
    text runs across it alone (a name centred over the rows it spans) is not cut: it spans them;
    one whose text runs across it from the row above (a label wrapped under its first line) moves
    the cut to the white space under it. Figures beside one
    label (tiers of one item), and a long figure wrapped in a narrow column, are one cell's.
    Positions in the table's reading frame."""
    turned = [(b, g.text) for b, g in turned_glyphs(glyphs, page, direction)]
    widths = np.diff(xs).tolist()
    segments: list[Segment] = []
    for top, bottom in zip(ys, ys[1:]):
        band = [(b, t) for b, t in turned if top < (b.top + b.bottom) / 2 < bottom and xs[0] < (b.x0 + b.x1) / 2 < xs[-1]]
        columns = [[(b, t) for b, t in band if a <= (b.x0 + b.x1) / 2 < z] for a, z in zip(xs, xs[1:])]
        lines = [_cell_lines(column, lines_settings) for column in columns]
        filled = [k for k, column_lines in enumerate(lines) if column_lines]
        figures = [lines[k] for k in filled[1:] if len(lines[k]) >= 2 and _stacked_figures(lines[k], widths[k])]
        if not figures:
            continue
        reference = max(figures, key=len)
        free = _free_spans([(b.top, b.bottom) for b, _ in band])
        cuts = []
        for above, line in zip(reference, reference[1:]):
            middle = (above.top + above.bottom + line.top + line.bottom) / 4
            # text across the middle of a column with a line beside the figure above continues
            # that row (a label wrapped under its first line): the row ends in the white space
            # under it; text across it alone in its column is a cell of both rows
            crossed = [column for column in columns if any(b.top < middle < b.bottom for b, _ in column)]
            if any(b.top < above.bottom and above.top < b.bottom for column in crossed for b, _ in column):
                clear = [(a + z) / 2 for a, z in free if above.bottom <= a and z <= line.top]
                cuts.append(clear[-1] if clear else middle)
            else:
                cuts.append(middle)
        bounds = [top, *cuts, bottom]
        labels = lines[filled[0]]
        labelled = sum(1 for a, z in zip(bounds, bounds[1:]) if any(a < (ln.top + ln.bottom) / 2 < z for ln in labels))
        if labelled < 2 and not any(_beside_each(lines[k], reference, widths[k]) for k in filled if lines[k] is not reference):
            continue
        for y in cuts:
            segments.extend((y, a, z) for a, z, column in zip(xs, xs[1:], columns)
                            if not any(b.top < y < b.bottom for b, _ in column))
    return segments


def _beside_each(lines: list[ReadingLine], figures: list[ReadingLine], width: float) -> bool:
    """Whether a column's lines, `width` wide, label the figures one each (the levels beside
    their amounts): as many, each level with its figure, none but the last filling its column
    (a sentence wrapped over the lines fills them)."""
    return len(lines) == len(figures) and \
        all(line.top < figure.bottom and figure.top < line.bottom for line, figure in zip(lines, figures)) and \
        all(line.boxes[-1].x1 - line.boxes[0].x0 + 2 * below.boxes[0].width <= width for line, below in zip(lines, lines[1:]))


def _cell_lines(items: list[tuple[Box, str]], lines_settings: LineSettings) -> list[ReadingLine]:
    """The lines, top to bottom, of a cell's characters (boxes with their text)."""
    boxes = [b for b, _ in items]
    rows = sorted((sorted(row, key=lambda i: boxes[i].x0) for row in rows_of(boxes, lines_settings.line_overlap)),
                  key=lambda row: boxes[row[0]].top)
    return [ReadingLine(boxes=tuple(boxes[i] for i in row), chars=tuple(items[i][1] for i in row)) for row in rows]


def _stacked_figures(lines: list[ReadingLine], width: float) -> bool:
    """Whether a cell's lines, `width` wide, are figures set one under another, each pair
    (`lines.stacked_figures`)."""
    return all(stacked_figures(line.text, line.boxes[-1].x1 - line.boxes[0].x0, below.text, below.boxes[0].width, width)
               for line, below in zip(lines, lines[1:]))


def _free_spans(extents: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The gaps, in order, between spans (start, end), merged where they overlap."""
    gaps: list[tuple[float, float]] = []
    end = None
    for start, stop in sorted(extents):
        if end is not None and start > end:
            gaps.append((end, start))
        end = stop if end is None else max(end, stop)
    return gaps


def underdivided(xs: list[float], glyphs: list[Glyph], direction: int, page: SourcePage,
                 settings: AlignedTableSettings = AlignedTableSettings(),
                 lines_settings: LineSettings = LineSettings()) -> bool:
    """Whether the column rules of a grid leave columns of text undivided: a share of its lines
    (`crowded_lines`) have text outside the ruled columns (no rule before the first column), or
    a ruled column holds columns of its own, a gutter running down its lines (rules between
    groups of columns only). A cell's wrapped sentence has no such gutter."""
    # (text set across the table's direction, names printed up a header's columns, is no line of it)
    boxes = [rotate_to_reading_frame(g.box, direction, page.width, page.height) for g in glyphs if g.direction == direction]
    if not boxes:
        return False
    size = statistics.median(b.height for b in boxes)
    lines = [sorted((boxes[i] for i in row), key=lambda b: b.x0) for row in rows_of(boxes, lines_settings.line_overlap)]
    outside = sum(1 for line in lines if any(b < xs[0] or a > xs[-1] for a, b in _words(line, settings.min_gutter * size)))
    if outside >= settings.min_rows and outside > settings.crowded_lines * len(lines):
        return True
    for a, b in zip(xs, xs[1:]):
        own = [part for line in lines for part in [[x for x in line if a <= x.center[0] < b]] if part]
        pitch = _fixed_pitch(own, size, settings)
        word_gap = pitch / 2 if pitch else size * settings.word_gap
        for start, end in _gutters(own, a, b, size, word_gap, settings) if len(own) >= settings.min_rows else []:
            # columns of its own: lines with text on either side of the gutter (a header centred
            # above right-aligned figures leaves a gutter with no line on both sides of it)
            both = sum(1 for part in own if part[0].center[0] < start and part[-1].center[0] > end)
            if both >= settings.min_rows and both > settings.crowded_lines * len(lines):
                return True
    return False


@dataclass(frozen=True)
class TextBlock:
    """A run of lines set in columns with no rules about them: a borderless table's candidate.
    `lines` in the reading frame of `direction`; `header_end` the top of its first full row."""

    direction: int
    lines: tuple[ReadingLine, ...]
    header_end: float

    @property
    def extent(self) -> tuple[float, float, float, float]:
        boxes = [b for line in self.lines for b in line.boxes]
        return (min(b.x0 for b in boxes), min(b.top for b in boxes), max(b.x1 for b in boxes), max(b.bottom for b in boxes))


def borderless_blocks(glyphs: list[Glyph], page: SourcePage, settings: AlignedTableSettings = AlignedTableSettings(),
                      lines_settings: LineSettings = LineSettings(), rules: Sequence[TypedRule] = ()) -> list[TextBlock]:
    """Runs of lines in columns among `glyphs` (those no ruled table took), in each direction
    text runs in on the page. A line is in columns when a gutter-wide gap parts it in two pieces
    or more, at most one of them as long as a line of prose (a row label may be); a run is such
    lines close one under another, with at most `max_label_lines` lines of one piece between
    them (a group's label, a wrapped cell), and `min_rows` of them at least. The header is what
    stands above its first line with as many pieces as most of its lines have. A rule typed
    between two lines of a run (`rules`, their glyphs not among `glyphs`) stands under a header:
    the line in columns above it, with its labels, heads the table below, not the one above."""
    blocks: list[TextBlock] = []
    for direction in sorted({g.direction for g in glyphs}):
        lines = _reading_lines([g for g in glyphs if g.direction == direction], direction, page, lines_settings)
        levels = [rule.level for rule in rules if rule.direction == direction]
        run: list[tuple[ReadingLine, int]] = []   # (line, its number of pieces)
        lead: list[ReadingLine] = []   # the one-piece lines right above, close one under another, outside any run
        run_lead: list[ReadingLine] = []   # the lead right above the run's first line
        for line in [*lines, None]:
            # a line that states a caption's fields (`编制单位：某局  单位：元`) is no row and no label
            stated = line is not None and CAPTION_FIELD.match(line.text.strip()) is not None
            pieces = _pieces(line, settings) if line is not None and not stated else []
            in_columns = len(pieces) >= 2 and sum(1 for n in pieces if n >= settings.prose_chars) <= 1
            size = statistics.median(b.height for b in line.boxes) if line is not None else 0.0
            close = bool(run) and line is not None and line.top - run[-1][0].bottom <= settings.max_row_gap * size
            labels = sum(1 for _ in _trailing(run, lambda n: n < 2))
            label = len(pieces) == 1 and pieces[0] < settings.prose_chars and labels < settings.max_label_lines
            ruled = close and any(run[-1][0].bottom < level < line.top for level in levels)
            if ruled and in_columns and len(pieces) == _last_in_columns(run):
                # a rule under a header (a row below in as many pieces as it): the header starts
                # the table below, this line its first row
                header = _header_above_rule(run)
                block = _block_of(run[:len(run) - len(header)], direction, settings, run_lead)
                if block is not None:
                    blocks.append(block)
                run, run_lead = [*header, (line, len(pieces))], []
                continue
            if close and (in_columns or label) and not ruled:
                run.append((line, len(pieces)))
                lead = []
                continue
            # the run ends: at a line apart from it, or at a rule under its last row
            block = _block_of(run, direction, settings, run_lead)
            if block is not None:
                blocks.append(block)
            run, run_lead = ([(line, len(pieces))], lead) if in_columns else ([], [])
            near = bool(lead) and line is not None and line.top - lead[-1].bottom <= settings.max_row_gap * size
            lead = ([*lead, line] if near else [line]) if len(pieces) == 1 and pieces[0] < settings.prose_chars else []
    return blocks


def _labels_above(lead: list[ReadingLine], run: list[tuple[ReadingLine, int]], settings: AlignedTableSettings) -> list[ReadingLine]:
    """The lines of `lead` (one piece each, right above a run's first line in columns; `run`: its
    lines with their numbers of pieces) that head
    the run's columns, in the run's size: lines of group labels (`补贴标准（元/人）` over `初级
    中级`), and the cells spanning the header's rows printed between the label and the line it
    heads (`职业名称`, or `职业名称  培训人数` on one line: then the run's first line in columns).
    A label is judged against the first line below it that is no spanning cell. A label centred
    over the whole line below, with no spanning cell beside it, is the table's title, and is
    left to the text."""
    if not lead or not run:
        return []
    first = run[0][0]
    size = statistics.median(b.height for b in first.boxes)
    if first.top - lead[-1].bottom > settings.max_row_gap * size:
        return []
    lines = [list(line.boxes) for line in [*lead, *(line for line, _ in run)]]
    gap = settings.min_gutter * size
    spanning = _spanning_lines(lines)
    first_full = _first_full_row(run, settings)
    body_at = len(lead) + next(k for k, (line, _) in enumerate(run) if line is first_full)   # (header lines end here)
    taken: list[int] = []
    labels_at = -1   # the topmost line of group labels taken
    for k in range(len(lead) - 1, -1, -1):
        own = statistics.median(b.height for b in lines[k])
        if max(own, size) > settings.size_spread * min(own, size):
            break
        below = next((j for j in range(k + 1, len(lines)) if j not in spanning), None)
        headed = _groups_headed(lines[k], lines[below], gap, odd=True, further=lines[below + 1:body_at]) \
            if below is not None else []
        whole = _words(lines[below], gap) if below is not None else []
        if not headed or len(headed) < len(_words(lines[k], gap)):
            if k in spanning:
                taken.append(k)
                continue
            # a label too short to tell the group it heads (`补贴标准` over the middle of three
            # levels, or set at the left of its cell), with a cell spanning the header's rows
            # printed between it and the line it heads (`职业名称`), beside that cell and over the
            # table's text (a label set at the right of its cell may stand out past the figures
            # centred under it): a title has no header cell beside it (as for a group label,
            # below). Taken with the header, it is read with what it stands over; a table whose
            # columns it leaves unnamed is reported, not lost.
            label = _words(lines[k], gap)
            # (a cell over the header's rows has nothing under it in the line headed; a wrapped
            # cell's first line, `Standing` over `Charge`, is no such cell)
            cells = [piece for j in taken if j in spanning for piece in _words(lines[j], gap)
                     if not any(a < piece[1] and piece[0] < b for a, b in whole)]
            left = min(b.x0 for line in lines[k + 1:] for b in line)
            right = max(b.x1 for line in lines[k + 1:] for b in line)
            if not (whole and len(label) == 1 and cells and left < label[0][1] and label[0][0] < right
                    and not any(a < label[0][1] and label[0][0] < b for a, b in cells)):
                break
            taken.append(k)
            labels_at = k
            continue
        # a title: centred over the whole line below, no cell beside it printed between the rows
        centred = any(abs(sum(g.label) / 2 - (whole[0][0] + whole[-1][1]) / 2) <= size for g in headed)
        if centred and below == k + 1 and not any(j in spanning for j in taken):
            break
        taken.append(k)
        labels_at = k
    while taken and taken[-1] != labels_at:   # spanning cells above the topmost label are none of its
        taken.pop()
    return [lead[k] for k in sorted(taken)]


def _pieces(line: ReadingLine, settings: AlignedTableSettings) -> list[int]:
    """The number of characters in each piece of a line: runs no gutter-wide gap divides."""
    size = statistics.median(b.height for b in line.boxes)
    return _piece_sizes(line.boxes, settings.min_gutter * size)


def _last_in_columns(run: list[tuple[ReadingLine, int]]) -> int:
    """The number of pieces of a run's last line in columns (0 if none)."""
    return next((n for _, n in reversed(run) if n >= 2), 0)


def _header_above_rule(run: list[tuple[ReadingLine, int]]) -> list[tuple[ReadingLine, int]]:
    """The end of a run that heads the table under a typed rule: its last line in columns and
    the lines right above that with fewer pieces than most of the run's lines have (a group's
    label, a title over the columns)."""
    end = len(run)
    while end and run[end - 1][1] < 2:
        end -= 1
    if not end:
        return list(run)
    most = Counter(n for _, n in run[:end] if n >= 2).most_common(1)[0][0]
    start = end - 1
    while start and run[start - 1][1] < most:
        start -= 1
    return run[start:]


def _trailing(run: list, test: Callable[[int], bool]):
    """The lines at the end of a run whose number of pieces passes `test`, last first."""
    for line, pieces in reversed(run):
        if not test(pieces):
            return
        yield line


def _block_of(run: list[tuple[ReadingLine, int]], direction: int, settings: AlignedTableSettings,
              lead: Sequence[ReadingLine] = ()) -> TextBlock | None:
    """The run as a borderless table's candidate, with the lines of `lead` (right above it) that
    head it (`_labels_above`); None when too few of its lines are in columns."""
    while run and run[-1][1] < 2:   # labels after the last row belong to the text below
        run = run[:-1]
    counts = [n for _, n in run if n >= 2]
    if len(counts) < settings.min_rows:
        return None
    run = [*((line, 1) for line in _labels_above(list(lead), run, settings)), *run]
    return TextBlock(direction=direction, lines=tuple(line for line, _ in run), header_end=_first_full_row(run, settings).top)


def _first_full_row(lines: list[tuple[ReadingLine, int]], settings: AlignedTableSettings) -> ReadingLine:
    """Where a table's body starts when no rule says so: the first of `lines` (each with its
    number of pieces) with as many pieces as most of those in columns have, or a line right above
    it that reads as a row of the body with a cell left empty: a label in the first row's first
    column, and figures, all standing where the first row has figures (`电工  800  [ ]  1600`).
    A header's line has words there, or no label (years over the columns: `   2024  2025`)."""
    most = Counter(n for _, n in lines if n >= 2).most_common(1)[0][0]
    k = next(k for k, (_, n) in enumerate(lines) if n >= most)
    full = _piece_texts(lines[k][0], settings)
    while k and _a_row_with_a_gap(_piece_texts(lines[k - 1][0], settings), full):
        k -= 1
    return lines[k][0]


def _piece_texts(line: ReadingLine, settings: AlignedTableSettings) -> list[tuple[float, float, str]]:
    """A line's pieces (runs no gutter-wide gap divides): (start, end, text)."""
    size = statistics.median(b.height for b in line.boxes)
    return [(a, b, "".join(c for box, c in zip(line.boxes, line.chars) if a <= box.x0 and box.x1 <= b))
            for a, b in _words(line.boxes, settings.min_gutter * size)]


def _a_row_with_a_gap(line: list[tuple[float, float, str]], full: list[tuple[float, float, str]]) -> bool:
    """Whether a line's pieces are a body row's, as the full row's are, with some left empty."""
    if not 2 <= len(line) < len(full) or FIGURE.match(line[0][2]) or FIGURE.match(full[0][2]):
        return False
    if not (line[0][0] < full[0][1] and full[0][0] < line[0][1]):   # a label in the first column
        return False
    for a, b, text in line[1:]:
        under = [t for x0, x1, t in full[1:] if x0 < b and a < x1]
        if len(under) != 1 or not FIGURE.match(text) or not FIGURE.match(under[0]):
            return False
    return True


def whitespace_grid(block: TextBlock, settings: AlignedTableSettings = AlignedTableSettings()):
    """(xs, ys, horizontal segments, vertical segments) of a borderless table, in its reading
    frame; None when its columns do not hold over `min_rows` of its rows."""
    x0, top, x1, bottom = block.extent
    grid = _grid_of_lines(list(block.lines), (x0 - 1, top - 1, x1 + 1, bottom + 1), block.header_end, [], (), settings)
    if grid is None:
        return None
    # a table's text is set in one size (a title beside a sidebar is not)
    sizes = [statistics.median(b.height for b in line.boxes) for line in block.lines]
    if max(sizes) > settings.size_spread * min(sizes):
        return None
    xs = grid[0]
    rows_in_columns = sum(1 for line in block.lines if len(_columns(list(line.boxes), xs)) >= 2)
    if rows_in_columns < settings.min_rows:
        return None
    # a column of running text beside another (a sidebar by the main text) is a page's layout;
    # but long row labels beside columns of figures only (`1. Department of Agriculture and
    # Cooperation  22260.55  48.45 …`) are a table's
    pieces = [[text for line in block.lines
               for text in ["".join(c for b, c in zip(line.boxes, line.chars) if a <= b.center[0] < z)] if text]
              for a, z in zip(xs, xs[1:])]
    figures = [sum(1 for text in column if not any(c.isalpha() for c in text)) >= settings.words_share * len(column)
               for column in pieces]
    for k, column in enumerate(pieces):
        if sum(1 for text in column if len(text) >= settings.prose_chars) > settings.prose_share * len(column) and \
                not all(figures[j] for j in range(len(pieces)) if j != k):
            return None
    return grid
