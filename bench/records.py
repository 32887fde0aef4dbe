"""Records found against records expected, over the corpus and the generated notices, so that
the next engineer sees the figure move.

Documents: the four corpus inputs (their truth files say what records they hold), the
generated notices of tests/record_notices.py as PDFs and as text dumps (a long-format table
cut by page breaks; a wide table with `补贴标准（元/人）` leaves printed sideways), a generated
notice whose subsidy table lacks its level column (no records expected, one table to report),
and, unless --no-scans, scans of the generated PDFs (OCR).

Per document: records found / expected per kind, how many equal the expected ones exactly,
and the tables reported as matching a kind only in part (`table_unmapped`, `table_ambiguous`).
Last line: the totals. Prints; asserts nothing.

Usage: python bench/records.py [--no-scans]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from notice_gen import PlacedTable, write_notice_pdf  # noqa: E402
from record_notices import B_RECORDS, LONG_EXPECTED, notice_b, write_notice  # noqa: E402
from scan_gen import ScanSettings, write_scan  # noqa: E402
from table_gen import SpecCell, TableSpec  # noqa: E402

from extract.pipeline import extract_notice  # noqa: E402

KEYS = {"subsidy_standards": ("occupation", "occupation_code", "level", "training_hours", "subsidy_yuan"),
        "training_institutions": ("seq", "name", "field", "batch")}
UNMAPPED_CODES = {"table_unmapped", "table_ambiguous"}


def rows(records: list, kind: str) -> list[tuple]:
    return [tuple(r[k] if isinstance(r, dict) else getattr(r, k) for k in KEYS[kind]) for r in records]


def corpus() -> list[tuple[str, Path, dict[str, list[tuple]]]]:
    out = []
    for name, truth in (("henan-2025-digital-talent.pdf", "henan-2025-digital-talent"),
                        ("004_a1dd560e2f797ccc.txt", "henan-2025-digital-talent"),
                        ("yunnan-2023-digital-engineer.pdf", "yunnan-2023-digital-engineer"),
                        ("000_4205ec53f062ffe8.txt", "yunnan-2023-digital-engineer")):
        want = json.loads((REPO / "tests" / "truth" / f"{truth}.json").read_text(encoding="utf-8"))
        out.append((name, REPO / "data" / "raw" / name,
                    {kind: rows(want.get(kind, []), kind) for kind in KEYS}))
    return out


def generated(folder: Path, scans: bool) -> list[tuple[str, Path, dict[str, list[tuple]]]]:
    out = []
    for kind, expected in (("A", LONG_EXPECTED), ("B", B_RECORDS)):
        for form in ("pdf", "txt"):
            path = folder / f"generated-{kind}.{form}"
            write_notice(kind, form, path)
            out.append((path.name, path, {"subsidy_standards": expected, "training_institutions": []}))
        if scans:
            scan = folder / f"generated-{kind}-scan.pdf"
            write_scan(folder / f"generated-{kind}.pdf", scan, ScanSettings(seed=ord(kind)))
            out.append((scan.name, scan, {"subsidy_standards": expected, "training_institutions": []}))
    levelless = TableSpec(col_widths=[40.0, 120.0, 120.0], n_rows=3, header_rows=1, title="补贴标准",
                          cells=[SpecCell(0, 0, "序号"), SpecCell(0, 1, "职业（工种）"), SpecCell(0, 2, "补贴标准（元/人）"),
                                 SpecCell(1, 0, "1"), SpecCell(1, 1, "焊工"), SpecCell(1, 2, "1200"),
                                 SpecCell(2, 0, "2"), SpecCell(2, 1, "电工"), SpecCell(2, 2, "1300")])
    path = folder / "generated-no-level.pdf"
    write_notice_pdf(path, replace(notice_b(), attachments_line=["附件：补贴标准"]),
                     tables=[PlacedTable(levelless, "附件")])
    out.append((path.name, path, {"subsidy_standards": [], "training_institutions": []}))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-scans", action="store_true", help="leave out the scanned notices (OCR is slow)")
    args = parser.parse_args()
    totals = {"found": 0, "expected": 0, "exact": 0, "unmapped": 0, "documents": 0}
    with tempfile.TemporaryDirectory() as tmp:
        documents = corpus() + generated(Path(tmp), not args.no_scans)
        print(f"{'document':38} {'kind':22} {'found':>5} {'expected':>8} {'exact':>5}   unmapped tables   seconds")
        for name, path, expected in documents:
            start = time.perf_counter()
            notice = extract_notice(path)
            seconds = time.perf_counter() - start
            unmapped = [e for e in notice.errors if e.code in UNMAPPED_CODES]
            totals["unmapped"] += len(unmapped)
            totals["documents"] += 1
            for kind in KEYS:
                got = rows(getattr(notice.records, kind), kind)
                want = expected[kind]
                exact = sum(1 for g, w in zip(got, want) if g == w) if len(got) == len(want) else \
                    sum(1 for g in got if g in want)
                totals["found"] += len(got)
                totals["expected"] += len(want)
                totals["exact"] += exact
                if got or want:
                    print(f"{name[:38]:38} {kind:22} {len(got):5d} {len(want):8d} {exact:5d}   "
                          f"{len(unmapped):15d}   {seconds:7.1f}")
            if not any(expected.values()) and not any(getattr(notice.records, k) for k in KEYS):
                print(f"{name[:38]:38} {'(none)':22} {0:5d} {0:8d} {0:5d}   {len(unmapped):15d}   {seconds:7.1f}")
    print(f"records: found {totals['found']} / expected {totals['expected']} (exact {totals['exact']}); "
          f"tables reported unmapped: {totals['unmapped']}; documents: {totals['documents']}")


if __name__ == "__main__":
    main()
