"""Structure stage on generated notices (PDF and text dump) and on hand-built blocks."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from conftest import JIANGXI_EXPECTED
from notice_gen import NoticeSpec, write_notice_dump, write_notice_pdf

from extract.common.text import parse_chinese_date
from extract.model import Block, LaidOutDocument, Provenance
from extract.pipeline import route_for
from extract.settings import PipelineSettings
from extract.stages.structure import (
    blocks_to_structure,
    dedupe_repeated,
    find_references,
    split_addressees,
    split_lead_in,
)


def structure_of(path):
    """Load and layout by the input's route (no tables taken out), then structure."""
    route = route_for(path)
    return blocks_to_structure(route.lay_out(route.load(path, str(path)), (), PipelineSettings()))


def structure_of_spec(tmp_path, spec, kind: str):
    """`spec` typeset as a PDF (`kind` "pdf") or written as a dump, through layout and structure."""
    path = tmp_path / ("notice.pdf" if kind == "pdf" else "notice.txt")
    (write_notice_pdf if kind == "pdf" else write_notice_dump)(path, spec)
    return structure_of(path)


@pytest.mark.parametrize("kind", ["pdf", "utf-8 dump", "gb18030 dump"])
def test_generated_notice_elements(tmp_path, jiangxi, kind):
    if kind == "pdf":
        path = tmp_path / "notice.pdf"
        write_notice_pdf(path, jiangxi)
    else:
        path = tmp_path / "notice.txt"
        write_notice_dump(path, jiangxi, encoding=kind.split()[0])
    s = structure_of(path)
    doc = s.document
    want = JIANGXI_EXPECTED
    assert doc.title == want["title"]
    assert doc.doc_number == want["doc_number"]
    assert doc.issuer == want["issuer"]
    assert doc.signed_date == want["signed_date"]
    assert doc.addressees == want["addressees"]
    assert doc.contact_phone == want["contact_phone"]
    assert (doc.imprint.issuer, doc.imprint.date) == want["imprint"]
    assert [r.doc_number for r in doc.references] == want["references"]
    assert doc.references[0].title == "乡村振兴促进法实施细则"
    assert [sec.heading for sec in s.sections] == want["sections"]
    assert [(a.number, a.title) for a in s.attachments] == want["attachments"]
    # the section tree: levels nest, lead-in sentences become headings
    first = s.sections[0]
    assert [c.number for c in first.children] == ["一", "二"]
    assert first.children[0].heading == "明确对象"
    assert first.children[1].heading is None
    assert first.children[1].paragraphs[0].text.startswith("各地要根据产业特点")
    assert [c.heading for c in s.sections[1].children] == ["资金保障", "考核评价"]
    assert s.sections[0].paragraphs[0].text.startswith("坚持需求导向")
    if kind == "pdf":
        assert [a.start_page for a in s.attachments][0] is not None
        assert s.attachments[0].start_page < s.attachments[1].start_page


def _blocks(*texts):
    return LaidOutDocument(blocks=tuple(
        Block(kind="paragraph", text=t, page=1, provenance=(Provenance(page=1),)) for t in texts))


def test_missing_elements_are_null_not_guessed():
    s = blocks_to_structure(_blocks("某市工作要点", "全年工作安排如下，请遵照执行。"))
    d = s.document
    assert d.title == "某市工作要点"
    assert (d.doc_number, d.issuer, d.signed_date, d.contact_phone, d.imprint) == (None, None, None, None, None)
    assert d.addressees == [] and d.references == [] and s.attachments == []


def test_a_document_with_no_text_outside_its_tables_has_an_empty_title_reported():
    s = blocks_to_structure(LaidOutDocument(blocks=()), file="x.txt")
    assert s.document.title == "" and s.sections == []
    assert [e.code for e in s.errors] == ["no_title"]


@pytest.mark.parametrize("text,expected", [
    ("2023年 12月4日", dt.date(2023, 12, 4)),
    ("二〇二四年", None),
    ("2024年2月30日", None),
    ("于2019年1月1日印发", dt.date(2019, 1, 1)),
])
def test_chinese_dates(text, expected):
    assert parse_chinese_date(text) == expected


def test_helpers():
    assert dedupe_repeated("关于X的通知关于X的通知") == "关于X的通知"
    assert dedupe_repeated("甲乙甲") == "甲乙甲"
    assert split_addressees("各市（州）教育局，各高校、省直单位：") == ["各市（州）教育局", "各高校", "省直单位"]
    assert split_lead_in("制定计划。培训机构负责。") == ("制定计划", "培训机构负责。")
    assert split_lead_in("培训机构由省厅遴选确定，调整和退出。其他") == (None, "培训机构由省厅遴选确定，调整和退出。其他")
    refs = find_references(["依据《某办法》（财社〔2020〕5号）和财社〔2020〕5号、《某规定》(人社部函〔2019〕101 号)"])
    assert [(r.doc_number, r.title) for r in refs] == [("财社〔2020〕5号", "某办法"), ("人社部函〔2019〕101号", "某规定")]


# ---------------------------------------------------------------- layouts of the front and back matter


@pytest.mark.parametrize("kind", ["pdf", "dump"])
@pytest.mark.parametrize("masthead", [None, "江西省农业农村厅文件"])
def test_doc_number_above_the_title(tmp_path, jiangxi, kind, masthead):
    """GB/T 9704-2012 puts the 发文字号 above the title (under the 发文机关标志): the title is
    still the title, never the doc number; the addressees are still found."""
    spec = jiangxi
    spec.doc_number_above, spec.masthead = True, masthead
    path = tmp_path / ("n.pdf" if kind == "pdf" else "n.txt")
    (write_notice_pdf if kind == "pdf" else write_notice_dump)(path, spec)
    doc = structure_of(path).document
    assert doc.title == JIANGXI_EXPECTED["title"]
    assert doc.doc_number == JIANGXI_EXPECTED["doc_number"]
    assert doc.issuer_mark == masthead
    assert doc.addressees == JIANGXI_EXPECTED["addressees"]
    assert JIANGXI_EXPECTED["doc_number"] not in [r.doc_number for r in doc.references]


def test_a_doc_number_line_under_a_title_is_not_taken_for_a_masthead():
    blocks = [_block("某市关于做好夏季安全生产工作的通知"), _block("某政办〔2026〕3号"),
              _block("各区人民政府：")]
    doc = blocks_to_structure(LaidOutDocument(blocks=tuple(blocks))).document
    assert (doc.title, doc.doc_number, doc.issuer_mark) == ("某市关于做好夏季安全生产工作的通知", "某政办〔2026〕3号", None)


@pytest.mark.parametrize("imprint_blocks,issuer,copy_to", [
    (["抄送：省财政厅，省教育厅。", "某省人社厅办公室 2026年2月3日印发"], "某省人社厅办公室", ["省财政厅", "省教育厅"]),
    (["抄送：省财政厅、省教育厅，各市人民政府。某省人社厅办公室 2026年2月3日印发"], "某省人社厅办公室",
     ["省财政厅", "省教育厅", "各市人民政府"]),
    (["某省人社厅办公室 2026年2月3日印发"], "某省人社厅办公室", []),
])
def test_copy_to_line_of_the_imprint(imprint_blocks, issuer, copy_to):
    blocks = [_block("某省关于开展培训的通知"), _block("各市人社局："), _block("请认真贯彻执行。"),
              *(_block(text) for text in imprint_blocks)]
    doc = blocks_to_structure(LaidOutDocument(blocks=tuple(blocks))).document
    assert (doc.imprint.issuer, doc.imprint.date, doc.copy_to) == (issuer, dt.date(2026, 2, 3), copy_to)


@pytest.mark.parametrize("listed,marker,expected_page", [
    (["附件：某省培训补贴标准表"], "附件", 2),              # one attachment, bare marker
    (["附件：1.某省培训补贴标准表", "2.申报表"], "附件", None),  # a bare marker with two is nobody's
    (["附件：1.某省培训补贴标准表", "2.申报表"], "附件1", 2),
])
def test_single_attachment_and_bare_marker(listed, marker, expected_page):
    blocks = [_block("某省关于开展培训的通知"), _block("各市人社局："), _block("补贴标准见附件。"),
              *(_block(text) for text in listed), _block("某省人社厅"), _block("2026年2月1日"),
              _block(marker, page=2), _block("某省培训补贴标准表", page=2)]
    s = blocks_to_structure(LaidOutDocument(blocks=tuple(blocks)))
    assert s.attachments[0].title == "某省培训补贴标准表"
    assert s.attachments[0].start_page == expected_page
    assert s.document.issuer == "某省人社厅"


def _block(text: str, page: int = 1) -> Block:
    from extract.common.text import section_number

    numbered = section_number(text)
    heading = numbered is not None and numbered[0] == 1 and "。" not in text
    return Block(kind="heading" if heading else "paragraph", text=text, page=page,
                 level=numbered[0] if numbered else None,
                 number=numbered[1] if numbered else None, provenance=(Provenance(page=page),))


@pytest.mark.parametrize("form", ["目录 and repeated headings", "dot leaders and page numbers"])
def test_a_table_of_contents_is_no_section(form):
    headings = ["一、总体要求", "二、主要任务", "三、保障措施"]
    if form.startswith("目录"):
        toc = [_block("目 录", page=2), *(_block(h, page=2) for h in headings)]
    else:
        toc = [_block(f"{h}……………………{k + 3}", page=2) for k, h in enumerate(headings)]
    body = [_block(headings[0], page=3), _block("坚持统筹推进，分步实施。", page=3),
            _block(headings[1], page=3), _block("完成培训任务。", page=3),
            _block(headings[2], page=4), _block("加强组织领导。", page=4)]
    blocks = [_block("某市2026年职业技能提升行动方案"), *toc, *body]
    s = blocks_to_structure(LaidOutDocument(blocks=tuple(blocks)))
    assert [e.text for e in s.contents] == headings
    assert [e.page_label for e in s.contents] == ([None] * 3 if form.startswith("目录") else ["3", "4", "5"])
    assert [(sec.number, sec.provenance[0].page) for sec in s.sections] == [("一", 3), ("二", 3), ("三", 4)]


def test_short_numbered_lines_that_are_no_contents_stay_sections():
    blocks = [_block("某市关于做好培训工作的通知"), _block("一、总体要求"), _block("二、主要任务"),
              _block("完成培训任务。"), _block("三、保障措施"), _block("加强组织领导。")]
    s = blocks_to_structure(LaidOutDocument(blocks=tuple(blocks)))
    assert s.contents == [] and [sec.number for sec in s.sections] == ["一", "二", "三"]


RULES = NoticeSpec(
    title_lines=["某市职工代表大会工作规则"],
    preamble=["第一章 总则",
              "第一条 为规范职工代表大会工作，根据有关法律法规，制定本规则。",
              "第二条 职工代表大会是职工行使民主管理权力的机构。",
              "第二章 职权",
              "第三条 职工代表大会行使下列职权：",
              "（一）听取和审议工作报告。",
              "（二）审议通过集体合同草案。",
              "第四条 职工代表大会每年至少召开一次。",
              "第三章 附则",
              "第五条 本规则自印发之日起施行。"],
)


@pytest.mark.parametrize("kind", ["pdf", "dump"])
def test_rules_in_chapters_and_articles(tmp_path, kind):
    s = structure_of_spec(tmp_path, RULES, kind)
    assert s.document.title == "某市职工代表大会工作规则"
    tree = [(c.kind, c.number, c.heading, [(a.kind, a.number) for a in c.children]) for c in s.sections]
    assert tree == [("chapter", "第一章", "总则", [("article", "第一条"), ("article", "第二条")]),
                    ("chapter", "第二章", "职权", [("article", "第三条"), ("article", "第四条")]),
                    ("chapter", "第三章", "附则", [("article", "第五条")])]
    third = s.sections[1].children[0]
    # its items are its list, not sections with a null heading
    assert [p.text for p in third.paragraphs] == ["职工代表大会行使下列职权：", "（一）听取和审议工作报告。",
                                                  "（二）审议通过集体合同草案。"]
    assert all(c.level == 0 for c in s.sections)


def test_numbering_restarts_in_each_part():
    blocks = [_block("某区2025年部门决算"), _block("第一部分 部门概况"), _block("一、主要职能"),
              _block("负责全区财政工作。"), _block("二、机构设置"), _block("内设科室八个。"),
              _block("第二部分 决算情况说明"), _block("一、收入决算情况"), _block("本年收入合计二千万元。")]
    s = blocks_to_structure(LaidOutDocument(blocks=tuple(blocks)))
    assert [(p.kind, p.heading, [(c.number, c.heading) for c in p.children]) for p in s.sections] == [
        ("part", "部门概况", [("一", "主要职能"), ("二", "机构设置")]),
        ("part", "决算情况说明", [("一", "收入决算情况")])]


BUDGET = NoticeSpec(
    title_lines=["某区财政局2025年度部门决算"],
    preamble=["目 录", "第一部分 部门概况", "一、主要职能", "二、机构设置", "第二部分 决算情况说明", "一、收入决算情况",
              "第一部分 部门概况", "一、主要职能", "负责全区财政收支管理和预算编制工作。", "二、机构设置",
              "内设科室八个，下属事业单位两个。", "第二部分 决算情况说明", "一、收入决算情况",
              "本年收入合计二千万元，全部为财政拨款收入。"],
)


@pytest.mark.parametrize("kind", ["pdf", "dump"])
def test_a_budget_with_contents_and_parts(tmp_path, kind):
    s = structure_of_spec(tmp_path, BUDGET, kind)
    assert [e.text for e in s.contents] == ["第一部分部门概况", "一、主要职能", "二、机构设置", "第二部分决算情况说明",
                                            "一、收入决算情况"]
    assert [(p.kind, p.heading, [(c.number, c.heading) for c in p.children]) for p in s.sections] == [
        ("part", "部门概况", [("一", "主要职能"), ("二", "机构设置")]),
        ("part", "决算情况说明", [("一", "收入决算情况")])]


@pytest.mark.parametrize("text,want", [
    ("1.4.1根据申请，经审图与检验，可授予附加标志。", ("clause", "1.4.1")),
    ("3.2 总体要求", ("clause", "3.2")),
    ("2.5万元以上的项目须经审批。", None),
    ("10.2的规定", None),
    ("第十七条 职工代表大会的任务是：", ("article", "第十七条")),
    ("第二部分 决算表", ("part", "第二部分")),
])
def test_divisions_as_printed(text, want):
    from extract.common.text import division_of

    got = division_of(text)
    assert (got[:2] if got else None) == want


def test_a_doc_number_printed_as_a_running_header_is_the_documents(tmp_path, jiangxi):
    spec = jiangxi
    spec.doc_number = None
    spec.body.insert(1, (1, "四", "长段落", "各地要结合实际制定细则，" * 40 + "确保落实。"))
    path = tmp_path / "n.pdf"
    write_notice_pdf(path, spec, running_header="党委【2026】012号")
    doc = structure_of(path).document
    assert doc.doc_number == "党委〔2026〕012号"
    assert "党委〔2026〕012号" not in [r.doc_number for r in doc.references]


@pytest.mark.parametrize("kind", ["pdf", "dump"])
@pytest.mark.parametrize("own_phone", [True, False])
def test_a_phone_number_in_an_attachment_is_not_the_notices_contact(tmp_path, jiangxi, kind, own_phone):
    """The contact number is the notice's own (附注, under the date); a number an attachment
    prints (a form's 联系电话) is not it, with or without the notice's own."""
    from dataclasses import replace

    spec = replace(jiangxi, contact_line=jiangxi.contact_line if own_phone else None,
                   attachment_pages=[("附件1", "报名回执（联系电话：010-66668888）"), *jiangxi.attachment_pages[1:]])
    doc = structure_of_spec(tmp_path, spec, kind).document
    assert doc.contact_phone == (JIANGXI_EXPECTED["contact_phone"] if own_phone else None)


# The imprint line's pattern as first written, unanchored: the definition the anchored one must
# keep, match for match (it only stopped a search from trying every position of a long line).
UNANCHORED_IMPRINT = r"(?P<issuer>[^。：:；;]*?)\s*(?P<date>\d{4}年\d{1,2}月\d{1,2}日)\s*印发$"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["。", "：", ";", "；", " ", "\n", "2024", "1", "年", "5", "月", "8", "日", "印发",
                                 "江西省", "办公室", "抄送", "a", "，"]), max_size=24),
       st.sampled_from(["", "2024年5月8日印发", " 2024年12月1日 印发", "2024年5月8日印发\n", "印发"]))
def test_the_imprint_pattern_finds_what_the_unanchored_one_found(pieces, ending):
    import re

    from extract.stages.structure import IMPRINT_LINE

    text = "".join(pieces) + ending
    for method in ("search", "match"):
        want, got = getattr(re.compile(UNANCHORED_IMPRINT), method)(text), getattr(IMPRINT_LINE, method)(text)
        assert (got and (got.span(), got.groupdict())) == (want and (want.span(), want.groupdict()))

