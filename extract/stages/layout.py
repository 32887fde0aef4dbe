"""Layout stage: the pages' text (outside tables) into paragraphs and headings in reading order.

- PDF glyphs are grouped by the direction their text runs, turned into that group's reading
  frame (so a page printed sideways reads like any other), and gathered into lines.
- Running page numbers (`— 3 —`) and lines repeated at the same place on many pages go.
- A page set in two columns (a gutter few characters cross, text on both sides of it in most
  rows) is read column by column, each band between full-width rows (a title) left column first.
- Wrapped lines are joined into one paragraph with no spaces between CJK characters: a line
  continues the one before when that one reached the right margin (and does not end with a
  colon) and this one is not indented, not numbered and in the same font size.
- A block opening with section numbering (一、 （一） 1. （1）) gets its level; a level-1 line
  that is short or set in a font other than the body's is a heading.

Text dumps take `extract.stages.dump_layout` instead.

Input: a PDF's `SourceDocument` and the `TableRegion`s found by the tables stage. Output: a new
`LaidOutDocument`. Raises nothing for odd input: an empty document lays out as no blocks.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter

import numpy as np

from extract.common.blocks import make_block, opens_block, percentile
from extract.common.geometry import reading_to_display_box, rotate_to_reading_frame
from extract.common.lines import glyphs_to_lines, on_band, rows_of, turned_glyphs
from extract.common.placed import PlacedGlyphs
from extract.common.text import normalize_spaces
from extract.model import (
    Block,
    Box,
    Glyph,
    LaidOutDocument,
    PageFurniture,
    Provenance,
    SourceDocument,
    SourcePage,
    TableRegion,
    TextLine,
)
from extract.settings import LayoutSettings, LineSettings

# A page number between dashes is never content, wherever it is; a bare number only in the margins.
# (OCR reads a short dash as 一 at times: a line of nothing but a number between them is no text.)
DASHED_PAGE_NUMBER = re.compile(r"^[—－\-–一]+\s*\d{1,4}\s*[—－\-–一]+$|^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$")
BARE_PAGE_NUMBER = re.compile(r"^\d{1,4}(\s*/\s*\d{1,4})?$")
# a page number run together with a running line (2/4请务必阅读…) is no part of what repeats
PAGE_NUMBER_AT_END = re.compile(r"^\d{1,4}\s*/\s*\d{1,4}|\d{1,4}\s*/\s*\d{1,4}$")


def layout_pdf(source: SourceDocument, regions: tuple[TableRegion, ...] = (),
               settings: LayoutSettings = LayoutSettings(), lines: LineSettings = LineSettings()) -> LaidOutDocument:
    text_lines = pdf_lines(source, regions, settings, lines)
    body_size = _body_size(text_lines)
    text_lines, furniture = drop_running_lines(text_lines, source, settings)
    blocks = pdf_lines_to_blocks(text_lines, body_size, settings)
    return LaidOutDocument(blocks=tuple(blocks), body_size=body_size, furniture=tuple(furniture))


# ---------------------------------------------------------------- PDF: glyphs to lines


def pdf_lines(source: SourceDocument, regions: tuple[TableRegion, ...], settings: LayoutSettings,
              lines: LineSettings = LineSettings()) -> list[TextLine]:
    out: list[TextLine] = []
    for page in source.pages:
        page_regions = [r.box for r in regions if r.page == page.number and r.box is not None]
        glyphs = list(page.glyphs)
        if page_regions:   # the text outside the tables (a centre within a point of a table's edge is the table's)
            placed = PlacedGlyphs.of(glyphs)
            glyphs = list(placed.take(placed.outside_all(page_regions, tolerance=1)).glyphs)
        by_direction = Counter(g.direction for g in glyphs)
        for direction, _ in by_direction.most_common():
            group = [g for g in glyphs if g.direction == direction]
            shades = [rotate_to_reading_frame(b, direction, page.width, page.height) for b in page.shades]
            for part, column in reading_columns(group, page, direction, settings, lines):
                for line in glyphs_to_lines(part, page, direction, lines):
                    update = {"column": column} if column else {}
                    if line.box is not None and any(on_band(line.box, band, settings.band_lines) for band in shades):
                        update["shaded"] = True
                    out.append(line.model_copy(update=update) if update else line)
    return out


def reading_columns(glyphs: list[Glyph], page: SourcePage, direction: int, settings: LayoutSettings,
                    lines: LineSettings = LineSettings()) -> list[tuple[list[Glyph], tuple[float, float] | None]]:
    """The page's glyphs in reading order of its columns: on a page set in two columns (a
    gutter few characters cross, with text on both sides of it in most rows), each band between
    full-width rows (a title, a heading across both columns) is read left column first, then
    right; each part with its column's edges (reading frame, points). A page in one column is
    one part."""
    turned = turned_glyphs(glyphs, page, direction)
    if len(turned) < settings.columns_min_glyphs:
        return [(glyphs, None)]
    width = max(b.x1 for b, _ in turned)
    # a gutter is a strip an em wide that few characters reach into (characters set side by side
    # touch, so a line crosses every point between two of its characters' boxes)
    half = statistics.median(g.size for g in glyphs) * settings.columns_gutter / 2

    left_edges = np.array([b.x0 for b, _ in turned])
    right_edges = np.array([b.x1 for b, _ in turned])
    candidates = list(range(int(width * 0.2), int(width * 0.8), 2))
    crossing = dict(zip(candidates, _count_reaching(left_edges, right_edges, np.array(candidates, dtype=float), half)))
    if not crossing:
        return [(glyphs, None)]
    gutter = min(crossing, key=lambda x: (crossing[x], abs(x - width / 2)))
    if crossing[gutter] > settings.columns_max_crossing * len(turned):
        return [(glyphs, None)]
    gutter = _gutter_line(turned, gutter, half)

    # rows: characters whose heights overlap, across the whole page; a full-width row runs across
    # the gutter (a character on it, or two neighbours closer than a gutter is wide on either
    # side of it: a character merely near it is a column's edge)
    boxes = [b for b, _ in turned]
    row_of = {i: k for k, members in enumerate(rows_of(boxes, lines.line_overlap)) for i in members}
    by_row: dict[int, list[Box]] = {}
    for i, b in enumerate(boxes):
        by_row.setdefault(row_of[i], []).append(b)
    full_rows = {r for r, members in by_row.items() if _runs_across(sorted(members, key=lambda b: b.x0), gutter, 2 * half)}
    column = {side: [b for i, b in enumerate(boxes) if row_of[i] not in full_rows and (b.x1 <= gutter) == (side == "left")]
              for side in ("left", "right")}
    if not column["left"] or not column["right"]:
        return [(glyphs, None)]
    # two columns: text on both sides of the gutter in many rows, each side a good part of the
    # page; or a sidebar beside the main text
    both = sum(1 for members in by_row.values() if any(b.x1 <= gutter for b in members)
               and any(b.x1 > gutter for b in members))
    balanced = settings.columns_min_share <= len(column["left"]) / len(boxes) <= 1 - settings.columns_min_share
    sidebar = _sidebar(column, len(full_rows) / len(by_row), settings, lines)
    if not ((both >= settings.columns_min_rows_share * len(by_row) and balanced) or sidebar):
        return [(glyphs, None)]
    # bands: the full-width rows cut the page; in each band the left column, then the right one,
    # but a sidebar (a rating, the analysts) first, so that the main text reads on without it
    sides = ("right", "left") if sidebar == "right" else ("left", "right")
    parts: list[tuple[list[Glyph], tuple[float, float] | None]] = []
    cuts = sorted({min(b.top for i, b in enumerate(boxes) if row_of[i] == r) for r in full_rows})
    edges = [float("-inf"), *cuts, float("inf")]
    for top, bottom in zip(edges, edges[1:]):
        band = [(i, b, g) for i, (b, g) in enumerate(turned) if top <= b.top < bottom]
        full = [g for i, b, g in band if row_of[i] in full_rows]
        if full:
            parts.append((full, None))
        for side in sides:
            own = [(b, g) for i, b, g in band if row_of[i] not in full_rows
                   and ((b.x1 <= gutter) if side == "left" else (b.x1 > gutter))]
            if own:
                parts.append(([g for _, g in own], _column_edges([b for b, _ in own], lines)))
    return parts


def _count_reaching(left_edges: np.ndarray, right_edges: np.ndarray, xs: np.ndarray, half: float) -> list[int]:
    """For each x, how many boxes reach into the strip from x - half to x + half (strictly:
    a box that only touches it does not): counted in arrays, the pages' characters times the
    positions tried being too many for a Python loop."""
    if not len(xs):
        return []
    inside = (left_edges[None, :] < (xs + half)[:, None]) & (right_edges[None, :] > (xs - half)[:, None])
    return [int(n) for n in inside.sum(axis=1)]


def _gutter_line(turned: list[tuple[Box, Glyph]], strip_middle: float, half: float) -> float:
    """The line between two columns near the middle of the gutter strip found: the middle of the
    stretch that fewest characters lie across. A column's hanging bullets and headings may reach
    into the strip, so its middle can cut them off their column."""
    step = 0.5
    xs = [strip_middle - 2 * half + i * step for i in range(int(8 * half / step) + 1)]
    on_line = _count_reaching(np.array([b.x0 for b, _ in turned]), np.array([b.x1 for b, _ in turned]),
                              np.array(xs), 0.0)
    least = min(on_line)
    stretches: list[list[float]] = []
    for x, count in zip(xs, on_line):
        if count != least:
            continue
        if stretches and x - stretches[-1][-1] <= step:
            stretches[-1].append(x)
        else:
            stretches.append([x])
    middles = [(s[0] + s[-1]) / 2 for s in stretches]
    return min(middles, key=lambda m: abs(m - strip_middle))


def _column_edges(boxes: list[Box], lines: LineSettings) -> tuple[float, float]:
    """A column's left edge, and the right margin its lines reach: the end of its widest line
    when several lines end there (justified text). In a column of short lines (a sidebar: a
    rating, a name, a phone number) the widest line is alone: no line reaches a margin, and
    each ends its paragraph."""
    rows = rows_of(boxes, lines.line_overlap)
    ends = [max(boxes[i].x1 for i in row) for row in rows]
    size = statistics.median(b.height for b in boxes)
    widest = max(ends)
    reaching = sum(1 for end in ends if widest - end <= size)
    right = widest if reaching >= max(2, 0.25 * len(ends)) else widest + 2 * size
    # the left margin is where most of its lines start, as on a page in one column: bullets and
    # numbers hanging out of it (a list with hanging indents) do not move it
    starts = [min(boxes[i].x0 for i in row) for row in rows]
    common = _mode([round(x) for x in starts])
    return min(x for x in starts if round(x) == common), right


def _sidebar(column: dict[str, list[Box]], full_share: float, settings: LayoutSettings,
             lines: LineSettings) -> str | None:
    """The side of a sidebar beside the main text (a rating, the analysts, related research),
    or None: the narrower column, much narrower, lines of text of its own (not hanging numbers
    such as (一) or 第十四条 before the lines they number), most of them level with main text,
    on a page that is not mostly rows across both (a table of contents with its leaders)."""
    width = {side: max(b.x1 for b in boxes) - min(b.x0 for b in boxes) for side, boxes in column.items()}
    narrow, main = sorted(column, key=lambda side: width[side])
    if width[narrow] > settings.columns_sidebar * width[main] or full_share > 0.5:
        return None
    rows = [[column[narrow][i] for i in members] for members in rows_of(column[narrow], lines.line_overlap)]
    beside = sum(1 for row in rows if _level_with(row, column[main]))
    if (len(rows) >= settings.sidebar_min_lines and beside >= 0.5 * len(rows)
            and len(column[narrow]) / len(rows) >= settings.sidebar_min_chars):
        return narrow
    return None


def _level_with(line: list[Box], others: list[Box]) -> bool:
    """Whether any of `others` stands level with a line (within half its height above or below)."""
    top, bottom = min(b.top for b in line), max(b.bottom for b in line)
    slack = (bottom - top) / 2
    return any(o.top < bottom + slack and o.bottom > top - slack for o in others)


def _runs_across(boxes: list[Box], x: float, gap: float) -> bool:
    """Whether a row of boxes (sorted by x0) runs across the vertical line at x."""
    if any(b.x0 < x < b.x1 for b in boxes):
        return True
    return any(a.x1 <= x <= b.x0 and b.x0 - a.x1 < gap for a, b in zip(boxes, boxes[1:]))


def _body_size(lines: list[TextLine]) -> float | None:
    weights: Counter[float] = Counter()
    for line in lines:
        if line.size:
            weights[line.size] += len(line.text)
    return weights.most_common(1)[0][0] if weights else None


def drop_running_lines(lines: list[TextLine], source: SourceDocument,
                       settings: LayoutSettings) -> tuple[list[TextLine], list[PageFurniture]]:
    """Take out page numbers and headers/footers that repeat at one place on many pages; they
    are returned as page furniture (named, not lost)."""
    heights = {p.number: p.height for p in source.pages}
    pages = {p.number: p for p in source.pages}

    def in_margin(line: TextLine) -> bool:
        height = heights.get(line.page) or 0
        return line.box is not None and (line.box.bottom < height * settings.margin_band
                                         or line.box.top > height * (1 - settings.margin_band))

    def key(line: TextLine) -> str:
        return re.sub(r"\d+", "#", PAGE_NUMBER_AT_END.sub("", normalize_spaces(line.text)))

    pages_by_key: dict[str, set[int]] = {}
    for line in lines:
        if in_margin(line):
            pages_by_key.setdefault(key(line), set()).add(line.page)
    # on every page of a short document, or on many pages of a long one
    least = max(2, min(settings.repeated_min_pages, len(source.pages)))
    repeated = {k for k, pages in pages_by_key.items() if len(pages) >= least}
    kept, furniture = [], []
    for line in lines:
        text = line.text.strip()
        if DASHED_PAGE_NUMBER.match(text) or (in_margin(line) and BARE_PAGE_NUMBER.match(text)):
            kind = "page_number"
        elif in_margin(line) and key(line) in repeated:
            kind = "running_header" if line.box.bottom < (heights.get(line.page) or 0) / 2 else "running_footer"
        else:
            kept.append(line)
            continue
        page = pages[line.page]
        box = reading_to_display_box(line.box, line.direction, page.width, page.height).rounded()
        furniture.append(PageFurniture(page=line.page, kind=kind, text=text, box=box))
    return kept, furniture


# ---------------------------------------------------------------- PDF: lines to blocks


def pdf_lines_to_blocks(lines: list[TextLine], body_size: float | None, settings: LayoutSettings) -> list[Block]:
    if not lines:
        return []
    size = body_size or statistics.median(line.size or 10 for line in lines)
    body = [line for line in lines if line.size == body_size and line.box is not None]
    # the body font is the one most characters are set in, not most lines
    body_font = Counter(font for line in body for font in [line.font] * len(line.text)).most_common(1)[0][0] \
        if body else None
    left = _mode([round(line.box.x0) for line in body]) if body else 0
    right = percentile([line.box.x1 for line in body], 0.9) if body else 0
    leading = _mode([round(b.box.top - a.box.top, 1) for a, b in zip(body, body[1:])
                     if a.page == b.page and 0 < b.box.top - a.box.top < 3 * size]) or size * 1.5

    groups: list[list[TextLine]] = []
    for line in lines:
        prev = groups[-1][-1] if groups else None
        # in a column, a paragraph is measured against that column's margins; it goes on from the
        # foot of one column to the head of the next, or to the next page
        same_flow = prev is not None and (prev.column == line.column or prev.page != line.page or (
            prev.column is not None and line.column is not None and prev.column[1] <= line.column[0]
            and line.box.top < prev.box.top))
        margins = (line.column[0] if line.column else left, prev.column[1] if prev and prev.column else right)
        if same_flow and _continues(prev, line, *margins, leading, size, settings):
            groups[-1].append(line)
        else:
            groups.append([line])
    first_on_page: set[int] = set()
    blocks = []
    for group in groups:
        starts_page = group[0].page not in first_on_page
        first_on_page.add(group[0].page)
        blocks.append(make_block(group, body_size, body_font, settings, starts_page,
                                  [Provenance(page=line.page, box=line.box, frame=line.direction) for line in group]))
    return blocks


def _continues(prev: TextLine, line: TextLine, left: float, right: float, leading: float, size: float,
               settings: LayoutSettings) -> bool:
    if prev.size != line.size or prev.box is None or line.box is None:
        return False
    if opens_block(line.text):
        return False
    unit = line.size or size
    if line.size == size:
        # body text: prev reached the right margin and this line starts at the left margin; a
        # line ending with a colon (主送机关, 通知如下：) ends its paragraph however wide it is
        if prev.text.rstrip().endswith(("：", ":")):
            return False
        if prev.box.x1 < right - settings.short_line * unit:
            return False
        if line.box.x0 > left + settings.indent * unit:
            return False
        if line.page == prev.page and line.box.top - prev.box.top > leading + settings.paragraph_gap * unit:
            return False
        return True
    # display text (titles): consecutive lines of one size and font, close together
    return (line.page == prev.page and line.font == prev.font
            and 0 < line.box.top - prev.box.top < 2.0 * unit)


def _mode(values: list[float]) -> float:
    return Counter(values).most_common(1)[0][0] if values else 0


