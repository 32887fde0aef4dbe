"""The cost of the two steps that were quadratic, against comparing every pair, in one run.

- Ruling grouping (`tables.rulings_to_components`): random pages of N rulings (short, medium
  and page-wide, horizontal and vertical) and a ruled grid of N cell borders, each cell drawn
  on its own as spreadsheet exports do. The all-pairs grouping is timed up to 10,000 rulings
  (it takes minutes beyond).
- Text diff (`diff.text_changes`): two editions in which every one of N paragraphs changed;
  the pairing of removed and added paragraphs, against pairing each removed paragraph with
  every added one (up to 1,000: beyond, minutes).

Prints one line per size and the ratio to the alternative. `python bench/costs.py`
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_reliability import _all_pairs_components, random_rulings  # noqa: E402

import extract.review.diff as diff_module  # noqa: E402
from extract.model import Box, Ruling  # noqa: E402
from extract.review.diff import text_changes  # noqa: E402
from extract.settings import TableSettings  # noqa: E402
from extract.stages.tables import TooManyRulings, rulings_to_components  # noqa: E402

ALL_PAIRS_UP_TO = 10_000
DIFF_ALL_PAIRS_UP_TO = 1_000


def grid_borders(count: int) -> list[Ruling]:
    """A table of cells, each drawn with its own four sides, about `count` sides in all."""
    cells = max(1, count // 4)
    columns = 12
    rows = max(1, cells // columns)
    width, height = 540 / columns, min(20.0, 800 / rows)
    out = []
    for r in range(rows):
        for c in range(columns):
            x0, top = 30 + c * width, 20 + r * height
            out += [Ruling(box=Box(x0=x0, top=top, x1=x0 + width, bottom=top + 0.5)),
                    Ruling(box=Box(x0=x0, top=top + height, x1=x0 + width, bottom=top + height + 0.5)),
                    Ruling(box=Box(x0=x0, top=top, x1=x0 + 0.5, bottom=top + height)),
                    Ruling(box=Box(x0=x0 + width, top=top, x1=x0 + width + 0.5, bottom=top + height))]
    return out


def timed(function, *args) -> tuple[float, object]:
    started = time.perf_counter()
    try:
        result = function(*args)
    except TooManyRulings as exc:
        result = exc
    return time.perf_counter() - started, result


def rulings_bench() -> None:
    rng = random.Random(3)
    for shape, make in (("random", lambda n: random_rulings(rng, n)), ("grid", grid_borders)):
        for count in (1_000, 10_000, 20_000, 40_000, 200_000):
            rulings = make(count)
            ours, result = timed(rulings_to_components, rulings, TableSettings())
            what = f"{len(result)} groups" if isinstance(result, list) else "refused: too many lines"
            line = f"rulings {shape:6} {len(rulings):7}: buckets {ours:7.2f} s ({what})"
            if len(rulings) <= ALL_PAIRS_UP_TO:
                pairs, _ = timed(_all_pairs_components, rulings, TableSettings().touch)
                line += f"; all pairs {pairs:7.2f} s; ratio {pairs / max(ours, 1e-9):6.1f}x"
            print(line, flush=True)


def _all_pairs_pairing(old: dict, new: dict) -> list:
    """text_changes as it was: every removed paragraph compared with every added one."""
    saved = diff_module.PAIRING_WINDOW
    diff_module.PAIRING_WINDOW = 10 ** 9
    try:
        return text_changes(old, new)
    finally:
        diff_module.PAIRING_WINDOW = saved


def editions(count: int, rng: random.Random) -> tuple[dict, dict]:
    words = "培训补贴标准申请对象职业技能等级证书发放资金管理监督检查工作要求"

    def paragraph() -> str:
        return "".join(rng.choice(words) for _ in range(rng.randrange(30, 90))) + "。"

    old = [paragraph() for _ in range(count)]
    new = [p[: len(p) // 2] + paragraph() for p in old]   # every paragraph reworded
    as_document = lambda texts: {"preamble": [{"text": t} for t in texts], "sections": [], "closing": []}  # noqa: E731
    return as_document(old), as_document(new)


def diff_bench() -> None:
    rng = random.Random(5)
    for count in (250, 1_000, 2_000, 8_000):
        old, new = editions(count, rng)
        ours, changes = timed(text_changes, old, new)
        line = f"diff    {count:6} changed paragraphs: window {ours:7.2f} s ({len(changes)} changes)"
        if count <= DIFF_ALL_PAIRS_UP_TO:
            pairs, reference = timed(_all_pairs_pairing, old, new)
            line += f"; all pairs {pairs:7.2f} s; ratio {pairs / max(ours, 1e-9):6.1f}x"
            line += "; same changes" if reference == changes else "; DIFFERENT changes"
        print(line, flush=True)


if __name__ == "__main__":
    rulings_bench()
    diff_bench()
