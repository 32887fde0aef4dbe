"""Tables stage on tables the tests draw themselves: every orientation, with and without
/Rotate, split over pages with the header repeated and merged cells cut by the break; and
the same tables as text dumps, spaced and vertically garbled."""

from __future__ import annotations

from dataclasses import replace

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

from extract.model import Box
from extract.pipeline import extract_notice, load_source, route_for
from extract.settings import DumpTableSettings, PipelineSettings, TableSettings
from extract.stages.dump_tables import segment_numbers, split_at_terminals
from extract.stages.records import build_records
from extract.stages.tables import GridCell, grid_to_cells, header_row_count

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


def tables_of(path):
    """The tables stage of the input's route (PDF or dump) on the loaded input, no OCR."""
    route = route_for(path)
    return route.find_tables(route.load(path, str(path)), PipelineSettings())


def only_table(path):
    found = tables_of(path)
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
    tables = tables_of(path).tables
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
    cells = grid_to_cells(xs, ys, horizontals, verticals, TableSettings())
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
    values, _ = segment_numbers([["12", "34", "56"]], [0, 1], DumpTableSettings())
    assert values == [None]


def test_garbled_rows_resolve_by_column_kinds():
    rows = [["64", "20", "40"], ["12", "8", "22", "52"], ["90", "18", "80"]]
    values, _ = segment_numbers(rows, [0, 1], DumpTableSettings())
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


# ---------------------------------------------------------------- what real documents bring


def budget_spec(title: str | None, rows: list[tuple[str, str, str]], total: str | None = None,
                caption_lines=(), repeat_header: bool = True) -> TableSpec:
    """科目编码 | 科目名称 | 预算数: a budget table, with a 合计 row whose first cell spans the code
    and name columns."""
    cells = [SpecCell(0, 0, "科目编码"), SpecCell(0, 1, "科目名称"), SpecCell(0, 2, "预算数")]
    for r, (code, name, amount) in enumerate(rows, start=1):
        cells += [SpecCell(r, 0, code), SpecCell(r, 1, name), SpecCell(r, 2, amount)]
    n_rows = 1 + len(rows)
    if total is not None:
        cells += [SpecCell(n_rows, 0, "合计", colspan=2), SpecCell(n_rows, 2, total)]
        n_rows += 1
    return TableSpec(col_widths=[90.0, 200.0, 110.0], n_rows=n_rows, header_rows=1, cells=cells, title=title,
                     caption_lines=list(caption_lines), repeat_header=repeat_header, row_height=22.0)


BUDGET_ROWS = [("201", "一般公共服务支出", "1,203,000"), ("20101", "人大事务", "300,000"),
               ("208", "社会保障和就业支出", "2,410,500"), ("20805", "行政事业单位养老支出", "910,500"),
               ("212", "城乡社区支出", "5,600,000")]


@pytest.mark.parametrize("orientation", [0, 90])
@pytest.mark.parametrize("second,joined", [
    ("title", False),            # a new table with its own title on the next page
    ("none", True),              # nothing says it is new: it goes on
    ("continued", True),         # 续表 says it goes on
    ("same title", True),        # the title repeated on each page
])
def test_same_column_tables_on_consecutive_pages(tmp_path, orientation, second, joined):
    first = budget_spec("2026年一般公共预算支出表", BUDGET_ROWS[:3])
    other = budget_spec({"title": "2026年政府性基金预算支出表", "same title": "2026年一般公共预算支出表"}.get(second),
                        BUDGET_ROWS[3:], caption_lines=[("续表", "")] if second == "continued" else [])
    path = tmp_path / "t.pdf"
    write_tables_pdf(path, [first, other], orientation=orientation)
    tables = tables_of(path).tables
    if joined:
        assert len(tables) == 1 and tables[0].pages == [1, 2]
        assert tables[0].body == [list(r) for r in BUDGET_ROWS], "the repeated header is dropped"
        assert tables[0].title == "2026年一般公共预算支出表"
    else:
        assert [(t.title, t.pages) for t in tables] == [("2026年一般公共预算支出表", [1]),
                                                         ("2026年政府性基金预算支出表", [2])]
        assert tables[1].header == [["科目编码", "科目名称", "预算数"]], "its header stays a header"


def test_text_between_pages_starts_a_new_table(tmp_path):
    first = budget_spec("2026年一般公共预算支出表", BUDGET_ROWS[:3])
    other = budget_spec(None, BUDGET_ROWS[3:])
    path = tmp_path / "t.pdf"
    write_tables_pdf(path, [first, other])
    assert len(tables_of(path).tables) == 1  # without text between, it continues
    # a paragraph above the second table: a reader sees a new table
    path2 = tmp_path / "t2.pdf"
    write_tables_pdf(path2, [first, replace(other, caption_lines=[("以下为基金预算支出情况，请对照。", "")])])
    assert len(tables_of(path2).tables) == 2


@pytest.mark.parametrize("orientation", [0, 90, 270])
def test_a_total_row_alone_on_the_next_page_stays_with_its_table(tmp_path, orientation):
    spec = budget_spec("2026年部门支出预算总表", BUDGET_ROWS, total="10,124,000", repeat_header=False)
    path = tmp_path / "t.pdf"
    write_table_pdf(path, spec, orientation=orientation, rows_per_page=len(BUDGET_ROWS))
    tables = tables_of(path).tables
    assert len(tables) == 1
    table = tables[0]
    assert table.pages == [1, 2]
    assert table.body[-1] == ["合计", None, "10,124,000"]
    total = next(c for c in table.cells if c.text == "合计")
    assert (total.row, total.colspan) == (table.n_rows - 1, 2)


@pytest.mark.parametrize("orientation", [0, 90])
@pytest.mark.parametrize("title,lines,want", [
    ("收入决算表", [("编制部门：某市某区财政局", "单位：万元")], ("收入决算表", "万元", "某市某区财政局")),
    (None, [("收入决算表单位：万元", "")], ("收入决算表", "万元", None)),
    ("表1各地培训任务分配表", [("", "金额单位：元")], ("表1各地培训任务分配表", "元", None)),
    ("九、政府性基金预算财政拨款收入支出决算表", [("编制单位：某某街道办事处", "单位：元")],
     ("九、政府性基金预算财政拨款收入支出决算表", "元", "某某街道办事处")),
])
def test_title_unit_and_preparer(tmp_path, orientation, title, lines, want):
    spec = budget_spec(title, BUDGET_ROWS[:2], caption_lines=lines)
    path = tmp_path / "t.pdf"
    write_table_pdf(path, spec, orientation=orientation)
    table = only_table(path)
    assert (table.title, table.unit, table.preparer) == want


def test_a_paragraph_above_a_table_is_not_its_title(tmp_path):
    spec = budget_spec(None, BUDGET_ROWS[:2], caption_lines=[("按照有关规定，现将本年度预算情况说明如下。", "")])
    path = tmp_path / "t.pdf"
    write_table_pdf(path, spec)
    assert only_table(path).title is None


def test_cell_shading_is_no_ruling_and_shaded_rows_stay_in_the_table(tmp_path):
    """White and light fills behind cells (one spanning half of a cell: no boundary there), and
    a shaded row across the table under its title: the grid is the stroked one, the row inside."""
    cells = [SpecCell(0, 0, "信息内容"), SpecCell(0, 1, "本年新制发件数"), SpecCell(0, 2, "本年废止件数"),
             SpecCell(1, 0, "第二十条第（五）项", colspan=3),
             SpecCell(2, 0, "行政许可"), SpecCell(2, 1, "550"), SpecCell(2, 2, "3"),
             SpecCell(3, 0, "行政处罚"), SpecCell(3, 1, "4119"), SpecCell(3, 2, "12")]
    spec = TableSpec(col_widths=[150.0, 120.0, 120.0], n_rows=4, header_rows=1, cells=cells,
                     title="二、主动公开政府信息情况", row_height=24.0,
                     backgrounds=[(1, 0, 1, 2, (0.78, 0.85, 0.95)),        # the shaded group row
                                  (2, 0, 3, 0, (1.0, 1.0, 1.0)),           # white behind the first column
                                  (2, 1, 3, 1, (0.97, 0.97, 0.9))])        # light fill behind a column
    # a light fill that ends in the middle of a cell: drawn separately, it must not split the cell
    path = tmp_path / "t.pdf"
    write_table_pdf(path, spec)
    table = only_table(path)
    assert table.title == "二、主动公开政府信息情况"
    assert table.header + table.body == spec.grid()


def test_a_thin_spacer_row_does_not_end_the_header(tmp_path):
    cells = [SpecCell(0, 0, "合计", colspan=2), SpecCell(0, 2, "公务接待费", colspan=2),
             SpecCell(1, 0, ""), SpecCell(1, 1, ""), SpecCell(1, 2, ""), SpecCell(1, 3, ""),
             SpecCell(2, 0, "预算数"), SpecCell(2, 1, "决算数"), SpecCell(2, 2, "预算数"), SpecCell(2, 3, "决算数"),
             SpecCell(3, 0, "0.95"), SpecCell(3, 1, "0.80"), SpecCell(3, 2, "0.50"), SpecCell(3, 3, "0.42")]
    spec = TableSpec(col_widths=[80.0] * 4, n_rows=4, header_rows=3, cells=cells, title="“三公”经费支出决算表",
                     row_heights={1: 6.0})
    path = tmp_path / "t.pdf"
    write_table_pdf(path, spec)
    table = only_table(path)
    assert table.header_rows == 3
    assert table.column_headers == [["合计", "预算数"], ["合计", "决算数"], ["公务接待费", "预算数"], ["公务接待费", "决算数"]]
    assert table.body == [["0.95", "0.80", "0.50", "0.42"]]


def test_curves_and_charts_on_a_page(tmp_path):
    """A vector chart beside a table: bars (filled), grid lines and axes with tick labels, a
    line chart drawn with Bézier curves and with a diagonal polyline, a pie wedge. The PDF
    extracts; the table is the only table."""
    from notice_gen import CJK_FONT
    from reportlab.pdfgen import canvas

    path = tmp_path / "chart.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    spec = budget_spec("2026年一般公共预算支出表", BUDGET_ROWS[:3])
    from table_gen import draw_table_pages

    pdf.setFont(CJK_FONT, 10)
    # the chart, drawn first on the page the table goes on: frame, grid lines, ticks, bars
    x0, y0, w, h = 80, 120, 420, 260
    pdf.rect(x0, y0, w, h, stroke=1, fill=0)
    for k in range(1, 5):
        pdf.line(x0, y0 + k * h / 5, x0 + w, y0 + k * h / 5)
        pdf.drawString(x0 - 30, y0 + k * h / 5 - 3, f"{k * 20}")
    for k in range(1, 6):
        pdf.line(x0 + k * w / 6, y0, x0 + k * w / 6, y0 + h)
        pdf.drawString(x0 + k * w / 6 - 10, y0 - 14, f"{2019 + k}年")
    pdf.setFillColorRGB(0.3, 0.5, 0.8)
    for k, value in enumerate([0.3, 0.55, 0.4, 0.8, 0.65]):
        pdf.rect(x0 + (k + 0.3) * w / 6, y0, w / 15, value * h, stroke=0, fill=1)
    path_obj = pdf.beginPath()
    path_obj.moveTo(x0, y0 + 40)
    path_obj.curveTo(x0 + 100, y0 + 200, x0 + 200, y0 + 20, x0 + w, y0 + 180)
    pdf.drawPath(path_obj, stroke=1, fill=0)
    poly = pdf.beginPath()
    poly.moveTo(x0, y0 + 10)
    for k, value in enumerate([0.2, 0.5, 0.3, 0.7, 0.6, 0.9]):
        poly.lineTo(x0 + k * w / 5, y0 + value * h)
    pdf.drawPath(poly, stroke=1, fill=0)
    pdf.wedge(420, 700, 520, 800, 0, 120, stroke=1, fill=1)
    pdf.setFillColorRGB(0, 0, 0)
    pdf.showPage()
    draw_table_pages(pdf, spec)
    pdf.save()
    notice = extract_notice(path)
    assert [t.title for t in notice.tables] == ["2026年一般公共预算支出表"]
    assert notice.tables[0].pages == [2]


def _page_with(rules: list[tuple[float, float, float, float]], **parts):
    from extract.model import Glyph, Ruling, SourcePage

    glyphs = [Glyph(text=t, font="f", size=10.0, box=Box(x0=100.0 + 12 * k, top=300.0, x1=110.0 + 12 * k, bottom=310.0),
                    direction=0) for k, t in enumerate(parts.pop("text", "补贴标准"))]
    return SourcePage(number=1, width=595.0, height=842.0, glyphs=tuple(glyphs),
                      rulings=tuple(Ruling(box=Box(x0=a, top=b, x1=c, bottom=d)) for a, b, c, d in rules), **parts)


ACROSS = [(50.0, y, 500.0, y + 0.5) for y in (100.0, 130.0, 400.0, 420.0)]   # rules across the page only
DOWN = [(x, 100.0, x + 0.5, 400.0) for x in (50.0, 300.0)]


@pytest.mark.parametrize("case, rendered", [
    ("rules across only (three-line tables)", False),
    ("the same turned: rules down only", False),
    ("too few rulings", False),
    ("rules both ways that do not meet (broken strokes)", True),
    ("a picture", True),
    ("rules across and a shade", True),
    ("rules across and a figure", True),
    ("rules across and box-drawing characters", True),
])
def test_a_page_is_rendered_for_its_rulings_only_when_its_image_may_show_a_grid(case, rendered):
    """The rendered page is looked at for rulings (lines baked into a picture, strokes broken
    apart) only where it may show a grid the vector rulings do not form: rules across the page
    alone form none, however they are drawn, and rendering each such page cost a tenth of the
    tables stage on ICDAR 2013."""
    from extract.stages.tables import _image_may_show_a_grid

    box = Box(x0=60.0, top=140.0, x1=480.0, bottom=380.0)
    page = {
        "rules across only (three-line tables)": lambda: _page_with(ACROSS),
        "the same turned: rules down only": lambda: _page_with([(y, 50.0, y + 0.5, 500.0) for _, y, _, _ in ACROSS]),
        "too few rulings": lambda: _page_with(ACROSS[:2] + DOWN[:1]),
        "rules both ways that do not meet (broken strokes)": lambda: _page_with(ACROSS[:2] + DOWN),
        "a picture": lambda: _page_with([], images=(box,)),
        "rules across and a shade": lambda: _page_with(ACROSS, shades=(box,)),
        "rules across and a figure": lambda: _page_with(ACROSS, drawings=(box,)),
        "rules across and box-drawing characters": lambda: _page_with(ACROSS, text="│电工│800│"),
    }[case]()
    assert _image_may_show_a_grid(page, TableSettings()) is rendered
