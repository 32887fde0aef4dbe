"""Glyphs into text lines, for every stage that reads lines off a page (layout's text, the
tables' captions): glyphs of one direction are turned into that direction's reading frame,
grouped in rows by how much their heights overlap, and joined left to right with a space
where the gap is wide (`LineSettings`)."""

from __future__ import annotations

from collections import Counter

from extract.common.geometry import rotate_to_reading_frame
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


def line_texts(turned: list[tuple[Box, Glyph]], settings: LineSettings) -> list[str]:
    """The text of each line, top to bottom, of glyphs already paired with their boxes in
    their reading frame (`turned_glyphs`): the lines of `glyphs_to_lines` without their boxes,
    sizes and fonts, for text that needs none (a table cell's, thousands to a document)."""
    return [_row_text(row, settings) for row in _rows(turned, settings)]


def turned_glyphs(glyphs: list[Glyph], page: SourcePage, direction: int) -> list[tuple[Box, Glyph]]:
    """Each glyph with its box in the reading frame of `direction`."""
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
