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


@pytest.mark.parametrize("direction", [0, 90, 180, 270])
def test_line_texts_read_what_glyphs_to_lines_reads(direction):
    """Random words of Latin letters, digits and ideographs at random gaps and sizes, in rows
    that overlap a little, a lot or not at all, turned to `direction`: the cell text path gives
    each line's text exactly as the line path does."""
    rng = random.Random(direction)
    width, height = 600.0, 800.0
    for _ in range(40):
        glyphs = []
        for _ in range(rng.randint(0, 60)):
            size = rng.choice([9.0, 10.5, 12.0])
            x0, top = rng.uniform(0, 500), rng.choice([100.0, 100.0 + size * 0.4, rng.uniform(0, 700)])
            box = Box(x0=x0, top=top, x1=x0 + size * rng.choice([0.5, 1.0]), bottom=top + size)
            # laid out in the reading frame, put back into the display frame of text running in `direction`
            if direction == 90:
                box = Box(x0=width - box.bottom, top=box.x0, x1=width - box.top, bottom=box.x1)
            elif direction == 180:
                box = Box(x0=width - box.x1, top=height - box.bottom, x1=width - box.x0, bottom=height - box.top)
            elif direction == 270:
                box = Box(x0=box.top, top=height - box.x1, x1=box.bottom, bottom=height - box.x0)
            glyphs.append(Glyph(text=rng.choice("aZ7字,"), font="F", size=size, box=box, direction=direction))
        page = SourcePage(number=1, width=width, height=height, glyphs=tuple(glyphs))
        settings = LineSettings()
        expected = [line.text for line in glyphs_to_lines(glyphs, page, direction, settings)]
        assert line_texts(turned_glyphs(glyphs, page, direction), settings) == expected
        assert expected or not glyphs
