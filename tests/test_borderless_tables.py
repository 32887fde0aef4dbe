"""Tables with no rules at all: rows and columns read from the text's alignment alone, cell for
cell, in every orientation, at several sizes, in Chinese and in Latin script, across pages, with
wrapped cells and headers; and the text set in columns that is no table (a signature block, a
list, a table of contents, a 版记, running text in two columns, a chart's labels and grid lines)
stays text."""

from __future__ import annotations

import dataclasses

import pytest
from notice_gen import CJK_FONT
from table_gen import SpecCell, TableSpec, write_table_pdf

from extract.pipeline import load_source
from extract.stages.tables import find_tables

CITIES = [("郑州市", "1200", "1,280", "焊工、电工"), ("开封市", "450", "960", "育婴员"),
          ("洛阳市", "800", "1,100", "茶艺师"), ("平顶山市", "360", "1000", "中式烹调师"),
          ("安阳市", "520", "880", "电工"), ("鹤壁市", "150", "—", "—")]
CITIES_HEADER = ("地市", "名额（人）", "补贴标准（元/人）", "培训职业")
LATIN = [("Austria", "86.2", "13.8", "3,375"), ("Belgium", "0", "100.0", "3,973"), ("Bulgaria", "12.5", "7.5", "1,136"),
         ("Czech Republic", "98.6", "1.4", "17,655"), ("Denmark", "3.1", "86.7", "1,662")]
LATIN_HEADER = ("Country", "Domestic (%)", "Imported (%)", "Total (n)")


def spec_of(header: tuple[str, ...], rows: list[tuple[str, ...]], widths: list[float], font_size: float = 10.0,
            row_height: float = 22.0) -> TableSpec:
    cells = [SpecCell(0, k, text) for k, text in enumerate(header)]
    cells += [SpecCell(r, k, text) for r, row in enumerate(rows, start=1) for k, text in enumerate(row)]
    return TableSpec(col_widths=widths, n_rows=len(rows) + 1, header_rows=1, cells=cells, font_size=font_size,
                     row_height=row_height, rules="none")


@pytest.mark.parametrize("orientation", [0, 90, 180, 270])
@pytest.mark.parametrize("rotation", [0, 90])
def test_a_borderless_table_comes_out_cell_for_cell_in_any_orientation(tmp_path, orientation, rotation):
    spec = spec_of(CITIES_HEADER, CITIES, [90.0, 80.0, 120.0, 110.0])
    path = tmp_path / "t.pdf"
    write_table_pdf(path, spec, orientation=orientation, rotation=rotation)
    [table] = find_tables(load_source(path)).tables
    assert table.rulings == "whitespace" and table.orientation == orientation
    assert table.header + table.body == spec.grid()


@pytest.mark.parametrize("font_size, row_height", [(7.0, 12.0), (9.0, 16.0), (12.0, 26.0)])
@pytest.mark.parametrize("content", ["chinese", "latin"])
def test_a_borderless_table_comes_out_at_any_size_and_in_latin_script(tmp_path, font_size, row_height, content):
    header, rows = (CITIES_HEADER, CITIES) if content == "chinese" else (LATIN_HEADER, LATIN)
    scale = font_size / 10
    spec = spec_of(header, rows, [w * scale for w in (100.0, 90.0, 120.0, 110.0)], font_size, row_height)
    _comes_out_without_spaces(tmp_path, spec)


def _comes_out_without_spaces(tmp_path, spec: TableSpec) -> None:
    """The spec drawn comes out as one table read from white space, cell for cell but for the
    white space inside cells: this font's Latin space (0.21 em) is narrower than the gap the
    lines stage reads as a space (0.25 em), so "Domestic (%)" reads "Domestic(%)"."""
    path = tmp_path / "t.pdf"
    write_table_pdf(path, spec)
    [table] = find_tables(load_source(path)).tables
    assert table.rulings == "whitespace"
    assert [["".join((c or "").split()) for c in row] for row in table.header + table.body] == \
        [["".join(c.split()) for c in row] for row in spec.grid()]


def test_a_borderless_table_over_two_pages_is_one_table(tmp_path):
    rows = CITIES + [("新乡市", "610", "1,050", "焊工"), ("焦作市", "330", "900", "育婴员"), ("濮阳市", "280", "860", "电工")]
    spec = spec_of(CITIES_HEADER, rows, [90.0, 80.0, 120.0, 110.0])
    path = tmp_path / "t.pdf"
    assert write_table_pdf(path, spec, rows_per_page=5) == 2
    [table] = find_tables(load_source(path)).tables
    assert table.rulings == "whitespace" and table.pages == [1, 2]
    assert table.header + table.body == spec.grid()


def _page(path, draw, size=(595, 842)) -> None:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=size)
    pdf.setFont(CJK_FONT, 10)
    draw(pdf)
    pdf.showPage()
    pdf.save()


def test_wrapped_cells_and_a_header_over_two_lines_stay_one_cell(tmp_path):
    """A header set over two lines, and a name that wraps in its column, are one cell each; a
    group's label set further out than its rows starts a row of its own."""
    def draw(pdf):
        for x, lines in ((64, ["地市"]), (170, ["培训", "名额（人）"]), (270, ["补贴标准", "（元/人）"]), (380, ["培训职业"])):
            for k, line in enumerate(lines):
                pdf.drawString(x, 700 - 13 * k, line)
        rows = [(64, "豫北地区", None, None, None),
                (74, "新乡市", "610", "1,050", ["焊工"]),
                (74, "焦作市", "330", "900", ["育婴员、茶艺师、", "中式烹调师"]),
                (74, "濮阳市", "280", "860", ["电工"]),
                (64, "豫南地区", None, None, None),
                (74, "信阳市", "420", "980", ["茶艺师"]),
                (74, "驻马店市", "390", "940", ["焊工"])]
        y = 672
        for x, name, places, amount, trades in rows:
            pdf.drawString(x, y, name)
            if places:
                pdf.drawString(180, y, places)
                pdf.drawString(280, y, amount)
                for k, line in enumerate(trades):
                    pdf.drawString(380, y - 13 * k, line)
                y -= 13 * len(trades)
            else:
                y -= 13
            y -= 9

    path = tmp_path / "wrapped.pdf"
    _page(path, draw)
    [table] = find_tables(load_source(path)).tables
    assert table.rulings == "whitespace"
    assert table.header + table.body == [
        ["地市", "培训名额（人）", "补贴标准（元/人）", "培训职业"],
        ["豫北地区", "", "", ""],
        ["新乡市", "610", "1,050", "焊工"],
        ["焦作市", "330", "900", "育婴员、茶艺师、中式烹调师"],
        ["濮阳市", "280", "860", "电工"],
        ["豫南地区", "", "", ""],
        ["信阳市", "420", "980", "茶艺师"],
        ["驻马店市", "390", "940", "焊工"],
    ]


PARAGRAPH = ("各地要结合实际制定实施细则，确保各项政策落实到位，按时报送工作进展情况。对工作中遇到的新情况新问题，"
             "要及时研究解决，重大问题及时报告。")


def _lookalike(pdf, kind: str) -> None:
    if kind == "signature":   # two parties side by side, three lines each
        for k, (left, right) in enumerate([("甲方：某某市人力资源和社会保障局", "乙方：某某职业技能培训学校"),
                                           ("代表：张某某", "代表：李某某"),
                                           ("日期：2025年3月1日", "日期：2025年3月1日")]):
            pdf.drawString(64, 600 - 24 * k, left)
            pdf.drawString(330, 600 - 24 * k, right)
    elif kind == "banji":   # the 版记: 抄送 across, then the issuer and the date at either end
        pdf.drawString(64, 160, "抄送：省委办公厅，省人大常委会办公厅，省政协办公厅，省法院，省检察院。")
        pdf.drawString(64, 136, "某省人力资源和社会保障厅办公室")
        pdf.drawString(420, 136, "2025年3月1日印发")
    elif kind == "numbered_list":
        for k, item in enumerate(["加强组织领导", "明确补贴范围", "规范资金管理", "强化监督检查", "做好宣传引导"]):
            pdf.drawString(64, 600 - 20 * k, f"（{'一二三四五'[k]}）")
            pdf.drawString(110, 600 - 20 * k, item + "。各地要按照本通知要求抓好落实。")
    elif kind == "bullets":
        for k, item in enumerate(["Indications of planning", "Method and manner of travel", "Apparent triggering event",
                                  "Admissions of intent"]):
            pdf.drawString(64, 600 - 16 * k, "•")
            pdf.drawString(80, 600 - 16 * k, item)
    elif kind == "attachments":
        pdf.drawString(64, 600, "附件：1. 2025年职业技能培训补贴标准")
        for k, item in enumerate(["2. 职业技能培训机构名单", "3. 补贴申请表"], start=1):
            pdf.drawString(100, 600 - 20 * k, item)
    elif kind == "contents":   # a table of contents with no leaders
        pdf.drawString(270, 720, "目  录")
        for k, (chapter, title, page) in enumerate([("第一章", "总则", "1"), ("第二章", "补贴范围和标准", "3"),
                                                    ("第三章", "申请和审核", "6"), ("第四章", "资金管理", "9"),
                                                    ("第五章", "附则", "12")]):
            pdf.drawString(64, 690 - 22 * k, chapter)
            pdf.drawString(130, 690 - 22 * k, title)
            pdf.drawString(500, 690 - 22 * k, page)
    elif kind == "two_columns":   # running text set in two columns
        text = PARAGRAPH * 3
        for column, x in enumerate((64, 310)):
            for k in range(12):
                start = (column * 12 + k) * 20 % (len(text) - 20)
                pdf.drawString(x, 700 - 16 * k, text[start:start + 20])
    elif kind in ("chart", "chart_with_grid"):   # a line chart: axis labels in a column and a row, a legend
        for k in range(6):
            y = 500 + 40 * k
            pdf.drawString(70, y - 3, str(k * 200))
            if kind == "chart_with_grid":
                pdf.line(100, y, 500, y)
        for k, year in enumerate(("2019", "2020", "2021", "2022", "2023", "2024")):
            pdf.drawString(110 + 70 * k, 485, year)
        pdf.drawString(420, 720, "培训人数（人）")
        path = pdf.beginPath()
        path.moveTo(120, 520)
        for k, value in enumerate((560, 610, 590, 650, 700, 690, 720, 705, 730, 715, 725)):
            path.lineTo(150 + 32 * k, value)
            if k % 2 == 0:   # the values printed by the points, a legend inside the plot
                pdf.drawString(140 + 32 * k, value + 6, str(value * 3))
        pdf.drawPath(path, stroke=1, fill=0)
        for k, entry in enumerate(("培训人数", "结业人数", "就业人数")):
            pdf.drawString(130, 690 - 16 * k, entry)
            pdf.drawString(200, 690 - 16 * k, ("—", "--", "··")[k])
    elif kind == "articles":   # a regulation's articles and their items: a number or marker, then text
        for k, (number, text) in enumerate([("第十四条", "工会经费审查委员会委员名额一般为三至七人，候选人应符合以下条件："),
                                            ("（一）", "熟悉工会财务和审计业务，熟悉国家财政政策及相关规定。"),
                                            ("（二）", "办事公道，坚持原则，热心群众工作，在群众中有一定威信。"),
                                            ("第十五条", "工会女职工委员会委员候选人应符合以下条件，由委员会提名："),
                                            ("（一）", "热心女职工工作，依法维护女职工的合法权益，清正廉洁。"),
                                            ("（二）", "有较强的参政议事能力，在女职工中有一定威信。")]):
            pdf.drawString(64, 600 - 20 * k, number)
            pdf.drawString(130, 600 - 20 * k, text)
    elif kind == "paragraphs":
        for k in range(8):
            pdf.drawString(64, 700 - 18 * k, (PARAGRAPH * 2)[k * 12: k * 12 + 36])


@pytest.mark.parametrize("kind", ["signature", "banji", "numbered_list", "bullets", "attachments", "contents",
                                  "two_columns", "paragraphs", "chart", "chart_with_grid", "articles"])
def test_text_in_columns_that_is_no_table_stays_text(tmp_path, kind):
    path = tmp_path / f"{kind}.pdf"
    _page(path, lambda pdf: _lookalike(pdf, kind))
    assert find_tables(load_source(path)).tables == ()


@pytest.mark.parametrize("header", [("地市", "名额（人）"), ("地市", "名额（人）", "资金（万元）", "备注")])
def test_a_title_centred_right_above_a_table_stays_its_title(tmp_path, header):
    """A title in the table's size, centred over it one line above its header (over the gutter
    between its middle columns, where a group's label would stand): the table's title, not a
    header row over every column."""
    title = "各地培训任务分配表"
    rows = [("郑州市", "1200", "180", "—"), ("开封市", "450", "67.5", "—"), ("洛阳市", "800", "120", "—"), ("安阳市", "520", "78", "—")]
    cells = [SpecCell(0, 0, title, colspan=len(header))] + [SpecCell(1, k, h) for k, h in enumerate(header)]
    cells += [SpecCell(r, k, v) for r, row in enumerate(rows, start=2) for k, v in enumerate(row[:len(header)])]
    path = tmp_path / "titled.pdf"
    write_table_pdf(path, TableSpec(col_widths=[90.0] * len(header), n_rows=2 + len(rows), header_rows=2, cells=cells,
                                    rules="none"))
    (table,) = find_tables(load_source(path)).tables
    assert table.title == title
    assert table.header_rows == 1 and [c.text for c in table.cells if c.row == 0] == list(header)


def test_a_group_label_over_its_columns_and_empty_cells(tmp_path):
    """A header label over the two columns it groups is one cell across them; cells left blank
    stay empty, in their columns."""
    def draw(pdf):
        pdf.drawString(64, 696, "地市")
        pdf.drawString(205, 712, "2024年度计划")   # centred over its two columns
        pdf.drawString(365, 712, "2025年度计划")
        for x, head in ((170, "名额"), (250, "补贴（元）"), (330, "名额"), (410, "补贴（元）")):
            pdf.drawString(x, 696, head)
        rows = [("郑州市", "1200", "1,280", "1300", "1,380"), ("开封市", "450", "", "480", "990"),
                ("洛阳市", "", "1,100", "820", ""), ("安阳市", "520", "880", "540", "900")]
        for k, row in enumerate(rows):
            for x, text in zip((64, 170, 250, 330, 410), row):
                pdf.drawString(x, 676 - 20 * k, text)

    path = tmp_path / "groups.pdf"
    _page(path, draw)
    [table] = find_tables(load_source(path)).tables
    assert table.rulings == "whitespace"
    assert table.header + table.body == [
        ["", "2024年度计划", None, "2025年度计划", None],
        ["地市", "名额", "补贴（元）", "名额", "补贴（元）"],
        ["郑州市", "1200", "1,280", "1300", "1,380"],
        ["开封市", "450", "", "480", "990"],
        ["洛阳市", "", "1,100", "820", ""],
        ["安阳市", "520", "880", "540", "900"],
    ]


@pytest.mark.parametrize("rules, orientation", [("none", 0), ("three_line", 0), ("none", 90)])
def test_a_scanned_table_without_a_full_grid(tmp_path, rules, orientation):
    """On a scan the glyphs come from OCR: the columns are read from their alignment alike. (The
    cells hold no dashes or slashes, which OCR reads as 一 and ／: what is tested is the grid.)"""
    from scan_gen import ScanSettings, write_scan

    from extract.stages.ocr import ocr_document

    rows = [row for row in CITIES if "—" not in row] + [("鹤壁市", "150", "760", "保育师")]
    header = ("地市", "名额（人）", "补贴标准（元）", "培训职业")
    spec = dataclasses.replace(spec_of(header, rows, [90.0, 80.0, 120.0, 110.0]), rules=rules)
    printed, scan = tmp_path / "t.pdf", tmp_path / "scan.pdf"
    write_table_pdf(printed, spec, orientation=orientation)
    write_scan(printed, scan, ScanSettings(seed=3))
    source = ocr_document(load_source(scan))
    assert source.pages[0].text.source == "ocr"
    [table] = find_tables(source).tables
    assert table.rulings in ("whitespace", "alignment") and table.orientation == orientation
    assert table.header + table.body == spec.grid()


LONG_LABELS = {
    "chinese": [("一、职业技能提升行动专账资金安排的职业技能培训补贴项目", "1,280", "960"), ("二、以工代训补贴", "500", "—"),
                ("三、企业新型学徒制培训补贴（按每人每年标准据实结算）", "5,000", "4,000"),
                ("四、项目制培训补贴（按培训合格人数据实结算拨付到机构）", "1,800", "1,500"), ("五、生活费补贴", "300", "300")],
    "latin": [("1. Department of Agriculture and Cooperation", "22260.55", "48.45"),
              ("2. Department of Agricultural Research", "3715.00", "—"),
              ("3. Department of Animal Husbandry and Fisheries", "2154.93", "19.07"),
              ("4. Atomic Energy", "1483.00", "3427.00"), ("5. Nuclear Power Schemes", "296.00", "674.00")],
}


@pytest.mark.parametrize("font_size", [9.0, 11.0])
@pytest.mark.parametrize("content", ["chinese", "latin"])
def test_long_row_labels_beside_columns_of_figures_are_a_table(tmp_path, content, font_size):
    """Row labels as long as a line of prose, most of a column, beside columns holding figures
    only: a table (a budget's departments), not running text beside a sidebar."""
    header = ("项目", "2024年", "2025年") if content == "chinese" else ("Demand", "Revenue", "Capital")
    scale = font_size / 10
    width = 280.0 if content == "chinese" else 250.0
    spec = spec_of(header, LONG_LABELS[content], [w * scale for w in (width, 90.0, 90.0)], font_size, font_size * 2)
    _comes_out_without_spaces(tmp_path, spec)


CHART_LABELS = ("年份", "郑州", "开封", "洛阳")
CHART_ROWS = [("2022", "120", "45", "80"), ("2023", "135", "52", "86"), ("2024", "150", "60", "95"), ("2025", "168", "66", "101")]


@pytest.mark.parametrize("rules", ["none", "three_line", "frame"])
@pytest.mark.parametrize("caption, a_table", [
    ("Figure 3: Enrolment by city, 2022-2025", False), ("Fig. 2 Enrolment", False), ("图1 各市培训人数", False),
    ("图 2-1  各市培训人数", False), ("附图一 各市培训人数", False),
    ("Table 3: Enrolment by city", True), ("表1 各市培训人数", True), ("图表1 各市培训人数", True),
    ("各市培训人数（单位：人）", True), ("Figures in thousands of persons", True), ("图书馆借阅人数", True)])
def test_labels_set_in_columns_under_a_figures_caption_are_no_table(tmp_path, rules, caption, a_table):
    """A chart's values and labels set in rows and columns (a plot drawn as a picture, or not
    drawn at all) under a caption that numbers a figure (`Figure 3`, `Fig.`, `图1`, `附图一`) are
    no table; the same under a table's caption (`Table 3`, `表1`, `图表1`, which names charts and
    tables both) or a plain title are a table, cell for cell."""
    spec = dataclasses.replace(spec_of(CHART_LABELS, CHART_ROWS, [80.0, 80.0, 80.0, 80.0]), rules=rules, title=caption)
    path = tmp_path / "chart.pdf"
    write_table_pdf(path, spec)
    tables = find_tables(load_source(path)).tables
    if a_table:
        (table,) = tables
        assert table.header + table.body == spec.grid()
    else:
        assert tables == ()


def test_a_ruled_grid_under_a_figures_caption_stays_a_table(tmp_path):
    """A full grid is drawn as a table whatever its caption says (a form shown as a figure)."""
    spec = dataclasses.replace(spec_of(CHART_LABELS, CHART_ROWS, [80.0] * 4), rules="grid", title="图1 各市培训人数")
    path = tmp_path / "grid.pdf"
    write_table_pdf(path, spec)
    (table,) = find_tables(load_source(path)).tables
    assert table.header + table.body == spec.grid()


CONTINUED = ["电工", "焊工", "育婴员", "中式烹调师", "茶艺师", "美容师", "保育员", "养老护理员", "电子商务师",
             "网络与信息安全管理员", "物流服务师", "农业经理人", "家政服务员", "汽车维修工", "钳工", "车工"]


@pytest.mark.parametrize("rules", ["none", "three_line", "rows", "frame"])
@pytest.mark.parametrize("repeat_header", [True, False])
def test_a_table_read_from_its_text_goes_on_over_the_page_whatever_the_next_page_holds(tmp_path, rules, repeat_header):
    """A table with no rules between its columns over two pages, the header repeated or not: one
    table, every row. Its columns' edges fall where each page's text leaves white space: the
    next page's longer names (`网络与信息安全管理员`) move them, and before, its rows, printed
    without the header, were a table of their own whose first row was taken for a header."""
    header = ["职业名称", "初级补贴（元）", "中级补贴（元）", "高级补贴（元）"]
    rows = [[name, *(str(600 + 10 * k + 100 * level) for level in range(3))] for k, name in enumerate(CONTINUED)]
    cells = [SpecCell(0, k, text) for k, text in enumerate(header)]
    cells += [SpecCell(r, k, text) for r, row in enumerate(rows, start=1) for k, text in enumerate(row)]
    spec = TableSpec(col_widths=[150.0, 110.0, 110.0, 110.0], n_rows=1 + len(rows), header_rows=1, cells=cells,
                     rules=rules, repeat_header=repeat_header, title="2025年补贴标准表")
    path = tmp_path / "continued.pdf"
    write_table_pdf(path, spec, rows_per_page=10)
    (table,) = find_tables(load_source(path)).tables
    assert table.pages == [1, 2]
    assert table.header + table.body == spec.grid()


def _continued_spec(rules: str, n_rows: int, repeat_header: bool = False, row_height: float = 24.0) -> TableSpec:
    header = ["职业名称", "初级补贴（元）", "中级补贴（元）", "高级补贴（元）"]
    names = (CONTINUED * 2)[:n_rows]
    rows = [[name, *(str(600 + 10 * k + 100 * level) for level in range(3))] for k, name in enumerate(names)]
    cells = [SpecCell(0, k, text) for k, text in enumerate(header)]
    cells += [SpecCell(r, k, text) for r, row in enumerate(rows, start=1) for k, text in enumerate(row)]
    return TableSpec(col_widths=[150.0, 110.0, 110.0, 110.0], n_rows=1 + n_rows, header_rows=1, cells=cells, rules=rules,
                     repeat_header=repeat_header, title="2025年补贴标准表", row_height=row_height)


@pytest.mark.parametrize("rules", ["none", "three_line", "rows", "frame"])
@pytest.mark.parametrize("carried", [1, 2])
def test_a_tables_last_rows_alone_at_the_top_of_the_next_page_are_its_rows(tmp_path, rules, carried):
    """One or two rows carried over to the top of the next page, too few to be a table by
    themselves, in the table's columns: the table's last rows. Before, they stayed in the text,
    and their records were lost without a word."""
    spec = _continued_spec(rules, 10 + carried)
    path = tmp_path / "carried.pdf"
    write_table_pdf(path, spec, rows_per_page=10)
    (table,) = find_tables(load_source(path)).tables
    assert table.pages == [1, 2]
    assert table.header + table.body == spec.grid()


@pytest.mark.parametrize("after, size, joined", [("note", 10, False), ("none", 16, False), ("none", 10, True)])
def test_lines_in_columns_opening_the_next_page_are_a_tables_rows_only_when_it_ran_on(tmp_path, after, size, joined):
    """A table that runs to its page's foot, and two lines in its columns opening the next page:
    its last rows when they are set in its size and nothing stands under it on its page. A note
    under it (`注：…`: it ended there), or the lines in a larger size (a heading set letter-spaced,
    its pieces in the table's columns), and they are not."""
    from reportlab.pdfgen import canvas
    from table_gen import draw_table_pages

    spec = _continued_spec("none", 27 if after == "note" else 28)   # to the page's foot
    if after == "note":
        spec = dataclasses.replace(spec, n_rows=spec.n_rows + 1,
                                   cells=[*spec.cells, SpecCell(spec.n_rows, 0, "注：以上标准自2025年1月1日起执行。", colspan=4)])
    path = tmp_path / "ended.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    draw_table_pages(pdf, spec)
    pdf.setFont(CJK_FONT, size)
    for k, line in enumerate([("电工", "800", "900", "1000"), ("焊工", "810", "910", "1010")]):
        for x, text in zip((105, 250, 360, 470), line):
            pdf.drawString(x, 842 - 90 - 2 * size * k, text)
    pdf.showPage()
    pdf.save()
    tables = find_tables(load_source(path)).tables
    assert [t.pages for t in tables] == [[1, 2] if joined else [1]]
    assert tables[0].n_rows == 29 + (2 if joined else 0) - (1 if after == "note" else 0)
