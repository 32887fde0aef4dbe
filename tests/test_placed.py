"""`PlacedGlyphs` (which of a page's glyphs lie in a region, asked by the tables and layout
stages as one array operation) answers as `Box.contains_point` of each glyph's centre does,
edges and the tolerance included: checked on random boxes, many of them on a region's edge."""

from __future__ import annotations

import random

import pytest

from extract.common.placed import PlacedGlyphs
from extract.model import Box, Glyph


def _box(rng: random.Random) -> Box:
    x0, top = rng.choice([rng.uniform(0, 100), float(rng.randint(0, 100)), 49.0, 50.5]), rng.uniform(0, 100)
    return Box(x0=x0, top=top, x1=x0 + rng.choice([0.0, 1.0, rng.uniform(0, 20)]), bottom=top + rng.uniform(0, 20))


@pytest.mark.parametrize("seed", range(4))
def test_placed_glyphs_answer_as_contains_point_of_each_centre(seed):
    rng = random.Random(seed)
    for _ in range(40):
        glyphs = [Glyph(text="字", font="F", size=10.0, box=_box(rng), direction=0) for _ in range(rng.randint(0, 80))]
        regions = [Box(x0=50.0, top=40.0, x1=60.0, bottom=58.0), _box(rng), _box(rng)][: rng.randint(0, 3)]
        placed = PlacedGlyphs.of(glyphs)
        for tolerance in (0.0, 1.0):
            for region in regions:
                want = [region.contains_point(*g.box.center, tolerance=tolerance) for g in glyphs]
                assert placed.inside(region, tolerance).tolist() == want
            outside = [g for g in glyphs if not any(r.contains_point(*g.box.center, tolerance=tolerance) for r in regions)]
            assert list(placed.take(placed.outside_all(regions, tolerance)).glyphs) == outside
