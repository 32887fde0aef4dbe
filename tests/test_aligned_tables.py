"""Tables ruled across their rows only (三线表, rules between rows, a frame alone): their columns
are read from the text's alignment, cell for cell, in either orientation; text between rules
that is not in columns is no table."""

from __future__ import annotations

import dataclasses

import pytest
from notice_gen import CJK_FONT
from table_gen import SpecCell, TableSpec, long_subsidy_spec, write_table_pdf

from extract.pipeline import load_source
from extract.stages.tables import find_tables

# occupations over one or two levels: a merged cell printed between the two rows it spans
ROWS = [
    ("焊工", "6-18-02-04", [("五级/初级工", "80", "1,280"), ("四级/中级工", "120", "1680.00")]),
    ("电工", "6-31-01-03", [("五级/初级工", "80", "1200")]),
    ("育婴员", "4-10-01-02", [("五级/初级工", "64", "960"), ("四级/中级工", "96", "1440")]),
    ("中式烹调师", "4-03-02-01", [("四级/中级工", "120", "1500")]),
    ("茶艺师", "4-03-02-07", [("五级/初级工", "72", "1000"), ("三级/高级工", "—", "—")]),
]


@pytest.mark.parametrize("rules", ["three_line", "rows", "frame", "none", "dotted", "dots"])
@pytest.mark.parametrize("orientation", [0, 90, 180, 270])
def test_a_table_ruled_across_its_rows_only_comes_out_cell_for_cell(tmp_path, rules, orientation):
    spec = dataclasses.replace(long_subsidy_spec(ROWS), rules=rules)
    path = tmp_path / "t.pdf"
    write_table_pdf(path, spec, orientation=orientation)
    [table] = find_tables(load_source(path)).tables
    how = {"none": "whitespace", "dotted": "vector", "dots": "vector"}.get(rules, "alignment")
    assert table.rulings == how and table.orientation == orientation
    assert table.header + table.body == spec.grid()
    spans = {(c.row, c.col): c.rowspan for c in table.cells if c.rowspan > 1}
    assert spans == {(c.row, c.col): c.rowspan for c in spec.cells if c.rowspan > 1}


def _page(path, draw) -> None:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    pdf.setFont(CJK_FONT, 12)
    draw(pdf)
    pdf.showPage()
    pdf.save()


def test_text_between_rules_that_is_not_in_columns_is_no_table(tmp_path):
    """The 版记 between its rules (抄送 across the width, then the issuer and the date at either
    end), and a paragraph between two rules, are no tables."""
    def draw(pdf):
        pdf.line(60, 700, 535, 700)
        pdf.drawString(64, 682, "抄送：省委办公厅，省人大常委会办公厅，省政协办公厅，省法院，省检察院。")
        pdf.line(60, 670, 535, 670)
        pdf.drawString(64, 652, "某省人力资源和社会保障厅办公室")
        pdf.drawString(420, 652, "2025年3月1日印发")
        pdf.line(60, 640, 535, 640)
        pdf.line(60, 500, 535, 500)
        for k in range(4):
            pdf.drawString(64, 480 - 18 * k, "各地要结合实际制定实施细则，确保各项政策落实到位，按时报送工作进展情况。"[: 36])
        pdf.line(60, 400, 535, 400)

    path = tmp_path / "rules.pdf"
    _page(path, draw)
    assert find_tables(load_source(path)).tables == ()


@pytest.mark.parametrize("note", ["注：表中数据为各地上报的培训补贴标准，以财政部门最终核定为准。",
                                  "资料来源：各市人力资源和社会保障局，2025年3月汇总整理。"])
def test_a_note_above_the_closing_rule_is_no_row_and_does_not_hide_the_columns(tmp_path, note):
    """A note printed under the body but above the table's closing rule runs across the
    columns: the columns are read without it, and it is left to the text."""
    rows = [("焊工", "80", "1280"), ("电工", "120", "1680"), ("育婴员", "64", "960")]

    def draw(pdf):
        pdf.line(60, 700, 535, 700)
        for x, head in ((64, "职业"), (260, "课时"), (420, "标准（元/人）")):
            pdf.drawString(x, 684, head)
        pdf.line(60, 676, 535, 676)
        for k, (trade, hours, amount) in enumerate(rows):
            y = 660 - 20 * k
            pdf.drawString(64, y, trade)
            pdf.drawString(260, y, hours)
            pdf.drawString(420, y, amount)
        pdf.drawString(64, 590, note)
        pdf.line(60, 580, 535, 580)

    path = tmp_path / "note.pdf"
    _page(path, draw)
    [table] = find_tables(load_source(path)).tables
    assert table.rulings == "alignment"
    assert table.header + table.body == [["职业", "课时", "标准（元/人）"], *[list(r) for r in rows]]


def test_dots_in_a_row_are_one_rule_and_a_lone_dot_stays():
    from extract.stages.load import dots_joined

    across = [(x, 100.0, x + 1, 101.0) for x in range(50, 200, 3)]   # tiny squares along a row
    down = [(300.0, y, 300.4, y + 1.0) for y in range(40, 90, 2)]   # short dashes down a column
    corner = [(400.0, 400.0, 401.0, 401.0)]    # the piece a spreadsheet draws where two rules meet
    line = [(10.0, 10.0, 500.0, 10.5)]
    assert sorted(dots_joined(across + down + corner + line)) == sorted(
        [(50, 100.0, 198, 101.0), (300.0, 40, 300.4, 89.0), (10.0, 10.0, 500.0, 10.5), (400.0, 400.0, 401.0, 401.0)])


@pytest.mark.parametrize("rules", ["three_line", "rows", "none", "columns"])
def test_a_table_without_a_full_grid_over_two_pages_is_one_table(tmp_path, rules):
    rows = [(name, code, [levels[0]]) for name, code, levels in ROWS] + \
        [("保育师", "4-10-01-03", [("五级/初级工", "64", "900")]), ("家政服务员", "4-10-01-06", [("五级/初级工", "56", "800")])]
    spec = dataclasses.replace(long_subsidy_spec(rows), rules=rules)
    path = tmp_path / "t.pdf"
    assert write_table_pdf(path, spec, rows_per_page=4) == 2
    [table] = find_tables(load_source(path)).tables
    assert table.pages == [1, 2]
    assert table.header + table.body == spec.grid()


@pytest.mark.parametrize("rules", ["three_line", "frame"])
@pytest.mark.parametrize("orientation, rotation", [(0, 90), (90, 270), (180, 180)])
def test_a_table_ruled_across_its_rows_on_a_page_with_rotate(tmp_path, rules, orientation, rotation):
    spec = dataclasses.replace(long_subsidy_spec(ROWS), rules=rules)
    path = tmp_path / "t.pdf"
    write_table_pdf(path, spec, orientation=orientation, rotation=rotation)
    [table] = find_tables(load_source(path)).tables
    assert table.rulings == "alignment" and table.orientation == orientation
    assert table.header + table.body == spec.grid()


def test_a_paragraph_the_rules_run_past_is_left_to_the_text(tmp_path):
    """Rules drawn across the page over a paragraph set beside the table: the paragraph's column,
    running text set full, is no column of the table."""
    paragraph = "以报告发布后的六个月内的市场表现为比较标准，报告发布日后六个月内的公司股价的涨跌幅相对同期市场基准指数的涨跌幅为准。"
    rows = [("股票评级", "买入", "强于市场百分之二十以上"), ("", "增持", "强于市场百分之五至二十"),
            ("", "中性", "与市场相当"), ("行业评级", "优于大市", "高于基准指数")]

    def draw(pdf):
        pdf.line(40, 700, 555, 700)
        for x, head in ((210, "类别"), (290, "评级"), (380, "说明")):
            pdf.drawString(x, 686, head)
        pdf.line(40, 678, 555, 678)
        for k in range(6):
            pdf.drawString(44, 664 - 18 * k, paragraph[k * 13:(k + 1) * 13])
        for k, (kind, rating, note) in enumerate(rows):
            for x, text in ((210, kind), (290, rating), (380, note)):
                pdf.drawString(x, 664 - 18 * k, text)
        pdf.line(40, 560, 555, 560)

    path = tmp_path / "beside.pdf"
    _page(path, draw)
    [table] = find_tables(load_source(path)).tables
    assert table.header + table.body == [["类别", "评级", "说明"], *[list(r) for r in rows]]


@pytest.mark.parametrize("label, font, size", [("{}年某省职业技能提升行动实施计划执行情况", CJK_FONT, 10),
                                               ("Projections of Education Statistics to {}", "Helvetica-Oblique", 10)])
def test_row_labels_that_repeat_but_for_a_figure_stay_in_the_table(tmp_path, label, font, size):
    """Row labels of one length that differ only in a year run edge to edge of their column like
    running text set full; but prose does not repeat its lines, so the column stays the table's."""
    years = [2017, 2018, 2019, 2020, 2021]
    figures = [("49,644", "49,825", "50,067", "50,353"), ("49,470", "49,623", "49,788", "50,034"),
               ("†", "49,265", "49,312", "49,386"), ("†", "†", "49,282", "49,306"), ("†", "†", "†", "49,001")]

    def draw(pdf):
        pdf.setFont(font, size)
        pdf.line(40, 700, 555, 700)
        pdf.drawString(44, 686, "Source")
        for x, head in zip((330, 405, 480, 550), ("2007–08", "2008–09", "2009–10", "2010–11")):
            pdf.drawRightString(x, 686, head)
        pdf.line(40, 678, 555, 678)
        for k, (year, cells) in enumerate(zip(years, figures)):
            y = 664 - 18 * k
            pdf.drawString(44, y, label.format(year))
            for x, text in zip((330, 405, 480, 550), cells):
                pdf.drawRightString(x, y, text)
        pdf.line(40, 560, 555, 560)

    path = tmp_path / "labels.pdf"
    _page(path, draw)
    [table] = find_tables(load_source(path)).tables
    assert table.body == [[label.format(year), *cells] for year, cells in zip(years, figures)]


@pytest.mark.parametrize("sections, font, size", [
    (("各地区培训人数（单位：人次，按年度统计）", "补贴金额与上年相比的增减幅度（百分比）"), CJK_FONT, 10),
    (("Enrollment, in thousands", "Percentage difference between actual and projected"), "Helvetica", 10)])
def test_section_labels_across_the_figures_do_not_merge_their_columns(tmp_path, sections, font, size):
    """A line centred across the columns of figures, between the header and the rows and again
    between two groups of rows, labels a section: it runs across the gutters between the
    columns it labels, which still part them, and it comes out as a row of its own."""
    groups = [[("Lowest", "1,200", "1,350", "1,410"), ("Highest", "860", "905", "990")],
              [("Lowest", "0.7", "1.1", "1.8"), ("Highest", "0.4", "0.7", "1.1")]]

    def draw(pdf):
        pdf.setFont(font, size)
        pdf.line(40, 720, 555, 720)
        for x, head in ((44, "Region"), (300, "2023"), (400, "2024"), (500, "2025")):
            pdf.drawRightString(x + 30, 706, head) if x > 44 else pdf.drawString(x, 706, head)
        pdf.line(40, 698, 555, 698)
        y = 684
        for section, rows in zip(sections, groups):
            pdf.drawCentredString(430, y, section)
            y -= 18
            for name, *cells in rows:
                pdf.drawString(44, y, name)
                for x, text in zip((330, 430, 530), cells):
                    pdf.drawRightString(x, y, text)
                y -= 18
        pdf.line(40, y + 6, 555, y + 6)

    path = tmp_path / "sections.pdf"
    _page(path, draw)
    [table] = find_tables(load_source(path)).tables
    assert table.n_cols == 4
    rows = [row for row in table.body if row[0]]
    assert rows == [list(r) for group in groups for r in group]
    labels = [[cell.replace(" ", "") for cell in row if cell] for row in table.body if not row[0]]
    assert labels == [[section.replace(" ", "")] for section in sections]   # (a Latin space after a comma is not kept)


# ---------------------------------------------------------------- ruled columns, unruled rows

FIGURE_ROWS = [("Bulgaria", "2.3", "3.2", "5.5"), ("Cyprus", "0.21", "0", "0.21"), ("Estonia", "1.1", "1.9", "3.0"),
               ("Assistance", "", "0.87", ""), ("TOTAL", "58.99", "86.70", "145.69")]


def _figures_spec(size: float) -> TableSpec:
    header = ("Country", "Cohesion", "ERDF", "Total")
    cells = [SpecCell(r, k, text) for r, row in enumerate([header, *FIGURE_ROWS]) for k, text in enumerate(row)]
    return TableSpec(col_widths=[130.0, 90.0, 90.0, 90.0], n_rows=len(FIGURE_ROWS) + 1, header_rows=1, cells=cells,
                     row_height=size * 1.8, font_size=size, rules="columns")


@pytest.mark.parametrize("make", ["merged", "figures"])
@pytest.mark.parametrize("size", [9, 12])
@pytest.mark.parametrize("orientation", [0, 90, 180, 270])
def test_a_grid_with_no_rules_between_its_body_rows_comes_out_row_for_row(tmp_path, make, size, orientation):
    """Rules down every column's edge, above, under the header and below, none between the body's
    rows: each figure opens a row (figures do not wrap), a name printed between the two rows it
    covers spans them, an empty cell stays empty. Joined into one cell, the figures would read
    as one wrong number ('1,2801680.00')."""
    spec = dataclasses.replace(long_subsidy_spec(ROWS), rules="columns", font_size=size, row_height=size * 2.2) \
        if make == "merged" else _figures_spec(size)
    path = tmp_path / "t.pdf"
    write_table_pdf(path, spec, orientation=orientation)
    [table] = find_tables(load_source(path)).tables
    assert table.rulings == "vector" and table.orientation == orientation
    assert table.header + table.body == spec.grid()
    spans = {(c.row, c.col): c.rowspan for c in table.cells if c.rowspan > 1}
    assert spans == {(c.row, c.col): c.rowspan for c in spec.cells if c.rowspan > 1}


def _ruled_columns(pdf, xs: list[float], top: float, header_bottom: float, bottom: float) -> None:
    for y in (top, header_bottom, bottom):
        pdf.line(xs[0], y, xs[-1], y)
    for x in xs:
        pdf.line(x, top, x, bottom)


def test_a_label_wrapped_under_its_first_line_stays_in_its_row(tmp_path):
    """Figures level with a label's first line, the label wrapped under it: the row ends under
    the wrapped line, and the label is one cell."""
    xs = [60.0, 180.0, 270.0, 360.0]

    def draw(pdf):
        pdf.setFont("Helvetica", 10)
        _ruled_columns(pdf, xs, 720, 700, 620)
        for x, head in zip(xs, ("Country", "Fund", "Total")):
            pdf.drawString(x + 4, 706, head)
        for y, name, figures in ((686, "Bulgaria", ("2.3", "5.5")), (672, "Czech", ("8.8", "22.2")),
                                 (646, "Estonia", ("1.1", "3.0")), (632, "Hungary", ("8.6", "19.8"))):
            pdf.drawString(xs[0] + 4, y, name)
            for x, figure in zip(xs[1:], figures):
                pdf.drawString(x + 4, y, figure)
        pdf.drawString(xs[0] + 4, 660, "Republic")

    path = tmp_path / "wrapped.pdf"
    _page(path, draw)
    [table] = find_tables(load_source(path)).tables
    assert table.body == [["Bulgaria", "2.3", "5.5"], ["Czech Republic", "8.8", "22.2"],
                          ["Estonia", "1.1", "3.0"], ["Hungary", "8.6", "19.8"]]


@pytest.mark.parametrize("case", ["one label", "wrapped figure", "wrapped text"])
def test_lines_of_one_cell_that_are_no_rows_stay_one_row(tmp_path, case):
    """Look-alikes of rows in one ruled row: figures beside a single label (the tiers of one
    item), a long figure wrapped in its narrow column beside a wrapped label, and sentences
    wrapped in two columns side by side. Each ruled row stays one row."""
    xs = [60.0, 160.0, 212.0, 420.0]
    lines = {"one label": [("电工", "1200", "按等级发放"), ("", "1500", ""), ("", "1800", "")],
             "wrapped figure": [("中式烹调", "12345678", "账户"), ("师", "90", "")],
             "wrapped text": [("职业技能提升", "一", "以工代训补贴"), ("行动补贴", "项", "按月发放")]}[case]

    def draw(pdf):
        _ruled_columns(pdf, xs, 720, 700, 600)
        for x, head in zip(xs, ("职业", "标准", "说明")):
            pdf.drawString(x + 2, 706, head)
        for k, row in enumerate(lines):
            for x, text in zip(xs, row):
                pdf.drawString(x + 2, 684 - 12 * k, text)

    path = tmp_path / "one.pdf"
    _page(path, draw)
    [table] = find_tables(load_source(path)).tables
    assert table.n_rows == 2
    assert table.body[0][0] == "".join(row[0] for row in lines)
    # figures one under another stay apart in their cell's text; a wrapped one is one figure
    assert table.body[0][1] == {"one label": "1200 1500 1800", "wrapped figure": "1234567890", "wrapped text": "一项"}[case]


@pytest.mark.parametrize("rules", ["three_line", "rows", "frame", "none", "columns"])
@pytest.mark.parametrize("orientation", [0, 90])
def test_a_page_a_table_continues_on_with_one_merged_name_keeps_its_columns(tmp_path, rules, orientation):
    """The second page holds one occupation over two levels, its name printed between them: the
    only line with text in the first three columns. Their edges come from the repeated header
    standing clear either side of them, over a body whose other columns are columns of their own;
    the name spans its two rows."""
    spec = dataclasses.replace(long_subsidy_spec(ROWS), rules=rules)
    path = tmp_path / "t.pdf"
    assert write_table_pdf(path, spec, orientation=orientation, rows_per_page=6) == 2
    [table] = find_tables(load_source(path)).tables
    assert table.pages == [1, 2]
    assert table.header + table.body == spec.grid()
    spans = {(c.row, c.col): c.rowspan for c in table.cells if c.rowspan > 1}
    assert spans == {(c.row, c.col): c.rowspan for c in spec.cells if c.rowspan > 1}


def test_a_header_over_one_line_of_a_column_adds_no_column_to_text(tmp_path):
    """Two labels over a label and a paragraph between rules: the header stands clear either side
    of the gap, but the body is in no columns of its own (one line on the left): no table."""
    def draw(pdf):
        pdf.line(60, 700, 535, 700)
        pdf.drawString(64, 686, "类别")
        pdf.drawString(200, 686, "内容")
        pdf.line(60, 678, 535, 678)
        pdf.drawString(64, 662, "甲类")
        pdf.drawString(200, 662, "本类补贴按照培训合格人数和补贴标准据实")
        pdf.drawString(200, 646, "结算，由各地人力资源社会保障部门负责审核。")
        pdf.line(60, 636, 535, 636)

    path = tmp_path / "two.pdf"
    _page(path, draw)
    assert find_tables(load_source(path)).tables == ()


@pytest.mark.parametrize("orientation", [0, 90])
def test_a_rule_under_the_header_drawn_column_by_column_ends_the_header(tmp_path, orientation):
    """The rule under a three-line table's header drawn as a bar per column (and a bar down the
    table after its first column), under a group label over three columns, above body rows that
    leave a column empty (a proportion given from age 20 only, as in ICDAR's us-035a): the pieces
    are one rule under the header. Before, no single piece spanned the table, so no rule ended
    the header: the label was read over one column and the empty column's figures went astray."""
    rows = [["1岁以下", "0.0156", "", "3,533,692"], ["1-2岁", "0.0287", "", "6,493,373"],
            ["3-5岁", "0.0419", "", "9,483,880"], ["20-29岁", "0.1803", "0.2650", "40,839,623"],
            ["30-39岁", "0.1392", "0.2046", "31,526,222"], ["40-49岁", "0.1005", "0.1477", "22,759,163"],
            ["50-59岁", "0.1030", "0.1514", "23,325,286"], ["60-69岁", "0.0833", "0.1225", "18,870,102"]]
    cells = [SpecCell(0, 0, "年龄组", rowspan=2), SpecCell(0, 1, "全国人口（按2000年人口普查数据）", colspan=3),
             SpecCell(1, 1, "比例（全体）"), SpecCell(1, 2, "比例（20岁以上）"), SpecCell(1, 3, "人数")]
    cells += [SpecCell(r, k, text) for r, row in enumerate(rows, start=2) for k, text in enumerate(row) if text]
    spec = TableSpec(col_widths=[80, 110, 130, 100], n_rows=2 + len(rows), header_rows=2, cells=cells,
                     rules="three_line_cells")
    path = tmp_path / "t.pdf"
    write_table_pdf(path, spec, orientation=orientation)
    [table] = find_tables(load_source(path)).tables
    assert table.header == [["年龄组", "全国人口（按2000年人口普查数据）", None, None], [None, "比例（全体）", "比例（20岁以上）", "人数"]]
    assert table.body == rows


WRAPPED_HEADS = [["Dose", "(ppm)"], ["No."], ["Body", "Weight", "(g)"], ["Weight", "Relative", "to", "Controls", "(%)"],
                 ["Body", "Weight", "(g)"], ["Weight", "Relative", "to", "Controls", "(%)"]]


@pytest.mark.parametrize("pitch", [40, 45, 55, 70, 90])
def test_header_cells_wrapped_word_by_word_are_no_group_labels(tmp_path, pitch):
    """A three-line table's header cells wrapped a word a line in narrow columns (as in ICDAR's
    us-037): `Relative` stands over `to` between two `Body`, centred over them as a label over a
    group of three would be, but `to` goes on below it (`Controls`, `(%)`): each column keeps its
    own header cell. Before, at 45 points apart, `Weight Relative` was read as a group label over
    three columns, and the cells under it cut in two rows."""
    body = [["0", "10", "8.8", "100", "13.5", "100"], ["250", "10", "8.9", "101", "13.2", "98"],
            ["500", "9", "8.6", "98", "13.0", "96"], ["1000", "10", "8.1", "92", "12.1", "90"]]

    def draw(pdf):
        pdf.setFont("Helvetica", 9)
        xs = [100 + pitch * k for k in range(len(WRAPPED_HEADS))]
        top, line = 700, 10
        pdf.line(60, top + 8, xs[-1] + 40, top + 8)
        for x, words in zip(xs, WRAPPED_HEADS):   # set bottom-aligned, each word centred on its column
            for k, word in enumerate(words):
                pdf.drawCentredString(x, top - line * (5 - len(words) + k), word)
        rule = top - line * 5 + 4
        pdf.line(60, rule, xs[-1] + 40, rule)
        for r, row in enumerate(body):
            for x, value in zip(xs, row):
                pdf.drawRightString(x + 10, rule - 14 - 14 * r, value)
        pdf.line(60, rule - 14 * len(body) - 8, xs[-1] + 40, rule - 14 * len(body) - 8)

    path = tmp_path / "wrapped.pdf"
    _page(path, draw)
    [table] = find_tables(load_source(path)).tables
    assert table.header == [["".join(w if w.startswith("(") or k == 0 else " " + w for k, w in enumerate(words))
                             for words in WRAPPED_HEADS]]
    assert table.body == body
