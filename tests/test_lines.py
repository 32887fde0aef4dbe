"""`rows_of`, which every line of every page goes through, groups boxes as its definition says:
a box joins the first of the last three rows (latest first) whose first box its height overlaps
by `overlap` of the smaller of the two, else starts a row. Checked against that definition
written plainly, on random boxes: ties in height and top, zero heights, several overlaps.
And `line_texts` (a table cell's text) reads the same text as `glyphs_to_lines`, in every direction."""

from __future__ import annotations

import random

import pytest

from extract.common.lines import glyphs_to_lines, line_texts, rows_of, turned_glyphs
from extract.model import Box, Glyph, SourcePage
from extract.settings import LineSettings


def rows_by_definition(boxes: list[Box], overlap: float) -> list[list[int]]:
    rows: list[list[int]] = []
    for i in sorted(range(len(boxes)), key=lambda i: (boxes[i].top, boxes[i].x0)):
        box = boxes[i]
        for row in reversed(rows[-3:]):
            first = boxes[row[0]]
            if min(first.bottom, box.bottom) - max(first.top, box.top) >= overlap * min(first.height, box.height):
                row.append(i)
                break
        else:
            rows.append([i])
    return rows


@pytest.mark.parametrize("seed", range(5))
def test_rows_of_groups_as_its_definition_says(seed):
    rng = random.Random(seed)
    for _ in range(60):
        boxes = []
        for _ in range(rng.randint(0, 150)):
            top = rng.choice([rng.uniform(0, 300), float(rng.randint(0, 300)), 100.0])
            height = rng.choice([rng.uniform(0, 15), 10.0, 0.0])
            x0 = rng.uniform(0, 500)
            boxes.append(Box(x0=x0, top=top, x1=x0 + 5, bottom=top + height))
        for overlap in (0.0, 0.3, 0.5, 1.0):
            assert rows_of(boxes, overlap) == rows_by_definition(boxes, overlap)


def _turned_back(box: Box, direction: int, width: float, height: float) -> Box:
    """A box laid out in the reading frame of text running in `direction`, in the display frame."""
    if direction == 90:
        return Box(x0=width - box.bottom, top=box.x0, x1=width - box.top, bottom=box.x1)
    if direction == 180:
        return Box(x0=width - box.x1, top=height - box.bottom, x1=width - box.x0, bottom=height - box.top)
    if direction == 270:
        return Box(x0=box.top, top=height - box.x1, x1=box.bottom, bottom=height - box.x0)
    return box


@pytest.mark.parametrize("size", [9.0, 12.0])
@pytest.mark.parametrize("direction", [0, 90, 180, 270])
def test_line_texts_read_a_cells_lines_in_every_direction(direction, size):
    """A cell of two lines, laid out in its reading frame and turned to `direction`, its glyphs
    given out of order: `line_texts` (a cell's text) reads each line left to right, top to
    bottom, a space between Latin words a Latin space apart (0.3 em) and between phrases a wide
    gap apart (2 em), none between ideographs or letters set close; `glyphs_to_lines` reads
    the same."""
    width, height = 600.0, 800.0
    layout = [("Age", 0.0), ("65", 0.3), ("补", 2.0), ("贴", 0.0),          # line 1: word gaps in em
              ("1,280", 0.0), ("元", 0.05), ("人", 0.0)]                   # line 2: a tight gap
    rows = [layout[:4], layout[4:]]
    glyphs = []
    for k, row in enumerate(rows):
        x, top = 100.0, 200.0 + k * size * 1.4
        for word, gap_em in row:
            x += gap_em * size
            for char in word:
                advance = size * (1.0 if ord(char) > 0x2E80 else 0.5)
                box = Box(x0=x, top=top, x1=x + advance, bottom=top + size)
                glyphs.append(Glyph(text=char, font="F", size=size, box=_turned_back(box, direction, width, height),
                                    direction=direction))
                x += advance
    glyphs.reverse()   # the page's order is no reading order
    page = SourcePage(number=1, width=width, height=height, glyphs=tuple(glyphs))
    expected = ["Age 65 补贴", "1,280元人"]
    settings = LineSettings()
    assert line_texts(turned_glyphs(glyphs, page, direction), settings) == expected
    assert [line.text for line in glyphs_to_lines(glyphs, page, direction, settings)] == expected
