"""`rows_of`, which every line of every page goes through, groups boxes as its definition says:
a box joins the first of the last three rows (latest first) whose first box its height overlaps
by `overlap` of the smaller of the two, else starts a row. Checked against that definition
written plainly, on random boxes: ties in height and top, zero heights, several overlaps.
And `cell_text` (a table cell's text) reads the same lines as `glyphs_to_lines`, in every direction,
keeping figures set one under another apart."""

from __future__ import annotations

import random

import pytest

from extract.common.lines import cell_text, glyphs_to_lines, rows_of, turned_glyphs
from extract.model import Box, Glyph, SourcePage
from extract.common.text import join_lines
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
def test_cell_text_reads_a_cells_lines_in_every_direction(direction, size):
    """A cell of two lines, laid out in its reading frame and turned to `direction`, its glyphs
    given out of order: `cell_text` reads each line left to right, top to
    bottom, a space between Latin words a Latin space apart (0.3 em) and between phrases a wide
    gap apart (2 em), none between ideographs or letters set close (as `glyphs_to_lines` reads
    them), and joins them as wrapped text."""
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
    assert cell_text(turned_glyphs(glyphs, page, direction), settings, 200.0) == join_lines(expected)
    assert [line.text for line in glyphs_to_lines(glyphs, page, direction, settings)] == expected


def _cell(lines: list[str], size: float = 10.0) -> list[tuple[Box, Glyph]]:
    """A cell's glyphs in their reading frame, one line under another, half an em per character."""
    out = []
    for k, line in enumerate(lines):
        for i, char in enumerate(line):
            box = Box(x0=100 + i * size / 2, top=200 + k * size * 1.4, x1=100 + (i + 1) * size / 2, bottom=210 + k * size * 1.4)
            out.append((box, Glyph(text=char, font="F", size=size, box=box, direction=0)))
    return out


@pytest.mark.parametrize("lines, room, expected", [
    (["1200", "1500"], 60.0, "1200 1500"),          # two tiers' amounts: two figures
    (["1,280", "—"], 60.0, "1,280 —"),             # a figure and a dash in one's place
    (["12345678", "90"], 42.0, "1234567890"),       # a long figure wrapped in its narrow cell
    (["1,280", "元/人"], 60.0, "1,280元/人"),        # a figure and its unit
    (["职业技能", "提升行动"], 60.0, "职业技能提升行动"),   # wrapped words
])
def test_figures_one_under_another_stay_apart_in_a_cells_text(lines, room, expected):
    assert cell_text(_cell(lines), LineSettings(), room) == expected
