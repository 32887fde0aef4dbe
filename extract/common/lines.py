"""Glyphs into text lines, for every stage that reads lines off a page (layout's text, the
tables' captions): glyphs of one direction are turned into that direction's reading frame,
grouped in rows by how much their heights overlap, and joined left to right with a space
where the gap is wide (`LineSettings`)."""

from __future__ import annotations

from collections import Counter

from extract.common.geometry import rotate_to_reading_frame
from extract.common.text import FIGURE, NO_FIGURE, join_lines
from extract.model import Box, Glyph, SourcePage, TextLine
from extract.settings import LineSettings


def rows_of(boxes: list[Box], overlap: float) -> list[list[int]]:
    """Indexes of `boxes` grouped in rows, top to bottom: a box joins one of the last rows when
    its height overlaps that row's first box by `overlap` of the smaller one (how a line is set).
    (Every line of every page goes through here, more than once: the loop reads plain floats,
    and takes the smaller and the larger of two as `min` and `max` would, without calling them.)"""
    tops, bottoms = [b.top for b in boxes], [b.bottom for b in boxes]
    keys = [(top, b.x0) for top, b in zip(tops, boxes)]
    rows: list[list[int]] = []
    firsts: list[tuple[float, float, float]] = []   # each row's first box: top, bottom, height
    for i in sorted(range(len(boxes)), key=keys.__getitem__):
        top, bottom = tops[i], bottoms[i]
        height = bottom - top
        k = len(rows) - 1
        stop = k - 3 if k > 2 else -1
        while k > stop:
            first_top, first_bottom, first_height = firsts[k]
            lower = bottom if bottom < first_bottom else first_bottom      # min(first_bottom, bottom)
            upper = top if top > first_top else first_top                  # max(first_top, top)
            smaller = height if height < first_height else first_height    # min(first_height, height)
            if lower - upper >= overlap * smaller:
                rows[k].append(i)
                break
            k -= 1
        else:
            rows.append([i])
            firsts.append((top, bottom, height))
    return rows


def glyphs_to_lines(glyphs: list[Glyph], page: SourcePage, direction: int, settings: LineSettings) -> list[TextLine]:
    """Glyphs of one direction into lines in that direction's reading frame, top to bottom."""
    lines = []
    for row in _rows(turned_glyphs(glyphs, page, direction), settings):
        box = Box(x0=min(b.x0 for b, _ in row), top=min(b.top for b, _ in row), x1=max(b.x1 for b, _ in row),
                  bottom=max(b.bottom for b, _ in row))
        sizes = Counter(g.size for _, g in row)
        fonts = Counter(g.font for _, g in row)
        confidence = min((g.confidence for _, g in row if g.confidence is not None), default=None)
        lines.append(TextLine(text=_row_text(row, settings), page=page.number, box=box.rounded(),
                              size=sizes.most_common(1)[0][0], font=fonts.most_common(1)[0][0],
                              confidence=confidence, direction=direction))
    return lines


def cell_text(turned: list[tuple[Box, Glyph]], settings: LineSettings, room: float) -> str:
    """The text of a table cell `room` wide, of glyphs already paired with their boxes in their
    reading frame (`turned_glyphs`): its lines (those of `glyphs_to_lines`, without their boxes,
    sizes and fonts: a document has thousands of cells) joined as wrapped text is, but for
    figures set one under another (`stacked_figures`), which a space keeps apart: joined, two
    tiers' amounts would read as one number."""
    parts: list[list[str]] = []
    above: tuple[str, float] | None = None
    for row in _rows(turned, settings):
        text = _row_text(row, settings)
        if above is None or stacked_figures(above[0], above[1], text, row[0][0].width, room):
            parts.append([text])
        else:
            parts[-1].append(text)
        above = (text, row[-1][0].x1 - row[0][0].x0)
    return " ".join(join_lines(part) for part in parts)


def stacked_figures(above: str, above_width: float, below: str, below_first: float, room: float) -> bool:
    """Whether two lines of a cell `room` wide are figures set one under another, not one figure
    wrapped: each a figure or a dash in one's place, one of them a figure, and the upper one
    short of the room by two of the lower one's first characters (a line that wraps fills its
    column). Figures do not wrap otherwise."""
    above, below = above.strip(), below.strip()
    if not all(FIGURE.match(t) or NO_FIGURE.match(t) for t in (above, below)) or \
            not (FIGURE.match(above) or FIGURE.match(below)):
        return False
    return above_width + 2 * below_first <= room


def turned_glyphs(glyphs: list[Glyph], page: SourcePage, direction: int) -> list[tuple[Box, Glyph]]:
    """Each glyph with its box in the reading frame of `direction`."""
    if direction == 0:   # the display frame (most text): each glyph's own box, without a call per glyph
        return [(g.box, g) for g in glyphs]
    return [(rotate_to_reading_frame(g.box, direction, page.width, page.height), g) for g in glyphs]


def _rows(turned: list[tuple[Box, Glyph]], settings: LineSettings) -> list[list[tuple[Box, Glyph]]]:
    """Turned glyphs in rows, top to bottom, each row left to right."""
    rows = [[turned[i] for i in members] for members in rows_of([b for b, _ in turned], settings.line_overlap)]
    for row in rows:
        row.sort(key=lambda bg: bg[0].x0)
    return rows


def _row_text(row: list[tuple[Box, Glyph]], settings: LineSettings) -> str:
    """A row's glyphs joined, a space where the gap is wide (narrower between Latin letters and digits)."""
    text = ""
    prev: Box | None = None
    for box, glyph in row:
        if prev is not None:
            gap = box.x0 - prev.x1
            size = max(glyph.size, 1.0)
            latin = text[-1:].isascii() and text[-1:].isalnum() and glyph.text[:1].isascii() and glyph.text[:1].isalnum()
            if gap > settings.phrase_gap * size or (latin and gap > settings.word_gap * size):
                text += " "
        text += glyph.text
        prev = box
    return text


def on_band(box: Box, band: Box, max_lines: float) -> bool:
    """Whether a line's box lies on a band (both in one frame) no taller than `max_lines` times
    the line: a heading set on a shaded strip."""
    return (band.x0 - 1 <= box.x0 and box.x1 <= band.x1 + 1 and band.top - 1 <= box.top
            and box.bottom <= band.bottom + 1 and band.height <= max_lines * box.height)
