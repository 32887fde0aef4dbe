"""Tables stage: ruled tables rebuilt cell for cell, in their reading frame, across pages.

For a PDF page, a chain of small functions, each testable alone:
  rulings -> `rulings_to_components` (rulings that touch form one table)
          -> `table_direction` (which way its text runs, from the glyphs' matrices)
          -> `component_to_grid` (snapped rows and columns in the reading frame)
          -> `grid_to_cells` (elementary cells merged where no ruling separates them: spans)
          -> `cells_to_table` (text per cell, header rows, column paths)
Then `join_continued_tables` makes one table of a table that goes on over the next page:
the repeated header is dropped, and a merged cell cut by the page break keeps its value.

Text dumps carry no rulings; `extract.stages.dump_tables` rebuilds their tables from the text.

Input: a `SourceDocument`. Output: `FoundTables` (tables, the regions they occupy so that
layout leaves their text alone, and errors).
"""

from __future__ import annotations

import math
import re
import statistics
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np

from extract.common.geometry import reading_frame_size, reading_to_display_box, rotate_to_reading_frame
from extract.common.grid import assemble_table, part_extent, repeated_column_runs
from extract.common.lines import cell_text, glyphs_to_lines, turned_glyphs
from extract.common.placed import PlacedGlyphs
from extract.common.text import (
    CAPTION_FIELD,
    FIELD_LABEL,
    LIST_MARKER,
    NOTE_ROW,
    division_of,
    join_lines,
    normalize_spaces,
    section_number,
)
from extract.engines.raster import raster_rulings
from extract.errors import ErrorCode
from extract.model import (
    Box,
    ErrorItem,
    FoundTables,
    Glyph,
    Provenance,
    Ruling,
    SourceDocument,
    SourcePage,
    Table,
    TableCell,
    TableRegion,
    TextLine,
)
from extract.settings import AlignedTableSettings, LineSettings, RasterSettings, TableSettings
from extract.stages.aligned_tables import (
    alignment_grid,
    leader_dots,
    typed_rules,
    borderless_blocks,
    columns_of_open_rows,
    rows_in_columns,
    rows_within_ruled_rows,
    stacked_rules,
    underdivided,
    whitespace_grid,
)

STAGE = "tables"


@dataclass
class GridCell:
    """A cell of one page's grid, in the reading frame. `text` None: nothing readable."""

    row: int
    col: int
    rowspan: int
    colspan: int
    box: Box
    text: str
    provenance: list[Provenance] = field(default_factory=list)
    confidence: float | None = None   # OCR's lowest confidence in the text; None: a text layer


UNIT_FIELDS = ("金额单位", "计量单位", "单位")
SENTENCE_ENDS = ("。", "；", ";", "：", ":", "！", "？")
CONTINUED_CAPTION = re.compile(r"^[（(]?\s*续\s*表\s*\d*\s*[)）]?")
# A caption that numbers a figure (`Figure 3`, `Fig. 2`, `图1`, `图 2-1`, `附图一`): the labels under
# it are a chart's, set in rows and columns. (`图表` names charts and tables both: not a figure's.)
FIGURE_CAPTION = re.compile(r"^\s*(?:(?i:figure|fig\.)\s*[0-9]|附?图(?!表)\s*[0-9０-９一二三四五六七八九十])")


@dataclass(frozen=True)
class Caption:
    """What the lines just above a table say of it: its title (`表1 …`, `九、…决算表`, the
    centred line), its unit (`单位：万元`), who prepared it (`编制部门：…`), whether it says it
    continues (`续表`), and whether any other text stands between it and the top of the page."""

    title: str | None = None
    unit: str | None = None
    preparer: str | None = None
    continued: bool = False
    text_above: bool = False
    boxes: tuple[Box, ...] = ()    # display frame: the lines that are the title and nothing else


def caption_fields(text: str) -> tuple[str, str | None, str | None]:
    """`收入决算表单位：万元` -> (`收入决算表`, `万元`, None): the text before any field, the unit and
    the preparer a caption line states."""
    matches = list(CAPTION_FIELD.finditer(text))
    if not matches:
        return text.strip(), None, None
    unit = preparer = None
    for k, match in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        value = normalize_spaces(text[match.end():end]) or None
        if match.group(1) in UNIT_FIELDS:
            unit = unit or value
        else:
            preparer = preparer or value
    return text[:matches[0].start()].strip(), unit, preparer


@dataclass
class PageTable:
    """One table as found on one page, before tables that continue are joined."""

    page: int
    page_rotation: int
    direction: int
    region: Box                    # display frame
    rulings: str                   # "vector", "raster", "alignment" (columns from the text) or "whitespace" (no rules)
    col_widths: list[float]
    n_rows: int
    cells: list[GridCell]
    caption: Caption = field(default_factory=Caption)
    xs: list[float] = field(default_factory=list)   # column boundaries, reading frame, from the left edge
    side: tuple[int, int] = (0, 1)   # a part of a table printed side by side: which, from the left, of how many
    whole: Box | None = None         # ... and the region (display frame) of the table it is a part of


def find_tables(source: SourceDocument, settings: TableSettings = TableSettings(), lines: LineSettings = LineSettings(),
                raster: RasterSettings = RasterSettings(), aligned: AlignedTableSettings = AlignedTableSettings()) -> FoundTables:
    page_tables: list[PageTable] = []
    errors: list[ErrorItem] = []
    tails: set[int] = set()   # the ids of rows found only as the end of the table before (`_rows_carried_over`)
    previous: tuple[SourcePage, list[PageTable]] | None = None
    for page in source.pages:
        try:
            found = find_page_tables(page, settings, source.content, lines, raster, aligned)
        except TooManyRulings as exc:
            errors.append(ErrorItem(stage=STAGE, code=ErrorCode.TABLE_UNREADABLE.value, page=page.number,
                                    message=f"{exc}: no table on the page is read"))
            found = []
        tail = _rows_carried_over(page, found, previous, settings, lines, aligned)
        if tail is not None:
            tails.add(id(tail))
            found = [tail, *found]
        page_tables.extend(found)
        previous = (page, found)
    page_tables = tables_side_by_side(page_tables, {page.number: page for page in source.pages}, settings)
    joined = join_continued_tables(page_tables, settings)
    # rows that are no table of their own: kept only as the end of the table they continue
    dropped = {id(group[0]) for group in joined if id(group[0]) in tails}
    joined = [group for group in joined if id(group[0]) not in dropped]
    page_tables = [t for t in page_tables if id(t) not in dropped]
    tables = tuple(to_table(group, index, settings) for index, group in enumerate(joined, start=1))
    # the lines of a table's title (on its first page) are the table's: the text flow leaves them
    # to it; unit and preparer lines, and a later page's 续表, stay in the text
    captions = tuple(TableRegion(page=group[0].page, box=box) for group in joined for box in group[0].caption.boxes)
    regions = tuple(TableRegion(page=t.page, box=t.region) for t in page_tables)
    return FoundTables(tables=tables, regions=regions + captions, errors=tuple(errors))


def _rows_carried_over(page: SourcePage, found: list[PageTable], previous: tuple[SourcePage, list[PageTable]] | None,
                       settings: TableSettings, lines: LineSettings, aligned: AlignedTableSettings) -> PageTable | None:
    """The last rows of a table whose columns are read from its text, carried over to the top of
    the next page: too few there (one or two) to be a table by themselves (`min_rows`), they are
    its rows when they open the page (running headers aside) in its columns. Returned as a page
    table to be joined to it (`join_continued_tables`), or dropped if it is not."""
    if previous is None or not previous[1]:
        return None
    before, tables = previous
    last = max(tables, key=lambda t: rotate_to_reading_frame(t.region, t.direction, before.width, before.height).bottom)
    if last.rulings not in ("whitespace", "alignment") or last.side != (0, 1):
        return None
    direction = last.direction
    ended = rotate_to_reading_frame(last.region, direction, before.width, before.height)
    _, height_before = reading_frame_size(direction, before.width, before.height)
    below = [g for g in before.glyphs if g.direction == direction
             and ended.bottom < rotate_to_reading_frame(g.box, direction, before.width, before.height).top
             < height_before * (1 - settings.running_band)]
    if below:
        return None   # text under it on its page (a note, the text going on): the table ended there
    heights = [g.box.height if direction in (0, 180) else g.box.width
               for g in before.glyphs if g.direction == direction and last.region.contains_point(*g.box.center)]
    if not heights:
        return None
    size = statistics.median(heights)
    left = ended.x0
    edges = [left + x for x in last.xs]
    placed = PlacedGlyphs.of([g for g in page.glyphs if g.direction == direction])
    free = placed.take(placed.outside_all([t.region for t in found]))
    _, height = reading_frame_size(direction, page.width, page.height)
    rows = rows_in_columns(list(free.glyphs), direction, page, edges, height * settings.running_band, aligned, lines)
    if not rows or len(rows) >= aligned.min_rows:
        return None   # none, or as many as make a table, which the page's own search has judged
    if any(max(own, size) > aligned.size_spread * min(own, size)
           for own in (statistics.median(b.height for b in row.boxes) for row in rows)):
        return None   # set in another size: a heading opening the page, spaced out
    ys = [rows[0].top - 1, *((upper.bottom + lower.top) / 2 for upper, lower in zip(rows, rows[1:])), rows[-1].bottom + 1]
    grid = (edges, ys, [(y, edges[0], edges[-1]) for y in ys], [(x, ys[0], ys[-1]) for x in edges])
    region = reading_to_display_box(Box(x0=edges[0], top=ys[0], x1=edges[-1], bottom=ys[-1]), direction, page.width, page.height)
    return _page_table(grid, "whitespace", free.within(region), direction, page, placed, settings, lines, aligned)


# Characters that draw a line in a row of themselves: a grid typed with them shows on the image.
LINE_CHARACTERS = frozenset("|│┃┆┇┊┋║─━═")


def _image_may_show_a_grid(page: SourcePage, settings: TableSettings) -> bool:
    """Whether the rendered page may show a grid its vector rulings do not form: it has pictures
    (lines baked into one), or `raster_min_rulings` rulings or more (broken strokes) that run both
    across and down the page, two of each at least, or with shapes or characters that would draw
    the lines they lack (shades, figures, `│`). Rules across a page only (a three-line table) make
    no grid however they are drawn: the page is not rendered for them (it was, a tenth of the
    tables stage's time on ICDAR 2013, for two grids found, both in pictures)."""
    if page.images:
        return True
    if len(page.rulings) < settings.raster_min_rulings:
        return False
    across = sum(1 for r in page.rulings if r.is_horizontal)
    if min(across, len(page.rulings) - across) >= 2 or page.shades or page.drawings:
        return True
    return any(g.text in LINE_CHARACTERS for g in page.glyphs)


def find_page_tables(page: SourcePage, settings: TableSettings = TableSettings(), pdf: bytes = b"",
                     lines: LineSettings = LineSettings(), raster: RasterSettings = RasterSettings(),
                     aligned: AlignedTableSettings = AlignedTableSettings()) -> list[PageTable]:
    """Tables on one page. When the vector rulings form no grid but the page has images or
    stray rulings (lines baked into a picture, broken strokes), the rulings are looked for on
    the rendered page instead. Rules that form no grid of their own, stacked across a table's
    rows (a three-line table), and frames with no rules between the columns, get their columns
    from the text's alignment (`extract.stages.aligned_tables`)."""
    components = rulings_to_components(list(page.rulings), settings)
    source = page.rulings_source
    if not components and source == "vector" and pdf and page.glyphs and _image_may_show_a_grid(page, settings):
        components = rulings_to_components(raster_rulings(pdf, page.number, raster), settings)
        source = "raster"
    placed = PlacedGlyphs.of(page.glyphs)
    leaders = leader_dots(page.glyphs, page, aligned)
    rules_typed = typed_rules(page.glyphs, page, aligned)
    typed = leaders | {id(g) for rule in rules_typed for g in rule.glyphs}
    found: list[PageTable] = []
    used: set[int] = set()
    for component in components:
        table = _table_of(component, source, page, placed, leaders, settings, lines, aligned)
        if table is not None:
            found.append(table)
            used.update(id(r) for r in component)
    # the rules no grid table took (a rule drawn cell by cell under a banded header is a
    # "component" of its own, but no table)
    for rules in stacked_rules([r for r in page.rulings if id(r) not in used], page, aligned, placed.centres):
        table = _table_of(rules, "alignment", page, placed, leaders, settings, lines, aligned)
        # (rules around tables already found, a heavier rule above them say, make none of their own)
        if table is not None and not any(_overlap(table.region, t.region) > 0 for t in found):
            found.append(table)
    # tables with no rules at all, among the text no table took
    taken = [t.region for t in found] + [box for t in found for box in t.caption.boxes]
    free = placed.take(placed.outside_all(taken) & np.array([id(g) not in typed for g in placed.glyphs], dtype=bool))
    for block in borderless_blocks(list(free.glyphs), page, aligned, lines, rules_typed):
        grid = whitespace_grid(block, aligned)
        if grid is None:
            continue
        x0, top, x1, bottom = block.extent
        region = reading_to_display_box(Box(x0=x0 - 1, top=top - 1, x1=x1 + 1, bottom=bottom + 1), block.direction,
                                        page.width, page.height)
        if _boxed_pieces(region, block.direction, page, settings):
            continue   # text in boxes joined by lines: a diagram
        inside = free.within(region)
        table = _page_table(grid, "whitespace", inside, block.direction, page, placed, settings, lines, aligned)
        if table is None or table.n_rows < aligned.min_rows:
            continue
        if not _looks_like_no_table(table, page):
            found.append(table)
    return found


def _table_of(component: list[Ruling], how: str, page: SourcePage, placed: PlacedGlyphs, leaders: set[int],
              settings: TableSettings, lines: LineSettings, aligned: AlignedTableSettings) -> PageTable | None:
    """The table a group of rulings draws, or None: its grid from the rulings, or, when they
    divide no columns (a frame, rules across the rows), from the text's alignment (`leaders`:
    the ids of the glyphs that draw leader dots, white space to the alignment)."""
    region = _bounds([r.box for r in component])
    inside = placed.within(region)
    direction = table_direction(inside)
    grid = component_to_grid(component, direction, page, settings) if how != "alignment" else None
    if grid is None or len(grid[0]) - 1 < settings.min_columns or \
            underdivided(grid[0], inside, direction, page, aligned, lines):
        # no rules between the columns (a frame, rules across the rows), or too few (rules
        # between groups of columns only, none before the first): the text's columns
        rules = [r for r in component if r.is_horizontal == (direction in (0, 180))]
        column_rules = tuple(grid[3]) if grid is not None else ()
        text = [g for g in inside if id(g) not in leaders]
        grid_of_text = alignment_grid(rules, text, direction, page, aligned, lines, column_rules) if len(rules) >= 2 else None
        if grid_of_text is not None:
            grid, how, inside = grid_of_text, "alignment", text
    if grid is None:
        return None
    return _page_table(grid, how, inside, direction, page, placed, settings, lines, aligned)


def _over_a_figure(region: Box, page: SourcePage, aligned: AlignedTableSettings) -> bool:
    """Whether a region and a figure drawn in vector paths (a chart's plot) lie much over each
    other: the region stands mostly inside the figure (a legend), or covers much of a figure
    about its own size (a plot among its grid lines and labels; a small drawing in a table, an
    icon, is no plot). A chart's labels are set in rows and columns, but they are no table."""
    share = aligned.figure_overlap
    area = region.width * region.height
    for drawing in page.drawings:
        overlap, size = _overlap(region, drawing), drawing.width * drawing.height
        if overlap > share * area or (overlap > share * size and size > share * area):
            return True
    return False


def _boxed_pieces(region: Box, direction: int, page: SourcePage, settings: TableSettings) -> bool:
    """Whether rules across the lines of a region's text stand inside it without running down it
    (boxes drawn round pieces of text: a diagram). A rule down the whole of it is a column's
    edge, which a table whose rows are ruled in pieces has."""
    down = direction in (0, 180)   # rules across the text's lines are vertical when it runs along the page
    turned = rotate_to_reading_frame(region, direction, page.width, page.height)
    inside = [rotate_to_reading_frame(r.box, direction, page.width, page.height) for r in page.rulings
              if r.is_horizontal != down and region.contains_point(*r.box.center)]
    segments = [(b.center[0], b.top, b.bottom) for b in inside]
    return any(not _covered(segments, x, turned.top, turned.bottom, settings) for x, _, _ in segments)


def _a_list(table: PageTable) -> bool:
    """A list: two columns, the first holding item markers only (1.  （一）  •)."""
    markers = [c.text.strip() for c in table.cells if c.col == 0 and c.text and c.text.strip()]
    return len(table.col_widths) == 2 and bool(markers) and all(LIST_MARKER.match(m) for m in markers)


def _a_form(table: PageTable) -> bool:
    """Fields set side by side (a signature block: 甲方：… 乙方：…, 代表：… 代表：…): most cells
    are a label and its value."""
    texts = [c.text for c in table.cells if c.text and c.text.strip()]
    return bool(texts) and sum(1 for t in texts if FIELD_LABEL.search(t)) >= 0.8 * len(texts)


def _contents(table: PageTable) -> bool:
    """A table of contents: the last column holds page numbers only, rising down the page, and
    no other column holds a number of its own."""
    last = len(table.col_widths) - 1
    pages = [c.text.strip() for c in sorted(table.cells, key=lambda c: c.row) if c.col == last and c.text and c.text.strip()]
    others = [c.text.strip() for c in table.cells if c.col != last and c.text and c.text.strip()]
    numbers = [int(p) for p in pages if p.isdigit()]
    return len(numbers) == len(pages) >= 3 and numbers == sorted(numbers) and not any(t.isdigit() for t in others)


# Text set in columns that is no table, however regular: each test takes a table read from white
# space alone and says whether it is one of these.
NOT_TABLES = (_a_list, _a_form, _contents)


def _looks_like_no_table(table: PageTable, page: SourcePage) -> bool:
    """Whether a table read from white space is one of `NOT_TABLES`, or set in parts side by side
    each of which is the same one (a contents page or a list in two halves)."""
    n_cols = len(table.col_widths)
    cuts = [[table]] + [cut_side_by_side(table, page, width) for width in range(2, n_cols // 2 + 1) if n_cols % width == 0]
    return any(parts and all(lookalike(part) for part in parts) for parts in cuts for lookalike in NOT_TABLES)


def _overlap(a: Box, b: Box) -> float:
    """The area two boxes share."""
    return max(0.0, min(a.x1, b.x1) - max(a.x0, b.x0)) * max(0.0, min(a.bottom, b.bottom) - max(a.top, b.top))


def _page_table(grid, how: str, inside: list[Glyph], direction: int, page: SourcePage, placed: PlacedGlyphs,
                settings: TableSettings, lines: LineSettings, aligned: AlignedTableSettings) -> PageTable | None:
    """The table a grid (reading frame) draws over the glyphs inside it, or None when it holds
    no table (too few columns, no text, a chart's grid)."""
    xs, ys, horizontals, verticals = grid
    if how in ("vector", "raster"):
        # rows below column rules that stop (under a ruled header): their columns from the text
        verticals = verticals + columns_of_open_rows(
            xs, ys, lambda x, a, b: _covered(verticals, x, a, b, settings), inside, direction, page, aligned, lines)
        # rows of figures in one ruled row (no rules between the body's rows): rows of their own
        within = rows_within_ruled_rows(xs, ys, inside, direction, page, lines)
        ys, horizontals = sorted({*ys, *(y for y, _, _ in within)}), horizontals + within
    cells = grid_to_cells(xs, ys, horizontals, verticals, settings)
    fill_cell_text(cells, inside, page, direction, lines)

    def region_of(xs, ys) -> Box:
        return reading_to_display_box(Box(x0=xs[0], top=ys[0], x1=xs[-1], bottom=ys[-1]), direction,
                                      page.width, page.height)

    cells, xs, ys = trim_empty_edges(cells, xs, ys)
    if len(xs) < 2 or len(ys) < 2:
        return None
    # A caption inside the frame stands in for a title only when none stands above the table;
    # under a title, a row across the whole table is part of it (a shaded group row).
    caption = caption_above(page, region_of(xs, ys), direction, settings, lines, placed)
    if how in ("alignment", "whitespace"):
        # over a table read from its text's alignment (a report's, an article's), the line above may
        # as well head a section of the text: it stays in the text too, for the layout to judge
        caption = replace(caption, boxes=())
    framed_xs, framed_ys = xs, ys
    cells, xs, ys, captions = peel_frame(cells, xs, ys, keep_first=caption.title is not None)
    if len(xs) - 1 < settings.min_columns or len(ys) < 2 or not any(c.text for c in cells) \
            or not looks_like_a_table(cells, len(ys) - 1, len(xs) - 1, settings):
        return None
    region = region_of(xs, ys)
    if how in ("alignment", "whitespace") and (_over_a_figure(region, page, aligned)
                                               or FIGURE_CAPTION.match(caption.title or "")):
        return None   # a chart's grid lines and labels, around its plot, or under a figure's caption: set in rows and columns, but no table
    if captions:
        strip = region_of([framed_xs[0], framed_xs[-1]], [framed_ys[0], ys[0]])
        caption = replace(caption, title=captions[0], boxes=(*caption.boxes, strip))
    return PageTable(page=page.number, page_rotation=page.rotation, direction=direction, region=region, rulings=how,
                     col_widths=[b - a for a, b in zip(xs, xs[1:])], n_rows=len(ys) - 1, cells=cells, caption=caption,
                     xs=[x - xs[0] for x in xs])


# ---------------------------------------------------------------- rulings


def looks_like_a_table(cells: list[GridCell], n_rows: int, n_cols: int, settings: TableSettings = TableSettings()) -> bool:
    """Whether a ruled grid holds a table rather than a chart or a box: some row has two cells
    or more; its cells are not a handful of large areas (a plot divided by grid lines); and it
    has text in most cells, or in its first row (an empty form under its header is a table), or
    in most of its rows and columns (figures left blank); a chart's grid with a few axis labels
    has none of these."""
    if max(sum(1 for c in cells if c.row == r) for r in range(n_rows)) < 2:
        return False
    if len(cells) < settings.min_cell_share * n_rows * n_cols:
        return False
    filled = sum(1 for c in cells if c.text) / len(cells)
    if filled >= settings.min_filled_share:
        return True
    first = [c for c in cells if c.row == 0]
    named = sum(1 for c in first if c.text)
    if named >= 2 and named * 2 >= len(first):
        return True
    # a sparse table (figures left blank) still has text in most of its rows and columns
    rows = {c.row for c in cells if c.text}
    cols = {c.col for c in cells if c.text}
    return len(rows) * 2 >= n_rows and len(cols) * 2 >= n_cols


class TooManyRulings(ValueError):
    """A page drawn too densely to look for tables in (hatching, a drawing, a bomb)."""


def rulings_to_components(rulings: list[Ruling], settings: TableSettings) -> list[list[Ruling]]:
    """Groups of rulings that touch each other: each group is a candidate table. Raises
    TooManyRulings past `max_rulings` lines, or `max_bucket` in one square, which bounds the cost."""
    if len(rulings) > settings.max_rulings:
        raise TooManyRulings(f"the page draws {len(rulings)} lines, more than the {settings.max_rulings} "
                             f"tables are looked for among")
    parent = list(range(len(rulings)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Each ruling is filed in the squares (of side `bucket`) its box, grown by the touch
    # distance, lies over; two rulings can touch only when they share a square, so each is
    # compared with its neighbours only: near-linear, where comparing all pairs was quadratic.
    boxes = [r.box for r in rulings]
    t, side = settings.touch, settings.bucket
    buckets: dict[tuple[int, int], list[int]] = {}
    comparisons = 0
    for i, a in enumerate(boxes):
        for column in range(math.floor((a.x0 - t) / side), math.floor((a.x1 + t) / side) + 1):
            for row in range(math.floor((a.top - t) / side), math.floor((a.bottom + t) / side) + 1):
                members = buckets.setdefault((column, row), [])
                if len(members) >= settings.max_bucket:
                    raise TooManyRulings(f"more than {settings.max_bucket} lines cross one {side:g}-point square "
                                         f"of the page: hatching or a drawing, not a table's grid")
                comparisons += len(members)
                if comparisons > settings.max_comparisons:
                    raise TooManyRulings(f"the page's {len(rulings)} lines cross each other too often for a table's "
                                         f"grid (over {settings.max_comparisons} comparisons): a drawing")
                for j in members:
                    b = boxes[j]
                    if a.x0 - t <= b.x1 and b.x0 - t <= a.x1 and a.top - t <= b.bottom and b.top - t <= a.bottom:
                        ri, rj = root(i), root(j)
                        if ri != rj:
                            parent[ri] = rj
                members.append(i)
    groups: dict[int, list[Ruling]] = {}
    for i, ruling in enumerate(rulings):
        groups.setdefault(root(i), []).append(ruling)
    components = [g for g in groups.values()
                  if sum(r.is_horizontal for r in g) >= 2 and sum(not r.is_horizontal for r in g) >= 2]
    return sorted(components, key=lambda g: (_bounds([r.box for r in g]).top, _bounds([r.box for r in g]).x0))


def table_direction(glyphs: list[Glyph]) -> int:
    """The direction most of a table's characters run in (0 when it holds none)."""
    counts = Counter(g.direction for g in glyphs)
    return counts.most_common(1)[0][0] if counts else 0


def _snap(values: list[float], tolerance: float) -> list[float]:
    clusters: list[list[float]] = []
    for v in sorted(values):
        if clusters and v - clusters[-1][-1] <= tolerance:
            clusters[-1].append(v)
        else:
            clusters.append([v])
    return [sum(c) / len(c) for c in clusters]


def component_to_grid(component: list[Ruling], direction: int, page: SourcePage, settings: TableSettings):
    """Grid lines of a table in its reading frame: (xs, ys, horizontal segments, vertical segments).
    Segments are (position, start, end) in reading-frame points. None when no grid forms."""
    horizontals, verticals = [], []
    for ruling in component:
        box = rotate_to_reading_frame(ruling.box, direction, page.width, page.height)
        if box.width >= box.height:
            horizontals.append(((box.top + box.bottom) / 2, box.x0, box.x1))
        else:
            verticals.append(((box.x0 + box.x1) / 2, box.top, box.bottom))
    xs = _snap([v[0] for v in verticals], max(settings.snap, settings.min_cell))
    ys = _snap([h[0] for h in horizontals], max(settings.snap, settings.min_cell))
    if len(xs) < 2 or len(ys) < 2:
        return None
    return xs, ys, horizontals, verticals


def _covered(segments, position: float, start: float, end: float, settings: TableSettings) -> bool:
    """Whether rulings at `position` cover enough of the span start..end."""
    return _spans_cover(_near(segments, position, settings.snap), start, end, settings)


def _near(segments, position: float, snap: float) -> list[tuple[float, float]]:
    """The spans (start, end), in their order, of the segments (position, start, end) within
    `snap` of `position`."""
    return [(a, b) for pos, a, b in segments if abs(pos - position) <= snap]


def _spans_cover(spans: list[tuple[float, float]], start: float, end: float, settings: TableSettings) -> bool:
    covered = 0.0
    for a, b in spans:   # (comparisons, not min and max: every edge of every grid comes here)
        overlap = (b if b < end else end) - (a if a > start else start)
        if overlap > 0:
            covered += overlap
    return covered >= settings.coverage * (end - start)


def grid_to_cells(xs: list[float], ys: list[float], horizontals, verticals, settings: TableSettings) -> list[GridCell]:
    """Elementary cells merged into spanning cells wherever no ruling separates them."""
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = {(r, c): (r, c) for r in range(n_rows) for c in range(n_cols)}

    def root(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    # the rules at each edge, looked up once for all the cells along it
    down = {x: _near(verticals, x, settings.snap) for x in xs}
    across = {y: _near(horizontals, y, settings.snap) for y in ys}
    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not _spans_cover(down[xs[c + 1]], ys[r], ys[r + 1], settings):
                parent[root((r, c))] = root((r, c + 1))
            if r + 1 < n_rows and not _spans_cover(across[ys[r + 1]], xs[c], xs[c + 1], settings):
                parent[root((r, c))] = root((r + 1, c))
    members: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for key in parent:
        members.setdefault(root(key), []).append(key)
    cells = []
    for group in members.values():
        r0, r1 = min(r for r, _ in group), max(r for r, _ in group)
        c0, c1 = min(c for _, c in group), max(c for _, c in group)
        box = Box(x0=xs[c0], top=ys[r0], x1=xs[c1 + 1], bottom=ys[r1 + 1]).rounded()
        cells.append(GridCell(row=r0, col=c0, rowspan=r1 - r0 + 1, colspan=c1 - c0 + 1, box=box, text=""))
    cells.sort(key=lambda c: (c.row, c.col))
    return cells


def fill_cell_text(cells: list[GridCell], glyphs: list[Glyph], page: SourcePage, direction: int,
                   lines: LineSettings = LineSettings()) -> None:
    """Each cell's text: the glyphs whose centre lies in it, read as lines in the reading frame."""
    turned = turned_glyphs(glyphs, page, direction)
    centres = sorted(((box.top + box.bottom) / 2, (box.x0 + box.x1) / 2, index) for index, (box, _) in enumerate(turned))
    ys = [y for y, _, _ in centres]
    for cell in cells:
        # the glyphs whose centre lies in the cell, boundaries included, in the page's order
        first, last = bisect_left(ys, cell.box.top), bisect_right(ys, cell.box.bottom)
        own = sorted(i for _, x, i in centres[first:last] if cell.box.x0 <= x <= cell.box.x1)
        cell.text = cell_text([turned[i] for i in own], lines, cell.box.width)
        cell.provenance = [Provenance(page=page.number, box=cell.box, frame=direction)]
        cell.confidence = min((glyphs[i].confidence for i in own if glyphs[i].confidence is not None), default=None)


def peel_frame(cells: list[GridCell], xs: list[float], ys: list[float], keep_first: bool = False):
    """Take off what a frame drawn around a table adds: empty edge rows and columns, a first row
    that is one cell across the whole width (a caption, returned; kept when `keep_first`: the
    table has a title above it) and a last one that is a note (注：…); both are left to the text
    outside the table. A row across the table that is neither stays in it."""
    captions: list[str] = []
    while True:
        cells, xs, ys = trim_empty_edges(cells, xs, ys)
        n_rows, n_cols = len(ys) - 1, len(xs) - 1
        if n_rows < 3 or n_cols < 2:
            return cells, xs, ys, captions
        first = [c for c in cells if c.row == 0]
        last = [c for c in cells if c.row + c.rowspan == n_rows]
        if len(last) == 1 and last[0].colspan == n_cols and last[0].rowspan == 1 \
                and NOTE_ROW.search(last[0].text.strip()):
            cells = [c for c in cells if c is not last[0]]
            ys = ys[:-1]
        elif len(first) == 1 and first[0].colspan == n_cols and first[0].rowspan == 1 and not keep_first:
            captions.append(first[0].text)
            cells = [replace(c, row=c.row - 1) for c in cells if c is not first[0]]
            ys = ys[1:]
        else:
            return cells, xs, ys, captions


def tables_side_by_side(tables: list[PageTable], pages: dict[int, SourcePage],
                        settings: TableSettings = TableSettings()) -> list[PageTable]:
    """Tables printed in parts side by side (a long list set in two or three halves to fill the
    width: `序号 名称 职业 | 序号 名称 职业`; 人员经费 beside 公用经费) cut into their parts, left to
    right: a table whose columns fall into runs whose header paths repeat (`repeated_columns`),
    and the table that continues it on the next page, cut the same way, header or none. Read as
    one table, a record would take a name from one part and a figure from the next."""
    out: list[PageTable] = []
    cut_by: dict[int, int] = {}   # id of a table that was cut -> the columns of each part
    for k, table in enumerate(tables):
        width = repeated_columns(table)
        above = next((t for t in reversed(tables[:k]) if t.page == table.page - 1), None)
        if width is None and above is not None and id(above) in cut_by and \
                len(above.col_widths) == len(table.col_widths) and _continues([above], table, tables, settings):
            width = cut_by[id(above)]
        if width is None:
            out.append(table)
            continue
        cut_by[id(table)] = width
        out.extend(cut_side_by_side(table, pages[table.page], width))
    return out


def repeated_columns(table: PageTable) -> int | None:
    """How many columns each part of a page table printed side by side has (`repeated_column_runs`)."""
    header_rows = header_row_count(table.cells, table.n_rows)
    if header_rows >= table.n_rows:
        return None
    return repeated_column_runs(table.cells, header_rows, len(table.col_widths))


def cut_side_by_side(table: PageTable, page: SourcePage, width: int) -> list[PageTable]:
    """`table` cut into parts of `width` columns each, left to right, each part's empty rows at
    its foot dropped (the last part of a list is often shorter) and a part with nothing under its
    first row left out. Every part keeps the caption (title and unit are the whole table's); its
    lines are taken out of the text once. Each part's region is as tall as the table's."""
    n_cols = len(table.col_widths)
    if width >= n_cols:
        return [table]
    reading = rotate_to_reading_frame(table.region, table.direction, page.width, page.height)
    header_rows = header_row_count(table.cells, table.n_rows)
    parts = []
    for first in range(0, n_cols, width):
        own, n_rows = part_extent(table.cells, first, width, header_rows)
        if n_rows <= header_rows:
            continue
        xs = table.xs[first:first + width + 1]
        part = Box(x0=reading.x0 + xs[0], top=reading.top, x1=reading.x0 + xs[-1], bottom=reading.bottom)
        parts.append(replace(table, region=reading_to_display_box(part, table.direction, page.width, page.height),
                             col_widths=table.col_widths[first:first + width], n_rows=n_rows,
                             cells=[replace(c, col=c.col - first, rowspan=min(c.rowspan, n_rows - c.row)) for c in own],
                             caption=table.caption if first == 0 else replace(table.caption, boxes=()),
                             xs=[x - xs[0] for x in xs], side=(first // width, n_cols // width), whole=table.region))
    return parts


def trim_empty_edges(cells: list[GridCell], xs: list[float], ys: list[float]):
    """Drop leading and trailing rows and columns that are empty frame strips: frames,
    shading boxes and margins drawn around a table are not part of it."""
    n_rows, n_cols = len(ys) - 1, len(xs) - 1

    # An empty edge row or column is a frame only when it is mostly one merged strip; one
    # ruled into separate cells is a real (if empty) part of the grid and is kept, so that
    # its page still lines up with the table's other pages.
    def empty_row(r: int) -> bool:
        covering = [c for c in cells if c.row <= r < c.row + c.rowspan]
        return not any(c.text for c in covering) and len(covering) * 2 <= max(n_cols, 2)

    def empty_col(k: int) -> bool:
        covering = [c for c in cells if c.col <= k < c.col + c.colspan]
        return not any(c.text for c in covering) and len(covering) * 2 <= max(n_rows, 2)

    top, bottom, left, right = 0, n_rows, 0, n_cols
    while top < bottom and empty_row(top):
        top += 1
    while bottom > top and empty_row(bottom - 1):
        bottom -= 1
    while left < right and empty_col(left):
        left += 1
    while right > left and empty_col(right - 1):
        right -= 1
    if (top, bottom, left, right) == (0, n_rows, 0, n_cols):
        return cells, xs, ys
    kept = []
    for c in cells:
        r0, r1 = max(c.row, top), min(c.row + c.rowspan, bottom)
        c0, c1 = max(c.col, left), min(c.col + c.colspan, right)
        if r0 >= r1 or c0 >= c1:
            continue
        kept.append(replace(c, row=r0 - top, col=c0 - left, rowspan=r1 - r0, colspan=c1 - c0))
    return kept, xs[left:right + 1], ys[top:bottom + 1]


def caption_above(page: SourcePage, region: Box, direction: int, settings: TableSettings,
                  line_settings: LineSettings = LineSettings(), placed: PlacedGlyphs | None = None) -> Caption:
    """The caption of a table: walking up from the table's top edge in its reading frame, lines
    that only state a unit or a preparer are read as such, `续表` says the table continues, and
    the first other line close enough is the title (with the lines of the same size right above
    it, for a title that wraps). Any line above the table outside the page's top margin band
    (where running headers stand) is `text_above`."""
    top = rotate_to_reading_frame(region, direction, page.width, page.height)
    frame_height = page.width if direction in (90, 270) else page.height
    placed = placed or PlacedGlyphs.of(page.glyphs)
    # Only glyphs that start above the table's top edge: a line that ends above it holds no
    # other (a glyph further down joins a line only if that line's first glyph reaches down to it).
    outside = [g for g in placed.take(~placed.inside(region)).glyphs if g.direction == direction
               and rotate_to_reading_frame(g.box, direction, page.width, page.height).top <= top.top + 1]
    lines = [line for line in glyphs_to_lines(outside, page, direction, line_settings)
             if line.box.bottom <= top.top + 1 and line.box.x1 > top.x0 and line.box.x0 < top.x1]
    text_above = any(line.box.top > frame_height * settings.running_band for line in lines)
    unit = preparer = None

    def display(lines: list[TextLine]) -> tuple[Box, ...]:
        return tuple(reading_to_display_box(line.box, direction, page.width, page.height) for line in lines)

    edge = top.top
    for k in range(len(lines) - 1, -1, -1):
        line = lines[k]
        if edge - line.box.bottom > settings.title_distance * line.box.height:
            break
        edge = line.box.top
        if CONTINUED_CAPTION.match(line.text.strip()):
            rest, line_unit, line_preparer = caption_fields(CONTINUED_CAPTION.sub("", line.text.strip()))
            return Caption(title=rest or None, unit=unit or line_unit, preparer=preparer or line_preparer,
                           continued=True, text_above=text_above)
        rest, line_unit, line_preparer = caption_fields(line.text)
        unit, preparer = unit or line_unit, preparer or line_preparer
        if not rest:
            continue
        if len(rest) > settings.max_title_chars or rest.endswith(("。", "；", ";")):
            break  # a paragraph, not a title
        chosen = [rest]
        chosen_lines = [line]
        for above in reversed(lines[:k]):
            # a title wraps onto this line from one above in its size, unless this line opens a
            # numbered heading or the one above ends a sentence (a paragraph before the title)
            if section_number(normalize_spaces(line.text)) or above.text.rstrip().endswith(SENTENCE_ENDS):
                break
            if above.size == line.size and line.box.top - above.box.bottom < above.box.height \
                    and caption_fields(above.text)[1:] == (None, None):
                chosen.insert(0, above.text)
                chosen_lines.insert(0, above)
                line = above
            else:
                break
        title = join_lines(chosen)
        if len(title) > settings.max_title_chars or re.search(r"[。；;]", title):
            break  # the last line of a paragraph, not a title
        # a title that is a numbered heading (二、主动公开政府信息情况) heads a section of the text too
        heads_section = section_number(normalize_spaces(title)) or division_of(normalize_spaces(title))
        # (a line that also states the unit or preparer keeps its words 单位, 编制部门 in the text)
        title_only = [t for t in chosen_lines if caption_fields(t.text)[1:] == (None, None)]
        return Caption(title=title or None, unit=unit, preparer=preparer, text_above=text_above,
                       boxes=() if heads_section else display(title_only))
    return Caption(unit=unit, preparer=preparer, text_above=text_above)


def _bounds(boxes: list[Box]) -> Box:
    """The smallest box around `boxes` (their union, without a box made per step)."""
    return Box(x0=min(b.x0 for b in boxes), top=min(b.top for b in boxes),
               x1=max(b.x1 for b in boxes), bottom=max(b.bottom for b in boxes))


# ---------------------------------------------------------------- header and continuation


def header_row_count(cells: list[GridCell], n_rows: int) -> int:
    """Header rows: the first row, and every row that a header cell spans down into or that
    sits under a header cell spanning several columns (sub-headers)."""
    if n_rows <= 1:
        return n_rows
    count = 1
    changed = True
    while changed and count < n_rows:
        changed = False
        for cell in cells:
            if cell.row < count:
                bottom = cell.row + cell.rowspan
                if bottom > count:
                    count, changed = bottom, True
                elif cell.colspan > 1 and bottom == count and count < n_rows and cell.row == count - 1 \
                        and _has_subheaders(cells, cell, count):
                    count, changed = count + 1, True
        # a thin empty row inside a header (a spacer of its merged layout) does not end it:
        # the row of labels under it (预算数 / 决算数) is header too
        if not changed and count < n_rows - 1 and _row_texts(cells, count - 1) == [] \
                and _is_label_row(cells, count):
            count, changed = count + 1, True
        elif not changed and count < n_rows - 2 and _row_texts(cells, count) == [] \
                and _is_label_row(cells, count + 1) and any(c.colspan > 1 for c in cells if c.row < count):
            count, changed = count + 2, True
    return min(count, n_rows - 1) if n_rows > 1 else count


def _row_texts(cells: list[GridCell], row: int) -> list[str]:
    """The texts of the cells that start in `row`, empty ones left out."""
    return [c.text for c in cells if c.row == row and c.text]


def _is_label_row(cells: list[GridCell], row: int) -> bool:
    """A row of names: some text, and no figure in it."""
    texts = _row_texts(cells, row)
    return bool(texts) and not any(_is_number(t) for t in texts)


def _has_subheaders(cells: list[GridCell], spanning: GridCell, row: int) -> bool:
    """Whether `row` holds sub-headers of `spanning`: several named cells under it, in a row
    that carries no numbers (a row with figures is data, whatever sits beside them)."""
    below = [c for c in cells if c.row == row and spanning.col <= c.col < spanning.col + spanning.colspan]
    whole_row = [c for c in cells if c.row == row]
    return (len(below) > 1 and all(c.text for c in below)
            and not any(c.text and _is_number(c.text) for c in whole_row))


def _is_number(text: str) -> bool:
    return text.replace(",", "").replace(".", "", 1).isdigit()


def _header_texts(cells: list[GridCell], header_rows: int) -> list[tuple[int, int, str]]:
    return sorted((c.row, c.col, c.text) for c in cells if c.row < header_rows)


def join_continued_tables(tables: list[PageTable], settings: TableSettings = TableSettings()) -> list[list[PageTable]]:
    """Group page tables into logical tables: a table that opens the page after another table
    ends, on the same columns (or on some of them: a 合计 row whose first cell spans several),
    continues it, unless something says it is a new one: a title or caption of its own, or text
    between it and the top of its page. `续表` above it says it continues."""
    groups: list[list[PageTable]] = []
    for table in tables:
        # a part of a table printed side by side goes on from the same part of it (人员经费 under
        # 人员经费); any other table from the table before it
        above = groups[-1] if groups and table.side == (0, 1) else next(
            (g for g in reversed(groups) if g[-1].side == table.side and g[-1].page == table.page - 1), None)
        if above is not None and _continues(above, table, tables, settings):
            above.append(table)
        else:
            groups.append([table])
    return groups


def column_map(first: list[float], xs: list[float], tolerance: float) -> list[int] | None:
    """For each column boundary in `xs`, the index of the boundary of `first` it stands on (both
    measured from the table's left edge); None when one stands on none or the outer edges differ."""
    out = []
    for x in xs:
        k = min(range(len(first)), key=lambda i: abs(first[i] - x))
        if abs(first[k] - x) > tolerance:
            return None
        out.append(k)
    if not out or out[0] != 0 or out[-1] != len(first) - 1 or out != sorted(set(out)):
        return None
    return out


def _continues(group: list[PageTable], table: PageTable, all_tables: list[PageTable], settings: TableSettings) -> bool:
    prev, first = group[-1], group[0]
    if table.page != prev.page + 1 or table.direction != prev.direction:
        return False
    if any(t.page == prev.page and t.region.top > prev.region.top for t in all_tables if t is not prev and not _beside(t, prev)):
        return False  # prev is not the last table on its page
    if any(t.page == table.page and t.region.top < table.region.top for t in all_tables if t is not table and not _beside(t, table)):
        return False  # table is not the first on its page
    if column_map(first.xs, table.xs, settings.continuation_width * (first.xs[-1] or 1.0)) is None \
            and not _same_columns_of_text(first, table):
        return False
    if table.caption.continued or (table.caption.title and table.caption.title == first.caption.title):
        return True  # 续表, or the title repeated on the next page
    return not (table.caption.title or table.caption.text_above)


def _same_columns_of_text(first: PageTable, table: PageTable) -> bool:
    """For tables whose columns are read from their text's alignment (no rules between them):
    the column edges fall where each page's text leaves white space, and move with what its
    cells say (a longer name on the next page). The columns are the same when there are as many,
    and the middle of each on the later page lies within the same column of the first (both
    measured from the table's left edge)."""
    if {first.rulings, table.rulings} - {"whitespace", "alignment"} or len(first.xs) != len(table.xs):
        return False
    middles = [(a + b) / 2 for a, b in zip(table.xs, table.xs[1:])]
    return all(a < middle < b for middle, a, b in zip(middles, first.xs, first.xs[1:]))


def _beside(a: PageTable, b: PageTable) -> bool:
    """Whether two page tables are parts of one table printed side by side (however the page
    is turned: a part beside another in a sideways table stands above it on the page)."""
    return a.whole is not None and a.page == b.page and a.whole == b.whole


@dataclass
class _LogicalCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    provenance: list[Provenance]
    confidence: float | None = None


def to_table(group: list[PageTable], index: int, settings: TableSettings = TableSettings()) -> Table:
    """One logical table from its page parts: header rows from the first part, the repeated
    header of later parts dropped, cells cut by a page break joined."""
    first = group[0]
    header_rows = header_row_count(first.cells, first.n_rows)
    header_key = [(r, c, t) for r, c, t in _header_texts(first.cells, header_rows)]
    cells: list[_LogicalCell] = [
        _LogicalCell(c.row, c.col, c.rowspan, c.colspan, c.text, list(c.provenance), c.confidence)
        for c in first.cells]
    n_rows = first.n_rows
    tolerance = settings.continuation_width * (first.xs[-1] or 1.0)
    for part in group[1:]:
        # the part's columns on the first part's grid (a cell over several of them spans them)
        cols = column_map(first.xs, part.xs, tolerance) or list(range(len(first.xs)))
        part = replace(part, cells=[replace(c, col=cols[c.col], colspan=cols[c.col + c.colspan] - cols[c.col])
                                    for c in part.cells])
        skip = header_rows if _header_texts(part.cells, header_rows) == header_key else 0
        offset = n_rows - skip
        last_row = n_rows - 1
        for c in part.cells:
            if c.row < skip:
                continue
            row = c.row + offset
            if c.row == skip and not c.text:
                above = next((x for x in cells if x.col == c.col and x.colspan == c.colspan
                              and x.row <= last_row < x.row + x.rowspan and x.row >= header_rows), None)
                if above is not None and above.text and (c.rowspan > 1 or above.rowspan > 1):
                    # a merged cell cut by the page break: one cell over both pages
                    above.rowspan += c.rowspan
                    above.provenance.extend(c.provenance)
                    continue
            cells.append(_LogicalCell(row, c.col, c.rowspan, c.colspan, c.text, list(c.provenance), c.confidence))
        n_rows += part.n_rows - skip
    return assemble_table(
        id=f"t{index}",
        title=first.caption.title,
        unit=first.caption.unit,
        preparer=first.caption.preparer,
        pages=sorted({p.page for p in group}),
        orientation=first.direction,
        page_rotation=[p.page_rotation for p in sorted(group, key=lambda p: p.page)],
        rulings=next((how for how in ("whitespace", "alignment", "raster") if any(p.rulings == how for p in group)), "vector"),
        n_rows=n_rows,
        n_cols=len(first.col_widths),
        header_rows=header_rows,
        cells=[TableCell(row=c.row, col=c.col, rowspan=c.rowspan, colspan=c.colspan, text=c.text,
                         confidence=c.confidence, provenance=c.provenance) for c in cells],
    )
