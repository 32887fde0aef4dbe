"""What a glyph costs as an object: making, then freeing, a page's worth of glyphs many times over
(as many as the 67 ICDAR 2013 documents hold, ~470K), as `extract.model.Glyph` and `Box`
(frozen dataclasses with slots) and as pydantic models with the same fields, validated from
the dicts the load stage built for them before (the obvious way, and this pipeline's up to
0.16.3), in one run. Prints the seconds and their ratio; asserts nothing.

Usage: python bench/glyph_model.py [glyphs]
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

from pydantic import BaseModel, ConfigDict, TypeAdapter

REPO = Path(__file__).resolve().parent.parent


class PydanticBox(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    x0: float
    top: float
    x1: float
    bottom: float


class PydanticGlyph(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    text: str
    font: str
    size: float
    box: PydanticBox
    direction: int
    confidence: float | None = None


def as_dataclasses(xs: list[float]) -> tuple:
    from extract.model import Box, Glyph

    return tuple(Glyph(text="字", font="SimSun", size=10.5, direction=0, box=Box(x0=x, top=x, x1=x + 10.5, bottom=x + 10.5))
                 for x in xs)


PYDANTIC_GLYPHS = TypeAdapter(tuple[PydanticGlyph, ...])


def as_pydantic(xs: list[float]) -> tuple:
    return PYDANTIC_GLYPHS.validate_python([{"text": "字", "font": "SimSun", "size": 10.5, "direction": 0,
                                              "box": {"x0": x, "top": x, "x1": x + 10.5, "bottom": x + 10.5}} for x in xs])


def timed(build, xs: list[float], rounds: int = 3) -> tuple[float, float]:
    """Median seconds to make the glyphs and to free them, with the cycle collector paused as
    the pipeline runs its stages."""
    made, freed = [], []
    for _ in range(rounds):
        gc.disable()
        start = time.perf_counter()
        glyphs = build(xs)
        made.append(time.perf_counter() - start)
        start = time.perf_counter()
        del glyphs
        freed.append(time.perf_counter() - start)
        gc.enable()
    return sorted(made)[rounds // 2], sorted(freed)[rounds // 2]


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 470_000
    xs = [float(i % 800) for i in range(count)]
    ours = timed(as_dataclasses, xs)
    theirs = timed(as_pydantic, xs)
    print(f"{count} glyphs, median of 3: make, free")
    print(f"  dataclasses (extract.model)      {ours[0]:6.2f}s {ours[1]:6.2f}s")
    print(f"  pydantic models from dicts       {theirs[0]:6.2f}s {theirs[1]:6.2f}s")
    print(f"  ratio (pydantic / dataclasses)   {theirs[0] / ours[0]:6.1f}x {theirs[1] / max(ours[1], 1e-9):6.1f}x")
