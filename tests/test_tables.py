"""Tables stage on tables the tests draw themselves: every orientation, with and without
/Rotate, split over pages with the header repeated and merged cells cut by the break; and
the same tables as text dumps, spaced and vertically garbled."""

from __future__ import annotations

import pytest
from table_gen import (
    SpecCell,
    TableSpec,
    garbled_lines,
    grouped_spec,
    spaced_lines,
    subsidy_spec,
    write_dump,
    write_table_pdf,
    write_tables_pdf,
)

from extract.dump_tables import DEFAULT_SETTINGS as DUMP_SETTINGS
from extract.dump_tables import segment_numbers, split_at_terminals
from extract.load import load_source
from extract.model import Box
from extract.records import build_records
from extract.tables import DEFAULT_SETTINGS as TABLE_SETTINGS
from extract.tables import GridCell, find_tables, grid_to_cells, header_row_count

SUBSIDY = subsidy_spec(
    [("数控车工", "6-18-01-01", [40, 1200, 56, 1650]),
     ("焊工", "6-18-02-04", [120, 980, 150, 2105]),
     ("电工", "6-31-01-03", [8, 975, 96, 1250]),
     ("钳工", "6-20-01-02", [72, 1436, 300, 1799])],
    ["一级", "二级"], title="某省紧缺工种培训补贴标准表")

INSTITUTIONS = grouped_spec(
    [("甲职业技术学院", [("焊接", "第一批"), ("电工", "第二批"), ("车工", "第一批")]),
     ("乙技师学院", [("钳工", "第三批")]),
     ("丙市职业技能公共实训中心", [("电工", "第一批"), ("焊接", "第二批"), ("数控", "第二批"), ("维修", "第一批")])],
    title="培训机构目录")


def only_table(path):
    found = find_tables(load_source(path))
    assert len(found.tables) == 1, found.tables
    return found.tables[0]


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.parametrize("orientation", [0, 90, 180, 270])
def test_table_in_every_orientation_and_rotate_key(tmp_path, orientation, rotation):
    path = tmp_path / "t.pdf"
    write_table_pdf(path, SUBSIDY, orientation=orientation, rotation=rotation)
    table = only_table(path)
    assert table.header + table.body == SUBSIDY.grid()
    assert table.orientation == orientation
    assert table.page_rotation == [rotation]
    assert table.title == SUBSIDY.title
    assert table.header_rows == 2
    assert table.column_paths == ["工种名称", "职业编码", "一级 / 学时要求", "一级 / 补贴标准",
                                  "二级 / 学时要求", "二级 / 补贴标准"]
    spans = {(c.row, c.col): (c.rowspan, c.colspan) for c in table.cells}
    assert spans[(0, 0)] == (2, 1) and spans[(0, 2)] == (1, 2)
    # boxes are in the upright reading frame: header above body, columns left to right
    box = {(c.row, c.col): c.provenance[0].box for c in table.cells}
    assert box[(0, 0)].top < box[(2, 0)].top and box[(2, 0)].x1 <= box[(2, 1)].x0 + 0.5


@pytest.mark.parametrize("orientation,rotation", [(0, 0), (90, 0), (270, 90), (0, 90)])
@pytest.mark.parametrize("rows_per_page", [2, 3])
def test_table_split_over_pages_with_cut_merged_cells(tmp_path, orientation, rotation, rows_per_page):
    path = tmp_path / "t.pdf"
    pages = write_table_pdf(path, INSTITUTIONS, orientation=orientation, rotation=rotation,
                            rows_per_page=rows_per_page)
    table = only_table(path)
    assert table.pages == list(range(1, pages + 1))
    assert table.header + table.body == INSTITUTIONS.grid()
    cut = [c for c in table.cells if len({p.page for p in c.provenance}) > 1]
    assert cut, "a merged cell crosses a page break and keeps one value"


def test_tables_on_consecutive_pages_with_other_columns_stay_apart(tmp_path):
    path = tmp_path / "t.pdf"
    write_tables_pdf(path, [INSTITUTIONS, SUBSIDY])
    tables = find_tables(load_source(path)).tables
    assert [t.pages for t in tables] == [[1], [2]]
    assert [t.header + t.body for t in tables] == [INSTITUTIONS.grid(), SUBSIDY.grid()]


@pytest.mark.parametrize("orientation", [0, 90])
def test_rulings_missing_from_the_vector_layer_are_found_on_the_image(tmp_path, orientation):
    path = tmp_path / "t.pdf"
    write_table_pdf(path, SUBSIDY, orientation=orientation, lines_as_image=True)
    page = load_source(path).pages[0]
    assert page.rulings == () and len(page.images) == 1
    table = only_table(path)
    assert table.rulings == "raster"
    assert table.header + table.body == SUBSIDY.grid()
    assert table.orientation == orientation


def test_records_from_generated_tables(tmp_path):
    path = tmp_path / "t.pdf"
    write_table_pdf(path, SUBSIDY, orientation=90)
    found = build_records([only_table(path)], None)
    records, errors = found.records(), found.errors
    assert errors == []
    got = [(s.occupation, s.occupation_code, s.level, s.training_hours, s.subsidy_yuan)
           for s in records.subsidy_standards]
    assert got[:3] == [("数控车工", "6-18-01-01", "一级", 40, 1200), ("数控车工", "6-18-01-01", "二级", 56, 1650),
                       ("焊工", "6-18-02-04", "一级", 120, 980)]
    assert len(got) == 8


def test_institution_records_keep_merged_values(tmp_path):
    path = tmp_path / "t.pdf"
    write_table_pdf(path, INSTITUTIONS, rows_per_page=2)
    records = build_records([only_table(path)], None).records()
    got = [(r.seq, r.name, r.field, r.batch) for r in records.training_institutions]
    assert got == [(int(row[0]), row[1], row[2], row[3]) for row in INSTITUTIONS.resolved()[1:]]


def test_unreadable_number_is_reported_not_guessed(tmp_path):
    spec = subsidy_spec([("焊工", "6-18-02-04", [120, 980])], ["一级"])
    spec.cells[-1].text = "98O"  # letter O, not a zero
    path = tmp_path / "t.pdf"
    write_table_pdf(path, spec)
    found = build_records([only_table(path)], None)
    records, errors = found.records(), found.errors
    assert records.subsidy_standards[0].subsidy_yuan is None
    assert [e.code for e in errors] == ["record_field_unreadable"]


# ---------------------------------------------------------------- grid functions


def test_missing_ruling_merges_cells():
    xs, ys = [0.0, 10.0, 20.0], [0.0, 10.0, 20.0]
    horizontals = [(0.0, 0.0, 20.0), (20.0, 0.0, 20.0), (10.0, 10.0, 20.0)]  # no line under the left top cell
    verticals = [(0.0, 0.0, 20.0), (10.0, 0.0, 20.0), (20.0, 0.0, 20.0)]
    cells = grid_to_cells(xs, ys, horizontals, verticals, TABLE_SETTINGS)
    assert [(c.row, c.col, c.rowspan, c.colspan) for c in cells] == [(0, 0, 2, 1), (0, 1, 1, 1), (1, 1, 1, 1)]


def _cell(row, col, text, rowspan=1, colspan=1):
    return GridCell(row=row, col=col, rowspan=rowspan, colspan=colspan, box=Box(x0=0, top=0, x1=1, bottom=1), text=text)


def test_header_rows_follow_spans():
    flat = [_cell(0, 0, "a"), _cell(0, 1, "b"), _cell(1, 0, "1"), _cell(1, 1, "2")]
    assert header_row_count(flat, 2) == 1
    two_level = [_cell(0, 0, "名称", rowspan=2), _cell(0, 1, "甲", colspan=2), _cell(1, 1, "x"), _cell(1, 2, "y"),
                 _cell(2, 0, "r"), _cell(2, 1, "1"), _cell(2, 2, "2")]
    assert header_row_count(two_level, 3) == 2


# ---------------------------------------------------------------- text dumps


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_garbled_dump_table_equals_pdf_table(tmp_path, encoding):
    dump = tmp_path / "t.txt"
    write_dump(dump, garbled_lines(SUBSIDY, marker="附件2"), before=["某省通知", "正文。"], encoding=encoding)
    from_dump = only_table(dump)
    pdf = tmp_path / "t.pdf"
    write_table_pdf(pdf, SUBSIDY, orientation=90)
    from_pdf = only_table(pdf)
    assert from_dump.header + from_dump.body == SUBSIDY.grid()
    assert from_dump.title == SUBSIDY.title
    assert from_dump.column_paths == from_pdf.column_paths
    dump_records = build_records([from_dump], None).records()
    pdf_records = build_records([from_pdf], None).records()
    strip = lambda rs: [s.model_dump(exclude={"source"}) for s in rs.subsidy_standards]  # noqa: E731
    assert strip(dump_records) == strip(pdf_records)


def test_ambiguous_garbled_numbers_are_left_unread():
    # one row, pieces 12 34 56 under (hours, amount): 12|3456 and 1234|56 are equally consistent
    values, _ = segment_numbers([["12", "34", "56"]], [0, 1], DUMP_SETTINGS)
    assert values == [None]


def test_garbled_rows_resolve_by_column_kinds():
    rows = [["64", "20", "40"], ["12", "8", "22", "52"], ["90", "18", "80"]]
    values, _ = segment_numbers(rows, [0, 1], DUMP_SETTINGS)
    assert values == [["64", "2040"], ["128", "2252"], ["90", "1880"]]


def test_split_at_terminals():
    assert split_at_terminals("某某统计表职业名称职业代码", 2) == ["某某统计表", "职业名称", "职业代码"]
    assert split_at_terminals("职业名称职业代码", 2) == ["", "职业名称", "职业代码"]
    assert split_at_terminals("学时要求补贴金额", 2) == ["", "学时要求", "补贴金额"]
    assert split_at_terminals("没有结尾词", 1) is None


@pytest.mark.parametrize("rows_per_page", [None, 3])
def test_spaced_dump_table_with_merged_groups(tmp_path, rows_per_page):
    dump = tmp_path / "t.txt"
    write_dump(dump, spaced_lines(INSTITUTIONS, rows_per_page), before=["附件2", "培训机构目录"])
    table = only_table(dump)
    assert table.header + table.body == INSTITUTIONS.grid()
    assert table.title == "培训机构目录"


def test_spaced_dump_wrapped_group_name(tmp_path):
    spec = TableSpec(col_widths=[40, 100, 80, 60], n_rows=3, header_rows=1, cells=[
        SpecCell(0, 0, "序号"), SpecCell(0, 1, "机构名称"), SpecCell(0, 2, "培训领域"), SpecCell(0, 3, "认定批次"),
        SpecCell(1, 0, "1", rowspan=2), SpecCell(1, 1, "某某省工业和信息化人才中心", rowspan=2),
        SpecCell(1, 2, "电工"), SpecCell(1, 3, "第一批"), SpecCell(2, 2, "焊接"), SpecCell(2, 3, "第二批")])
    lines = ["序号 机构名称 培训领域 认定批次", "1", "某某省工业和信息化", "人才中心", "电工 第一批", "焊接 第二批"]
    dump = tmp_path / "t.txt"
    write_dump(dump, lines)
    table = only_table(dump)
    assert table.header + table.body == spec.grid()
