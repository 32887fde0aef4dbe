"""Where a page's glyphs stand, for the questions every table, caption, block and text region on
the page asks of them: which glyphs lie in a region."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from extract.model import Box, Glyph


@dataclass(frozen=True)
class PlacedGlyphs:
    """Glyphs with their boxes' centres (display frame) in one array, so that which of a page's
    glyphs lie in a region is one array operation, not a loop over the glyphs per region."""

    glyphs: tuple[Glyph, ...]
    centres: np.ndarray   # (n, 2): x, y; the same figures as `Box.center`

    @staticmethod
    def of(glyphs: Sequence[Glyph]) -> PlacedGlyphs:
        boxes = [g.box for g in glyphs]   # (a list per coordinate: numpy reads flat lists fastest)
        x0, top = np.array([b.x0 for b in boxes], dtype=float), np.array([b.top for b in boxes], dtype=float)
        x1, bottom = np.array([b.x1 for b in boxes], dtype=float), np.array([b.bottom for b in boxes], dtype=float)
        return PlacedGlyphs(glyphs=tuple(glyphs), centres=np.column_stack(((x0 + x1) / 2, (top + bottom) / 2)))

    def inside(self, region: Box, tolerance: float = 0.0) -> np.ndarray:
        """Which glyphs have their centre in `region` grown by `tolerance` (edges included), as
        a mask: `region.contains_point(*glyph.box.center, tolerance)` for each."""
        x, y = self.centres[:, 0], self.centres[:, 1]
        return ((region.x0 - tolerance <= x) & (x <= region.x1 + tolerance)
                & (region.top - tolerance <= y) & (y <= region.bottom + tolerance))

    def outside_all(self, regions: Sequence[Box], tolerance: float = 0.0) -> np.ndarray:
        """Which glyphs have their centre in none of `regions` (each grown by `tolerance`)."""
        hit = np.zeros(len(self.glyphs), dtype=bool)
        for region in regions:
            hit |= self.inside(region, tolerance)
        return ~hit

    def take(self, mask: np.ndarray) -> PlacedGlyphs:
        kept = np.flatnonzero(mask)
        return PlacedGlyphs(glyphs=tuple([self.glyphs[i] for i in kept.tolist()]), centres=self.centres[kept])

    def within(self, region: Box) -> list[Glyph]:
        return list(self.take(self.inside(region)).glyphs)
