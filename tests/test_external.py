"""PDFs nobody here wrote: camelot's rotated tables against camelot's expected output, and
Chinese government disclosures for robustness (every page read, tables found, no crash)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from extract.load import load_source
from extract.pipeline import extract_notice, notice_to_checked_json
from extract.tables import find_tables

EXTERNAL = Path(__file__).parent / "external"


def squash(text) -> str:
    return re.sub(r"\s+", "", text or "")


@pytest.mark.parametrize("name,orientation", [("clockwise_table_1", 90), ("anticlockwise_table_1", 270)])
def test_camelot_rotated_tables_cell_for_cell(name, orientation):
    expected = json.loads((EXTERNAL / "camelot" / "expected.json").read_text(encoding="utf-8"))
    tables = find_tables(load_source(EXTERNAL / "camelot" / f"{name}.pdf")).tables
    assert len(tables) == 1
    table = tables[0]
    assert table.orientation == orientation
    got = [[squash(c) for c in row] for row in table.header + table.body]
    want = [[squash(c) for c in row] for row in expected["data_lattice_table_rotated"]]
    assert got == want


@pytest.mark.parametrize("path", sorted((EXTERNAL / "cn-gov").glob("*.pdf")), ids=lambda p: p.stem)
def test_government_disclosures_extract_and_validate(path):
    notice = extract_notice(path)
    notice_to_checked_json(notice)  # schema-valid
    assert notice.document.title
    assert len(notice.tables) >= 7
    for table in notice.tables:
        assert table.n_cols >= 2 and table.body
        assert all(len(row) == table.n_cols for row in table.header + table.body)
        # figures are data: no header path ends in an amount
        assert not any(re.search(r"/ [\d,.]+$", path) for path in table.column_paths), table.column_paths
    # tables that end on the following page are one table each, empty trailing columns and all
    assert sum(len(t.pages) > 1 for t in notice.tables) >= 4


def test_final_accounts_income_table_over_two_pages():
    notice = extract_notice(EXTERNAL / "cn-gov" / "上海市普陀区财政局2024年度部门决算.pdf")
    table = next(t for t in notice.tables if t.pages == [8, 9])
    assert table.n_cols == 11 and table.header_rows == 3
    assert table.column_paths[:4] == ["项目 / 支出功能分类 / 科目编码", "项目 / 支出功能分类 / 科目编码",
                                      "项目 / 支出功能分类 / 科目编码", "项目 / 科目名称"]
    assert table.body[0][:5] == ["类", "款", "项", "合计", "2,946.25"]
    assert table.body[-1] == ["221", "02", "03", "购房补贴", "258.50", "258.50", "", "", "", "", ""]
