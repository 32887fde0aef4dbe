"""Generated reports (a broker's company note, a department budget): a title wrapped in the main
column, a sidebar of short lines beside it on the first page, headings printed without numbers
in a larger size, a running header and a running footer with the page label on every page."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from notice_gen import CJK_FONT, wrap
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


@dataclass
class ReportSpec:
    title_lines: list[str]
    sections: list[tuple[str, list[str]]]          # (unnumbered heading, paragraphs)
    sidebar: list[str] = field(default_factory=list)
    sidebar_side: str = "left"
    running_header: str | None = None
    running_footer: str | None = None
    page_label: str | None = "{page}/{pages}"      # printed before the running footer
    body_size: float = 10.0
    heading_size: float = 14.0
    title_size: float = 20.0


PAGE_W, PAGE_H = A4
SIDEBAR_W = 150.0
MARGIN = 40.0


def _main_column(spec: ReportSpec) -> tuple[float, float]:
    """Left and right edges of the main column: beside the first page's sidebar, on every page."""
    if spec.sidebar_side == "left":
        return MARGIN + SIDEBAR_W + 20, PAGE_W - MARGIN
    return MARGIN, PAGE_W - MARGIN - SIDEBAR_W - 20


def _flow(spec: ReportSpec) -> list[tuple[str, float, bool]]:
    """The main column's lines: (text, size, indented)."""
    left, right = _main_column(spec)
    chars = int((right - left) // spec.body_size)
    lines: list[tuple[str, float, bool]] = [(t, spec.title_size, False) for t in spec.title_lines]
    for heading, paragraphs in spec.sections:
        lines.append((heading, spec.heading_size, False))
        for text in paragraphs:
            lines.extend((piece, spec.body_size, k == 0) for k, piece in enumerate(wrap(text, chars, 2)))
    return lines


def write_report_pdf(path: Path, spec: ReportSpec) -> int:
    """Typeset `spec`; returns the page count."""
    left, _ = _main_column(spec)
    flow = _flow(spec)
    top, bottom = PAGE_H - 70, 70.0
    pages: list[list[tuple[str, float, float, float]]] = [[]]   # (text, size, x, baseline) per page
    y = top
    for text, size, indented in flow:
        step = size * (1.8 if size > spec.body_size else 1.6)
        if y - step < bottom:
            pages.append([])
            y = top
        y -= step
        pages[-1].append((text, size, left + (2 * size if indented else 0), y))
    sidebar_x = MARGIN if spec.sidebar_side == "left" else PAGE_W - MARGIN - SIDEBAR_W
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for number, lines in enumerate(pages, start=1):
        if number == 1:
            y = top - spec.title_size * 1.8
            for text in spec.sidebar:
                y -= spec.body_size * 1.6
                pdf.setFont(CJK_FONT, spec.body_size)
                pdf.drawString(sidebar_x, y, text)
        for text, size, x, baseline in lines:
            pdf.setFont(CJK_FONT, size)
            pdf.drawString(x, baseline, text)
        pdf.setFont(CJK_FONT, 9)
        if spec.running_header:
            pdf.drawString(MARGIN, PAGE_H - 40, spec.running_header)
        footer = " ".join(t for t in ((spec.page_label or "").format(page=number, pages=len(pages)),
                                      spec.running_footer or "") if t)
        if footer:
            pdf.drawString(MARGIN, 40, footer)
        pdf.showPage()
    pdf.save()
    return len(pages)


def company_note(sidebar_side: str = "left", heading_size: float = 14.0,
                 page_label: str | None = "{page}/{pages}") -> ReportSpec:
    paragraph = ("公司拟在某县建设年产四千万千米金刚线项目，一期总投资约六亿元，产能释放后将保证内供和外销，"
                 "细线化趋势下单位切割线耗持续提升，公司切片代工业务随之扩张，利润率有望稳步提高。")
    return ReportSpec(
        title_lines=["某某股份（600000.SH）：扩产", "金刚线，强化硅片切割三元布局"],
        sidebar=["增持（维持）", "所属行业：机械设备", "当前价格(元)：82.42", "证券分析师", "张三",
                 "资格编号：S0000000000001", "相关研究", "1.《某某股份点评》"],
        sidebar_side=sidebar_side,
        sections=[("投资要点", [paragraph] * 6), ("盈利预测与估值", [paragraph] * 8),
                  ("风险提示", [paragraph] * 5), ("法律声明", [paragraph] * 7)],
        running_header="公司点评 某某股份（600000.SH）",
        running_footer="请务必阅读正文之后的信息披露和法律声明",
        page_label=page_label,
        heading_size=heading_size,
    )
