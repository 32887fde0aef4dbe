"""Builds notices the pipeline has never seen: the same content as a typeset PDF (reportlab,
with wrapped lines, indents, page numbers) and as a crawler's text dump.

Content is a `NoticeSpec`; the generators know nothing of the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

CJK_FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


@dataclass
class NoticeSpec:
    title_lines: list[str]
    doc_number: str | None = None
    addressees_line: str | None = None
    preamble: list[str] = field(default_factory=list)
    # (level, number, heading-or-None, text): level-1 items are headings ("一、" + heading)
    body: list[tuple[int, str, str | None, str]] = field(default_factory=list)
    contact_line: str | None = None
    signature: str | None = None
    date_line: str | None = None
    attachments_line: list[str] = field(default_factory=list)
    attachment_pages: list[tuple[str, str]] = field(default_factory=list)   # ("附件1", title)
    imprint_line: str | None = None
    copy_to_line: str | None = None       # 抄送 line of the 版记, above the imprint line
    masthead: str | None = None           # 发文机关标志 (…文件), printed above the doc number
    doc_number_above: bool = False        # GB/T 9704 layout: the doc number above the title


LEVEL_FORMATS = {1: "{n}、", 2: "（{n}）", 3: "{n}.", 4: "（{n}）"}


def body_paragraphs(spec: NoticeSpec) -> list[tuple[str, bool]]:
    """The body as (text, is_heading) paragraphs in reading order."""
    out: list[tuple[str, bool]] = [(p, False) for p in spec.preamble]
    for level, number, heading, text in spec.body:
        prefix = LEVEL_FORMATS[level].format(n=number)
        if level == 1:
            out.append((prefix + (heading or ""), True))
            if text:
                out.append((text, False))
        else:
            lead = f"{heading}。" if heading else ""
            out.append((prefix + lead + text, False))
    return out


def wrap(text: str, width: int, indent: int) -> list[str]:
    """Break `text` into lines `width` ems wide, the first `indent` ems shorter, as a typesetter
    fills the measure: a CJK character takes an em, a Latin letter or digit half of one."""
    lines, line, used, limit = [], "", 0.0, width - indent
    for ch in text:
        step = 0.5 if ch.isascii() else 1.0
        if used + step > limit:
            lines.append(line)
            line, used, limit = "", 0.0, width
        line += ch
        used += step
    if line:
        lines.append(line)
    return lines


@dataclass
class _Line:
    text: str
    size: float
    x: float          # left edge, points
    new_page: bool = False
    gap_before: float = 0.0


def notice_lines(spec: NoticeSpec, width_chars: int, size: float, left: float, right: float) -> list[_Line]:
    body_width = right - left
    out: list[_Line] = []

    def centred(text: str, s: float) -> _Line:
        return _Line(text, s, left + (body_width - len(text) * s) / 2)

    if spec.masthead:
        out.append(centred(spec.masthead, size * 1.8))
    if spec.doc_number and spec.doc_number_above:
        out.append(centred(spec.doc_number, size))
    for t in spec.title_lines:
        out.append(centred(t, size * 1.4))
    if spec.doc_number and not spec.doc_number_above:
        out.append(centred(spec.doc_number, size))
    if spec.addressees_line:
        out.append(_Line(spec.addressees_line, size, left, gap_before=size))
    for text, _heading in body_paragraphs(spec):
        for k, piece in enumerate(wrap(text, width_chars, 2)):
            out.append(_Line(piece, size, left + (2 * size if k == 0 else 0)))
    # GB/T 9704 order: attachment list, signature and date, then the note (附注) with the phone
    for k, text in enumerate(spec.attachments_line):
        out.append(_Line(text, size, left + (2 * size if k == 0 else 5 * size), gap_before=size if k == 0 else 0))
    if spec.signature:
        out.append(_Line(spec.signature, size, right - len(spec.signature) * size, gap_before=size))
    if spec.date_line:
        out.append(_Line(spec.date_line, size, right - len(spec.date_line) * size * 0.8))
    if spec.contact_line:
        out.append(_Line(spec.contact_line, size, left + 2 * size))
    for marker, title in spec.attachment_pages:
        out.append(_Line(marker, size, left, new_page=True))
        out.append(centred(title, size * 1.4))
    return out


def imprint_lines(spec: NoticeSpec, size: float, left: float) -> list[_Line]:
    """The 版记 on a page of its own: the 抄送 line, then the imprint line."""
    out = []
    for k, text in enumerate(t for t in (spec.copy_to_line, spec.imprint_line) if t):
        out.append(_Line(text, size, left, new_page=k == 0))
    return out


@dataclass
class PlacedTable:
    """A table printed as an attachment of a notice: on pages of its own after the notice's
    text, `marker` (附件2, or 附件 alone) at the top of its first page."""

    spec: object                  # table_gen.TableSpec
    marker: str
    orientation: int = 0
    rows_per_page: int | None = None


def write_notice_pdf(path: Path, spec: NoticeSpec, width_chars: int = 24, size: float = 16,
                     running_header: str | None = None, fake_bold_title: bool = False,
                     tables: list[PlacedTable] = ()) -> int:
    """Typeset `spec` on A4 pages with page numbers (and a running header line on every
    page); with `fake_bold_title` the title is printed twice, 0.4 pt apart, as a fake bold.
    `tables` follow the text as attachments, the 版记 last. Returns the page count."""
    page_w, page_h = A4
    left = 80.0
    right = left + width_chars * size
    top, bottom = page_h - 80, 90.0
    pdf = canvas.Canvas(str(path), pagesize=A4)
    y = top
    page = 1

    def finish_page() -> None:
        nonlocal y, page
        label = f"— {page} —"
        pdf.setFont(CJK_FONT, 12)
        pdf.drawString((page_w - len(label) * 7) / 2, 50, label)
        if running_header:
            pdf.drawString(left, page_h - 40, running_header)
        pdf.showPage()
        y = top
        page += 1

    def draw_lines(lines: list[_Line]) -> None:
        nonlocal y
        for line in lines:
            if line.new_page and y != top:
                finish_page()
            y -= line.gap_before
            if y - line.size * 1.75 < bottom:
                finish_page()
            y -= line.size * 1.75
            pdf.setFont(CJK_FONT, line.size)
            pdf.drawString(line.x, y, line.text)
            if fake_bold_title and line.text in spec.title_lines:
                pdf.drawString(line.x + 0.4, y, line.text)

    draw_lines(notice_lines(spec, width_chars, size, left, right))
    if tables:
        from table_gen import draw_table_pages

        finish_page()
        for placed in tables:
            page += draw_table_pages(pdf, placed.spec, placed.orientation, placed.rows_per_page, placed.marker)
    draw_lines(imprint_lines(spec, size, left))
    finish_page()
    pdf.save()
    return page - 1


def write_notice_dump(path: Path, spec: NoticeSpec, width_chars: int = 24, encoding: str = "utf-8",
                      tables: list[list[str]] = ()) -> None:
    """The crawler's view: one rendered line per line, blank lines between, a leading space
    on the first line of each page but the first. `tables` are the dump lines of attachment
    tables as the crawler wrote them (a leading space where a page opens), put between the
    text and the 版记."""
    lines = notice_lines(spec, width_chars, 16, 80, 80 + width_chars * 16) + imprint_lines(spec, 16, 80)
    text_lines = [line for line in lines if line.text not in (spec.copy_to_line, spec.imprint_line)]
    out = [(" " if line.new_page else "") + line.text for line in text_lines]
    for table in tables:
        out += list(table)
    out += [(" " if line.new_page else "") + line.text for line in lines if line not in text_lines]
    path.write_bytes(("\n\n".join(out) + "\n").encode(encoding))


WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")   # Debian's fonts-wqy-microhei (make test installs it)


def write_embedded_font_pdf(path: Path, title: str, lines: list[str] = (), latin: str | None = None) -> bytes:
    """A one-page notice in an embedded TrueType subset (WenQuanYi Micro Hei), uncompressed so
    that a test can patch its objects: an optional Latin line in Helvetica, the title, the
    lines. Returns the file's bytes."""
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("WQY", str(WQY), subfontIndex=0))
    pdf = canvas.Canvas(str(path), pagesize=A4, pageCompression=0)
    if latin is not None:
        pdf.setFont("Helvetica", 12)
        pdf.drawString(80, 780, latin)
    pdf.setFont("WQY", 20)
    pdf.drawString(80, 750, title)
    pdf.setFont("WQY", 12)
    for k, line in enumerate(lines):
        pdf.drawString(80, 700 - 22 * k, line)
    pdf.showPage()
    pdf.save()
    return path.read_bytes()

