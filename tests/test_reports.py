"""Reports and budgets, generated: a title in the main column beside a sidebar, headings printed
without numbers in a larger size, running headers and footers with page labels, and numbered
lines that are only the items of a list."""

from __future__ import annotations

import pytest
from report_gen import ReportSpec, company_note, write_report_pdf
from test_coverage import MIN_COVERAGE, coverage

from extract.common.text import numeral_value
from extract.model import Block, LaidOutDocument, Provenance
from extract.pipeline import extract_notice
from extract.stages.structure import blocks_to_structure

NOTE_TITLE = "某某股份（600000.SH）：扩产金刚线，强化硅片切割三元布局"
NOTE_HEADINGS = ["投资要点", "盈利预测与估值", "风险提示", "法律声明"]


@pytest.mark.parametrize("side,heading_size,page_label", [
    ("left", 14.0, "{page}/{pages}"),
    ("right", 12.0, "第{page}页 共{pages}页"),
    ("left", 16.0, None),
    ("right", 13.0, "{page}/{pages}"),
])
def test_a_company_note_with_a_sidebar(tmp_path, side, heading_size, page_label):
    spec = company_note(side, heading_size, page_label)
    path = tmp_path / "note.pdf"
    pages = write_report_pdf(path, spec)
    notice = extract_notice(path)
    # the title wraps in the main column; the sidebar beside it is read first, not into it
    assert notice.document.title == NOTE_TITLE
    assert [p.text for p in notice.preamble] == spec.sidebar
    assert [(s.kind, s.number, s.heading) for s in notice.sections] == [("heading", "", h) for h in NOTE_HEADINGS]
    assert [len(s.paragraphs) for s in notice.sections] == [len(p) for _, p in spec.sections]
    # the running lines are page furniture on every page, page label and all
    kinds = {(f.page, f.kind) for f in notice.furniture}
    assert kinds == {(p, k) for p in range(1, pages + 1) for k in ("running_header", "running_footer")}
    assert all(f.text.replace(" ", "").endswith("请务必阅读正文之后的信息披露和法律声明")
               for f in notice.furniture if f.kind == "running_footer")
    assert min(coverage(path).values()) >= MIN_COVERAGE


BUDGET = ReportSpec(
    title_lines=["某区某街道2025年部门预算"],
    sections=[
        ("某街道办事处主要职能", ["某街道办事处是区政府的派出机关，主要职能包括：",
                                  "一、加强党的建设。落实基层党建责任制，提高党建工作的有效性。",
                                  "二、统筹社区发展。参与辖区公共服务设施建设规划，推动辖区有序发展。"]),
        ("某街道办事处机构设置", ["本部门包括下属预算单位三家，具体包括：", "1.某街道社区事务受理服务中心。",
                                  "2.某街道城市运行管理中心。", "3.某街道综合行政执法队。",
                                  "本部门中，行政单位一家，事业单位两家。"]),
        ("名词解释", ["（一）财政拨款收入：是预算单位本年度从本级财政部门取得的财政拨款。",
                      "（二）事业收入：指事业单位开展专业业务活动及其辅助活动取得的收入。",
                      "（三）其他收入：指除上述收入以外的收入。"]),
        ("其他相关情况说明", ["一、“三公”经费预算情况说明", "“三公”经费预算数为四十万元，比上年减少五万元。",
                              "（一）因公出国（境）费情况说明。", "本年度未安排因公出国（境）费预算。",
                              "（二）公务接待费情况说明。", "公务接待费一万元，与上年持平。",
                              "二、政府采购预算情况", "本部门政府采购预算一千万元，均为服务类采购。"]),
    ],
    body_size=12.0, heading_size=16.0, title_size=22.0,
    running_footer="某街道2025年部门预算", page_label=None,
)


def test_a_budget_with_unnumbered_headings_and_lists(tmp_path):
    path = tmp_path / "budget.pdf"
    write_report_pdf(path, BUDGET)
    notice = extract_notice(path)
    assert notice.document.title == "某区某街道2025年部门预算"
    duties, units, terms, other = notice.sections
    assert [(s.kind, s.heading) for s in notice.sections] == [("heading", h) for h, _ in BUDGET.sections]
    # items with a lead-in (一、加强党的建设。…) are sections, as in a notice
    assert [(c.number, c.heading) for c in duties.children] == [("一", "加强党的建设"), ("二", "统筹社区发展")]
    # a list of names, and a list of definitions, are the section's text, numbers and all
    assert units.children == [] and [p.text for p in units.paragraphs] == BUDGET.sections[1][1]
    assert terms.children == [] and [p.text for p in terms.paragraphs] == BUDGET.sections[2][1]
    # a numbered line over text of its own heads a section, even when it ends with 。
    assert [(c.number, c.heading, [(g.number, g.heading) for g in c.children]) for c in other.children] == [
        ("一", "“三公”经费预算情况说明", [("一", "因公出国（境）费情况说明"), ("二", "公务接待费情况说明")]),
        ("二", "政府采购预算情况", [])]
    assert min(coverage(path).values()) >= MIN_COVERAGE


@pytest.mark.parametrize("line", ["注：以上数据未经审计。", "单位：万元", "说明如下："])
def test_larger_lines_that_are_sentences_or_fields_are_no_headings(tmp_path, line):
    spec = ReportSpec(title_lines=["某区2025年部门预算"],
                      sections=[("预算编制说明", ["本部门收入预算二千万元，全部为财政拨款收入。"] * 3)],
                      body_size=12.0, heading_size=16.0, title_size=22.0, page_label=None)
    spec.sections.append((line, ["支出预算二千万元，其中基本支出一千五百万元。"] * 2))
    path = tmp_path / "budget.pdf"
    write_report_pdf(path, spec)
    notice = extract_notice(path)
    assert [s.heading for s in notice.sections] == ["预算编制说明"]
    assert line.rstrip("。：") in "".join(p.text for p in notice.sections[0].paragraphs)


def _block(text: str, kind: str = "paragraph", level=None, number=None, size=12.0) -> Block:
    return Block(kind=kind, text=text, page=1, level=level, number=number, size=size, provenance=(Provenance(page=1),))


def test_the_next_number_at_a_level_is_a_sibling_whatever_its_type_setting():
    """一、 set as a heading and 二、 run into its text are siblings; a restart (一、 again) inside a
    section is its list."""
    blocks = [_block("某市工作要点", size=22.0),
              _block("一、加强党的建设", "heading", 1, "一"), _block("落实基层党建责任制。"),
              _block("二、统筹社区发展。参与辖区公共服务设施建设规划。", level=1, number="二"),
              _block("三、组织公共服务。落实各领域相关政策。", level=1, number="三")]
    s = blocks_to_structure(LaidOutDocument(blocks=tuple(blocks)))
    assert [(x.number, x.heading) for x in s.sections] == [("一", "加强党的建设"), ("二", "统筹社区发展"),
                                                          ("三", "组织公共服务")]


@pytest.mark.parametrize("number,value", [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("九十九", 99), ("7", 7),
                                          ("十十", None), ("一二", None), ("百", None), ("", None)])
def test_section_numbers_have_their_values(number, value):
    assert numeral_value(number) == value
