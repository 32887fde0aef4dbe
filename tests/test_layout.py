"""Layout stage on generated notices: lines joined into paragraphs without spaces, across
pages; page numbers and running headers dropped; headings by numbering and font; text on a
sideways page read in its own frame; and the dump rules."""

from __future__ import annotations

from notice_gen import write_notice_dump, write_notice_pdf
from table_gen import subsidy_spec, write_table_pdf

from extract.common.text import join_lines, normalize_spaces
from extract.model import Box as B
from extract.model import Glyph, SourceDocument, SourcePage
from extract.pipeline import load_source, route_for
from extract.settings import LayoutSettings, PipelineSettings
from extract.stages.layout import layout_pdf, pdf_lines


def blocks_of(path):
    """The blocks of a PDF or a dump, laid out by its route's layout (no tables taken out)."""
    route = route_for(path)
    return route.lay_out(route.load(path, str(path)), (), PipelineSettings()).blocks


def test_paragraphs_headings_and_running_lines(tmp_path, jiangxi):
    long_text = "各地要结合实际制定细则，" * 40 + "确保落实。"
    jiangxi.body.insert(1, (1, "四", "长段落", long_text))
    path = tmp_path / "n.pdf"
    pages = write_notice_pdf(path, jiangxi, running_header="内部资料注意保存")
    assert pages >= 3
    blocks = blocks_of(path)
    texts = [b.text for b in blocks]
    assert not any("内部资料" in t for t in texts), "a line repeated at the top of every page is a running header"
    assert not any(t.strip("— ").isdigit() for t in texts), "page numbers are dropped"
    assert long_text in texts, "a paragraph wrapped over lines and pages reads as one string"
    assert all(" " not in t for t in texts if not t.isascii())
    headings = [(b.number, b.text) for b in blocks if b.kind == "heading"]
    assert headings[:2] == [("一", "一、总体要求"), ("四", "四、长段落")]
    numbered = {b.text[:4]: b.level for b in blocks if b.level}
    assert numbered["（一）明"] == 2 and numbered["1.资金"] == 3


def test_sideways_page_reads_in_its_own_frame(tmp_path):
    path = tmp_path / "t.pdf"
    write_table_pdf(path, subsidy_spec([("焊工", "6-18-02-04", [120, 980])], ["一级"]), orientation=90,
                    heading="附件2 某省补贴标准")
    texts = [b.text for b in blocks_of(path)]
    assert "附件2某省补贴标准" in texts


def _glyph(text, x, top, font="Serif", size=10.0):
    return Glyph(text=text, font=font, size=size, box=B(x0=x, top=top, x1=x + size, bottom=top + size), direction=0)


def test_heading_by_font_and_lines_by_overlap():
    # the body (three lines of the page's regular font) outweighs the one heading line
    body = [_glyph(ch, 100 + 10 * k, 200 + 14 * row)
            for row in range(3) for k, ch in enumerate("正文内容足够长足够长足够长足够长足够长足够")]
    heading = [_glyph(ch, 100 + 10 * k, 170, font="Sans-Bold") for k, ch in enumerate("二、关于资金保障的具体要求和工作安排。说明")]
    page = SourcePage(number=1, width=600, height=800, glyphs=tuple(heading + body))
    laid = layout_pdf(SourceDocument(file="x.pdf", sha256="0" * 64, media_type="application/pdf",
                                          page_count=1, pages=(page,)))
    assert [b.kind for b in laid.blocks] == ["heading", "paragraph"]


def test_dump_joins_full_lines_and_stops_at_short_ones(tmp_path, jiangxi):
    path = tmp_path / "n.txt"
    write_notice_dump(path, jiangxi)
    texts = [b.text for b in blocks_of(path)]
    assert jiangxi.preamble[0] in texts
    assert "一、总体要求" in texts


def test_text_helpers():
    assert normalize_spaces("六部门 《专业》 (人社部发 〔2021〕 73 号)") == "六部门《专业》(人社部发〔2021〕73号)"
    assert normalize_spaces("Notice  2024 年") == "Notice 2024年"
    assert join_lines(["the quick", "brown fox"]) == "the quick brown fox"
    assert join_lines(["人社部发", "〔2021〕73号"]) == "人社部发〔2021〕73号"


def test_running_lines_are_named_as_page_furniture(tmp_path, jiangxi):
    jiangxi.body.insert(1, (1, "四", "长段落", "各地要结合实际制定细则，" * 40 + "确保落实。"))
    path = tmp_path / "n.pdf"
    pages = write_notice_pdf(path, jiangxi, running_header="内部资料注意保存")
    furniture = layout_pdf(load_source(path)).furniture
    assert {(f.page, f.kind, f.text) for f in furniture if f.kind == "running_header"} == \
        {(p, "running_header", "内部资料注意保存") for p in range(1, pages + 1)}
    assert sorted(f.text.replace(" ", "") for f in furniture if f.kind == "page_number") == \
        sorted(f"—{p}—" for p in range(1, pages + 1))


def two_column_page(path, left: list[str], right: list[str], title: str, width: int = 18, size: float = 10.0) -> None:
    """A page set in two columns under a title across both: each paragraph wrapped to `width`
    characters, its first line indented two."""
    from notice_gen import CJK_FONT, wrap
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    pdf.setFont(CJK_FONT, 16)
    pdf.drawString(595 / 2 - len(title) * 8, 780, title)
    for x, paragraphs in ((60, left), (60 + width * size + 40, right)):
        y = 740
        pdf.setFont(CJK_FONT, size)
        for text in paragraphs:
            for k, piece in enumerate(wrap(text, width, 2)):
                pdf.drawString(x + (2 * size if k == 0 else 0), y, piece)
                y -= size * 1.6
            y -= size * 0.8
    pdf.showPage()
    pdf.save()


def test_a_two_column_page_is_read_column_by_column(tmp_path):
    left = ["事件：公司拟与某县人民政府签署投资协议书，项目一期计划建设年产四千万千米金刚线产能，预计一期总投资约六亿元。",
            "顺应下游需求扩张，金刚线产能快速扩产，保证公司内供和外销，光伏金刚线需求提升源于两方面，产业链景气度高涨。"]
    right = ["依托低成本电价提升金刚线盈利能力，顺应硅料节约持续推动细线化布局，公司在某地生产厂区采购电力的平均单价较低。",
             "风险提示：硅片扩产不及预期，公司代工业务利润波动风险，市场竞争加剧，原材料价格波动，请投资者注意风险。"]
    path = tmp_path / "two.pdf"
    two_column_page(path, left, right, "某某股份：扩产金刚线强化三元布局")
    texts = [b.text for b in blocks_of(path)]
    assert texts == ["某某股份：扩产金刚线强化三元布局", *left, *right]


def test_a_page_in_one_column_with_a_signature_at_the_right_is_one_column(tmp_path, jiangxi):
    path = tmp_path / "n.pdf"
    write_notice_pdf(path, jiangxi)
    assert all(line.column is None for line in pdf_lines(load_source(path), (), LayoutSettings()))
