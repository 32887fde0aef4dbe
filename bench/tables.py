"""Table accuracy and speed: this pipeline against camelot lattice and pdfplumber
`extract_tables`, as they come, on the corpus tables, camelot's rotated tables and tables
generated here, in one run.

Score: the share of expected grid cells whose text the method puts at the same row and
column (white space ignored; a merged cell's text in its top-left slot, "" elsewhere).
For a table over several pages, the other methods' per-page tables are stacked in page
order, as a user of them would. Prints a table of figures; asserts nothing.

Then the ICDAR 2013 competition's adjacency measure for this pipeline, camelot stream and
hybrid and pdfplumber, and the time of the table stages against camelot stream's in alternated
rounds (bench/icdar.py).

Usage: python bench/tables.py
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import camelot  # noqa: E402
import icdar  # noqa: E402
import pdfplumber  # noqa: E402
from table_gen import grouped_spec, subsidy_spec, write_table_pdf  # noqa: E402

from extract.pipeline import run_pipeline  # noqa: E402

CAMELOT_FILES = REPO / "tests" / "external" / "camelot"


def norm(text) -> str:
    return re.sub(r"\s+", "", text or "")


def henan_expected() -> list[tuple[str, list[int], list[list[str]]]]:
    """Expected grids of the Henan tables: header cells read off the printed page, body
    cells from the truth file."""
    truth = json.loads((REPO / "tests" / "truth" / "henan-2025-digital-talent.json").read_text(encoding="utf-8"))
    standards = truth["subsidy_standards"]
    subsidy = [["职业(工种)名称", "职业大典中职业代码", "初级", "", "中级", "", "高级", ""],
               ["", ""] + ["学时要求", "补贴金额"] * 3]
    for k in range(0, len(standards), 3):
        row = [standards[k]["occupation"], standards[k]["occupation_code"]]
        for s in standards[k:k + 3]:
            row += [str(s["training_hours"]), str(s["subsidy_yuan"])]
        subsidy.append(row)
    institutions = [["序号", "机构名称", "开展培训职业(工种)领域", "认定批次"]]
    previous = None
    for r in truth["training_institutions"]:
        first = r["seq"] != previous
        previous = r["seq"]
        institutions.append([str(r["seq"]) if first else "", r["name"] if first else "", r["field"], r["batch"]])
    pdf = REPO / "data" / "raw" / "henan-2025-digital-talent.pdf"
    return [("henan 附件2 (3 pages, cut merged cells)", pdf, [9, 10, 11], institutions),
            ("henan 附件3 (sideways, no /Rotate)", pdf, [12], subsidy)]


def camelot_expected():
    data = json.loads((CAMELOT_FILES / "expected.json").read_text(encoding="utf-8"))
    grid = data["data_lattice_table_rotated"]
    return [(f"camelot {name}", CAMELOT_FILES / f"{name}.pdf", [1], grid)
            for name in ("clockwise_table_1", "anticlockwise_table_1")]


def generated_expected(folder: Path):
    subsidy = subsidy_spec([("数控车工", "6-18-01-01", [40, 1200, 56, 1650]),
                            ("焊工", "6-18-02-04", [120, 980, 150, 2105]),
                            ("电工", "6-31-01-03", [8, 975, 96, 1250])], ["一级", "二级"], title="补贴标准表")
    groups = grouped_spec([("甲职业技术学院", [("焊接", "第一批"), ("电工", "第二批"), ("车工", "第一批")]),
                           ("乙技师学院", [("钳工", "第三批")]),
                           ("丙市职业技能公共实训中心", [("电工", "第一批"), ("焊接", "第二批"), ("数控", "第二批")])],
                          title="机构目录")
    cases = []
    for orientation, rotation in [(0, 0), (90, 0), (270, 0), (180, 0), (90, 90), (0, 270)]:
        path = folder / f"subsidy_{orientation}_{rotation}.pdf"
        write_table_pdf(path, subsidy, orientation=orientation, rotation=rotation)
        grid = [[c or "" for c in row] for row in subsidy.grid()]
        cases.append((f"generated subsidy {orientation}° /Rotate {rotation}", path, [1], grid))
    path = folder / "groups_split.pdf"
    pages = write_table_pdf(path, groups, rows_per_page=3)
    cases.append(("generated groups over 3 pages", path, list(range(1, pages + 1)),
                  [[c or "" for c in row] for row in groups.grid()]))
    return cases


def ours(path: Path, pages: list[int]) -> list[list[list[str]]]:
    tables = run_pipeline(path).tables.tables   # the pipeline's own stages: load, text (OCR), tables
    return [[[c or "" for c in row] for row in t.header + t.body] for t in tables if set(t.pages) & set(pages)]


def with_camelot(path: Path, pages: list[int]) -> list[list[list[str]]]:
    tables = camelot.read_pdf(str(path), pages=",".join(map(str, pages)), flavor="lattice")
    return [[list(map(str, row)) for row in t.df.values.tolist()] for t in tables]


def with_pdfplumber(path: Path, pages: list[int]) -> list[list[list[str]]]:
    out = []
    with pdfplumber.open(path) as pdf:
        for number in pages:
            out.extend([[c or "" for c in row] for row in t] for t in pdf.pages[number - 1].extract_tables())
    return out


def score(expected: list[list[str]], tables: list[list[list[str]]]) -> tuple[int, int]:
    """Cells right: the tables stacked in order, compared slot by slot."""
    stacked = [row for t in tables for row in t]
    total = sum(len(row) for row in expected)
    right = 0
    for r, row in enumerate(expected):
        for c, want in enumerate(row):
            got = stacked[r][c] if r < len(stacked) and c < len(stacked[r]) else None
            right += got is not None and norm(got) == norm(want)
    return right, total


def main() -> int:
    methods = [("this pipeline", ours), ("camelot lattice", with_camelot), ("pdfplumber extract_tables", with_pdfplumber)]
    with tempfile.TemporaryDirectory() as tmp:
        cases = henan_expected() + camelot_expected() + generated_expected(Path(tmp))
        totals = {name: [0, 0, 0.0] for name, _ in methods}
        print(f"{'case':46} " + " ".join(f"{name:>28}" for name, _ in methods))
        for label, path, pages, expected in cases:
            cells = []
            for name, method in methods:
                start = time.perf_counter()
                try:
                    tables = method(path, pages)
                except Exception as exc:  # a method that fails scores zero for the case
                    print(f"  {name} failed on {label}: {type(exc).__name__}: {exc}", file=sys.stderr)
                    tables = []
                elapsed = time.perf_counter() - start
                right, total = score(expected, tables)
                totals[name][0] += right
                totals[name][1] += total
                totals[name][2] += elapsed
                cells.append(f"{right:4}/{total:<4} {100 * right / total:5.1f}% {elapsed:6.2f}s")
            print(f"{label:46} " + " ".join(f"{c:>28}" for c in cells))
        print()
        base = totals["this pipeline"]
        for name, (right, total, seconds) in totals.items():
            ratio = seconds / base[2] if base[2] else float("nan")
            print(f"{name:28} cells right {right}/{total} = {100 * right / total:5.1f}%   "
                  f"time {seconds:6.2f}s ({ratio:4.1f}x this pipeline's)")
    print()
    icdar.report(icdar.measure())
    icdar.report_timing(icdar.timing_rounds())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
