"""`rows_of`, which every line of every page goes through, groups boxes as its definition says:
a box joins the first of the last three rows (latest first) whose first box its height overlaps
by `overlap` of the smaller of the two, else starts a row. Checked against that definition
written plainly, on random boxes: ties in height and top, zero heights, several overlaps."""

from __future__ import annotations

import random

import pytest

from extract.common.lines import rows_of
from extract.model import Box


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
