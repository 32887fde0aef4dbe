"""PDFs nobody here wrote: camelot's rotated tables against camelot's expected output, and
Chinese government disclosures for robustness (every page read, tables found, no crash)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from extract.pipeline import extract_notice, load_source, notice_to_checked_json
from extract.stages.tables import find_tables

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


def test_a_budget_of_long_labels_and_figures_without_rules():
    """camelot's budget.pdf: the rows under the ruled header are one table of long labels (most
    over 25 characters) and figures, read from white space; the header's block above them, with
    its one line of text in some columns, is no table of its own."""
    [table] = find_tables(load_source(EXTERNAL / "camelot" / "budget.pdf")).tables
    assert table.rulings == "whitespace" and table.n_rows == 38 and table.n_cols == 9
    rows = table.header + table.body
    assert rows[0][:4] == ["MINISTRY OF AGRICULTURE", "28130.48", "67.52", "28198.00"]
    assert squash(rows[1][0]) == "1.DepartmentofAgricultureandCooperation" and rows[1][-1] == "1-10"


@pytest.mark.parametrize("path", sorted((EXTERNAL / "cn-gov").glob("上海市*.pdf")), ids=lambda p: p.stem)
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


WANLI = "上海市普陀区人民政府万里街道办事处24年预算.pdf"
WANLI_TABLES = [
    ("2024年部门财务收支预算总表", [10], "元"),
    ("2024年部门收入预算总表", [11, 12, 13, 14, 15], "元"),
    ("2024年部门支出预算总表", [16, 17, 18, 19, 20], "元"),
    ("2024年部门财政拨款收支预算总表", [21], "元"),
    ("2024年部门一般公共预算支出功能分类预算表", [22, 23, 24, 25, 26], "元"),
    ("2024年部门政府性基金预算支出功能分类预算表", [27], "元"),
    ("2024年部门国有资本经营预算支出功能分类预算表", [28], "元"),
    ("2024年部门一般公共预算基本支出部门预算经济分类预算表", [29, 30], "元"),
    ("部门“三公”经费和机关运行经费预算表", [31], "万元"),
]


@pytest.fixture(scope="module")
def wanli():
    return extract_notice(EXTERNAL / "cn-gov" / WANLI)


def test_budget_tables_one_per_title(wanli):
    """Each titled table is one table: a new title on the next page starts a new one even with
    the same columns; the repeated header of a continued one is dropped."""
    assert [(t.title, t.pages, t.unit) for t in wanli.tables] == WANLI_TABLES
    assert {t.preparer for t in wanli.tables} == {"上海市普陀区人民政府万里街道办事处"}
    for table in wanli.tables:
        assert not any(row == table.header[-1] for row in table.body), f"{table.title}: a header row among the data"


@pytest.mark.parametrize("title,total", [("2024年部门收入预算总表", "156,211,123"),
                                         ("2024年部门支出预算总表", "156,211,123"),
                                         ("2024年部门一般公共预算基本支出部门预算经济分类预算表", "99,706,020")])
def test_budget_total_row_alone_on_the_next_page_stays_with_its_table(wanli, title, total):
    table = next(t for t in wanli.tables if t.title == title)
    last = [c for c in table.body[-1] if c]
    assert last[:2] == ["合计", total]


@pytest.fixture(scope="module")
def annual_report():
    return extract_notice(EXTERNAL / "cn-gov" / "hzq2023_working.pdf")


def test_annual_report_tables_titles_and_shaded_rows(annual_report):
    tables = annual_report.tables
    assert [(t.title, t.pages) for t in tables] == [("二、主动公开政府信息情况", [2, 3]),
                                                    ("三、收到和处理政府信息公开申请情况", [3, 4]),
                                                    ("四、政府信息公开行政复议、行政诉讼情况", [4])]
    texts = [c.text for c in tables[0].cells]
    # the shaded rows across the table stay in it, at both ends of its first page too
    for group in ("第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"):
        assert group in texts
    paragraphs = [p.text for s in annual_report.sections for p in s.paragraphs]
    assert not any(p.startswith("第二十条第") for p in paragraphs)


def test_cell_backgrounds_do_not_split_the_review_and_litigation_header(annual_report):
    table = annual_report.tables[2]
    assert table.header[0][0] == "行政复议" and table.header[0][5] == "行政诉讼"
    spans = {c.text: c.colspan for c in table.cells if c.row == 0}
    assert spans == {"行政复议": 5, "行政诉讼": 10}
    assert table.column_headers[5] == ["行政诉讼", "未经复议直接起诉", "结果维持"]


def test_a_report_with_vector_charts_extracts():
    notice = extract_notice(EXTERNAL / "cn-gov" / "test_rearch_report.pdf")
    notice_to_checked_json(notice)
    assert notice.source.pages == 4
    # its charts (curves, bars, grid lines with tick labels) are no tables
    for table in notice.tables:
        filled = sum(1 for c in table.cells if c.text)
        assert filled * 2 >= len(table.cells), table.column_paths


def test_final_accounts_contents_are_no_sections():
    notice = extract_notice(EXTERNAL / "cn-gov" / "上海市普陀区财政局2024年度部门决算.pdf")
    assert len(notice.contents) == 26
    assert notice.contents[0].text == "第一部分上海市普陀区财政局概况"
    assert all(entry.provenance[0].page in (2, 3) for entry in notice.contents)
    assert all(s.provenance[0].page > 3 for s in notice.sections), "the contents pages open no section"


def test_a_page_of_rules_in_chapters_and_articles():
    """A page taken from an enterprise Party committee's rules: no title heads it (body text
    comes first), its running doc number is its doc number (and no cited document), and its
    chapters hold their articles, whose (一) items are their paragraphs."""
    notice = extract_notice(EXTERNAL / "cn-gov" / "3list_1table.pdf")
    assert notice.document.title == "" and "no_title" in [e.code for e in notice.errors]
    assert notice.document.doc_number == "党委〔2017〕010号"
    assert notice.document.references == [] and notice.document.addressees == []
    tree = [(s.kind, s.number, s.heading, [(c.kind, c.number) for c in s.children]) for s in notice.sections]
    assert tree == [("article", "第十四条", None, []), ("article", "第十五条", None, []),
                    ("chapter", "第三章", "职工代表大会与工会委员会", [("article", "第十六条"), ("article", "第十七条")]),
                    ("chapter", "第四章", "工作职责", [("article", "第十八条")])]
    seventeen = notice.sections[2].children[1]
    assert seventeen.paragraphs[0].text == "职工代表大会工作机构的任务是："
    assert seventeen.paragraphs[1].text.startswith("（一）") or seventeen.paragraphs[1].text.startswith("(一)")


def test_a_page_of_a_rule_book_in_clauses():
    notice = extract_notice(EXTERNAL / "cn-gov" / "2list_1table.pdf")
    assert notice.document.addressees == [], "clause 1.4.1 is no list of addressees"
    [heading] = notice.sections
    assert (heading.kind, heading.number, heading.heading) == ("clause", "1.4", "智能船舶附加标志")
    assert [c.number for c in heading.children] == ["1.4.1", "1.4.2", "1.4.3", "1.4.4", "1.4.5"]
    assert heading.children[0].paragraphs[0].text.startswith("根据申请")


def _tree(sections):
    return [(s.kind, s.number, s.heading) for s in sections]


def test_a_research_report_title_beside_its_sidebar_and_its_unnumbered_headings():
    """A broker's note: the title wraps in the main column beside a sidebar (rating, analysts,
    chart), headings are printed without numbers, and a footer with the page label (2/4) runs
    on every page."""
    notice = extract_notice(EXTERNAL / "cn-gov" / "test_rearch_report.pdf")
    assert notice.document.title == "高测股份（688556.SH）：扩产4000万公里金刚线，强化光伏硅片切割三元布局"
    assert "增持（维持）" in [p.text for p in notice.preamble]
    assert _tree(notice.sections) == [("heading", "", h) for h in
                                      ("投资要点", "股票数据", "主要财务数据及预测", "财务报表分析和预测", "信息披露")]
    assert [c.heading for c in notice.sections[-1].children] == ["分析师与研究助理简介", "分析师声明", "投资评级说明", "法律声明"]
    # (its bullet is a private-use glyph of a symbol font, kept as printed)
    assert notice.sections[0].paragraphs[0].text.lstrip("\uf06c").startswith("事件：公司拟与壶关县人民政府签署")
    footers = {f.page for f in notice.furniture if f.kind == "running_footer"}
    assert footers == {1, 2, 3, 4}


def test_an_annual_report_section_tree():
    notice = extract_notice(EXTERNAL / "cn-gov" / "hzq2023_working.pdf")
    assert notice.document.title == "洪泽区人民政府2023年政府信息公开工作年度报告"
    assert [(s.number, s.heading) for s in notice.sections] == [
        ("一", "总体情况"), ("二", "主动公开政府信息情况"), ("三", "收到和处理政府信息公开申请情况"),
        ("四", "政府信息公开行政复议、行政诉讼情况"), ("五", "存在的主要问题及改进情况"), ("六", "其他需要报告的事项")]
    assert [(c.number, c.heading) for c in notice.sections[0].children] == [
        ("一", "主动公开情况"), ("二", "依申请公开情况"), ("三", "政府信息管理情况"), ("四", "政府信息公开平台建设情况"),
        ("五", "政府信息公开监督保障情况")]


@pytest.mark.parametrize("name,headings", [
    (WANLI, ["上海市普陀区人民政府万里街道办事处（部门）主要职能", "上海市普陀区人民政府万里街道办事处（部门）机构设置",
             "名词解释", "2024年部门预算编制说明", "其他相关情况说明", "项目经费情况说明"]),
    ("上海市普陀区人民政府办公室25年预算.pdf",
     ["上海市普陀区人民政府办公室主要职能", "上海市普陀区人民政府办公室机构设置", "名词解释", "2025年部门预算编制说明",
      "其他相关情况说明", "区政府督查及建议提案工作业务经费项目经费情况说明"]),
])
def test_a_budget_in_unnumbered_headings(name, headings):
    """A budget's parts are headed without numbers (the contents number them): each is a section;
    the tables' titles are the tables', not headings; definitions and lists of units are text."""
    notice = extract_notice(EXTERNAL / "cn-gov" / name)
    assert [(s.kind, s.heading) for s in notice.sections] == [("heading", h) for h in headings]
    terms = notice.sections[2]
    assert terms.children == [] and terms.paragraphs[0].text.startswith("（一）财政拨款收入：")
    assert len(terms.paragraphs) == 8
    assert [c.number for c in notice.sections[4].children] == ["一", "二", "三", "四", "五"]
    project = notice.sections[5].children
    assert [c.number for c in project] == ["一", "二", "三", "四", "五", "六", "七"] and all(c.heading for c in project)


def test_final_accounts_parts_and_their_lists():
    notice = extract_notice(EXTERNAL / "cn-gov" / "上海市普陀区财政局2024年度部门决算.pdf")
    assert _tree(notice.sections) == [("part", "第一部分", "上海市普陀区财政局概况"),
                                      ("part", "第二部分", "上海市普陀区财政局2024年度部门决算表"),
                                      ("part", "第三部分", "上海市普陀区财政局2024年度部门决算情况说明"),
                                      ("part", "第四部分", "名词解释")]
    explained = notice.sections[2].children
    assert [c.number for c in explained] == ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"]
    # (一) lines that only list amounts are the text of 五; those heading text of their own are sections
    assert explained[4].children == [] and explained[4].paragraphs[0].text.startswith("（一）")
    assert [c.heading for c in explained[6].children] == ["“三公”经费财政拨款支出决算总体情况说明",
                                                          "“三公”经费财政拨款支出决算具体情况说明"]
    assert notice.sections[3].children == [] and notice.sections[3].paragraphs[0].text.startswith("一、")
