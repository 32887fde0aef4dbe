"""Layout stage on generated notices: lines joined into paragraphs without spaces, across
pages; page numbers and running headers dropped; headings by numbering and font; text on a
sideways page read in its own frame; and the dump rules."""

from __future__ import annotations

from notice_gen import write_notice_dump, write_notice_pdf
from table_gen import subsidy_spec, write_table_pdf

from extract.layout import layout_document
from extract.load import load_source
from extract.model import Glyph, SourceDocument, SourcePage
from extract.model import Box as B
from extract.text import join_lines, normalize_spaces


def blocks_of(path):
    return layout_document(load_source(path)).blocks


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
    laid = layout_document(SourceDocument(file="x.pdf", sha256="0" * 64, media_type="application/pdf",
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
