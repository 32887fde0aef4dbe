"""Builds ruled tables the pipeline has never seen, as PDFs printed in any orientation, with
or without a /Rotate key, split over pages with the header repeated; and the same tables as
crawlers' text dumps (spaced, or vertically garbled).

Coordinates are derived here independently of `extract.common.geometry`, so that a mistake there
is not mirrored by the generator.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from notice_gen import CJK_FONT
from reportlab.pdfgen import canvas

A4_W, A4_H = 595.0, 842.0


@dataclass
class SpecCell:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    align: str = "center"   # where the text stands in its cell: "center", "left" or "right"


@dataclass
class TableSpec:
    col_widths: list[float]
    n_rows: int
    header_rows: int
    cells: list[SpecCell]
    title: str | None = None
    row_height: float = 24.0
    font_size: float = 10.0
    # lines between the title and the table on its first page, (left text, right text):
    # `("编制部门：某局", "单位：元")`
    caption_lines: list[tuple[str, str]] = field(default_factory=list)
    row_heights: dict[int, float] = field(default_factory=dict)     # rows drawn thinner or taller
    # fills drawn behind cells: (first row, first col, last row, last col, RGB), single-page tables
    backgrounds: list[tuple[int, int, int, int, tuple[float, float, float]]] = field(default_factory=list)
    repeat_header: bool = True           # the header is drawn again on each page
    continued_caption: str | None = None  # a line drawn above the table on each later page (续表, the title again)
    # how the table is ruled: "grid" (every cell), "rows" (rules between rows, no vertical ones),
    # "three_line" (三线表: above, under the header, below; "three_line_cells": each of those rules
    # drawn column by column as thin bars, and a bar down the table after its first column, row by row), "columns" (those three and every column's
    # edge down the whole table: no rules between the body's rows), "frame" (the outer frame alone),
    # "dotted" (every cell, in dotted lines), "dots" (every cell, each line a row of tiny squares
    # drawn one by one), "none" (no rules: columns by white space alone)
    rules: str = "grid"

    def grid(self) -> list[list[str | None]]:
        """The expected rebuilt grid: text at each cell's top-left slot, None where covered."""
        g: list[list[str | None]] = [[None] * len(self.col_widths) for _ in range(self.n_rows)]
        for c in self.cells:
            g[c.row][c.col] = c.text
        return g

    def resolved(self) -> list[list[str]]:
        g = [[""] * len(self.col_widths) for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    g[r][k] = c.text
        return g


def subsidy_spec(occupations: list[tuple[str, str, list]], levels: list[str], title: str | None = None,
                 hours_name: str = "学时要求", amount_name: str = "补贴标准", amount_width: float = 52.0) -> TableSpec:
    """A two-level header table: name, code, then (hours, amount) per level."""
    cells = [SpecCell(0, 0, "工种名称", rowspan=2), SpecCell(0, 1, "职业编码", rowspan=2)]
    for k, level in enumerate(levels):
        cells.append(SpecCell(0, 2 + 2 * k, level, colspan=2))
        cells.append(SpecCell(1, 2 + 2 * k, hours_name))
        cells.append(SpecCell(1, 3 + 2 * k, amount_name))
    for r, (name, code, numbers) in enumerate(occupations, start=2):
        cells.append(SpecCell(r, 0, name))
        cells.append(SpecCell(r, 1, code))
        for k, n in enumerate(numbers):
            cells.append(SpecCell(r, 2 + k, str(n)))
    widths = [110.0, 80.0] + [52.0, amount_width] * len(levels)
    return TableSpec(col_widths=widths, n_rows=2 + len(occupations), header_rows=2, cells=cells, title=title)


LONG_HEADER = ("序号", "职业（工种）", "职业编码", "等级", "培训学时", "补贴标准（元/人）")


def long_subsidy_spec(occupations: list[tuple[str, str, list[tuple[str, str, str]]]], title: str | None = None,
                      header: tuple[str, ...] = LONG_HEADER) -> TableSpec:
    """A long-format table, one row per occupation and level: 序号, occupation and code merged
    over the occupation's levels, then level, hours and amount as printed."""
    cells = [SpecCell(0, k, name) for k, name in enumerate(header)]
    r = 1
    for seq, (name, code, levels) in enumerate(occupations, start=1):
        span = len(levels)
        cells += [SpecCell(r, 0, str(seq), rowspan=span), SpecCell(r, 1, name, rowspan=span),
                  SpecCell(r, 2, code, rowspan=span)]
        for k, (level, hours, amount) in enumerate(levels):
            cells += [SpecCell(r + k, 3, level), SpecCell(r + k, 4, hours), SpecCell(r + k, 5, amount)]
        r += span
    return TableSpec(col_widths=[30.0, 100.0, 80.0, 80.0, 56.0, 110.0], n_rows=r, header_rows=1, cells=cells,
                     title=title, row_height=22.0)


def grouped_spec(groups: list[tuple[str, list[tuple[str, str]]]], title: str | None = None) -> TableSpec:
    """序号 | 机构名称 | 领域 | 批次, the first two merged over each group's rows."""
    cells = [SpecCell(0, 0, "序号"), SpecCell(0, 1, "机构名称"), SpecCell(0, 2, "培训领域"), SpecCell(0, 3, "认定批次")]
    r = 1
    for seq, (name, rows) in enumerate(groups, start=1):
        cells.append(SpecCell(r, 0, str(seq), rowspan=len(rows)))
        cells.append(SpecCell(r, 1, name, rowspan=len(rows)))
        for k, (field_, batch) in enumerate(rows):
            cells.append(SpecCell(r + k, 2, field_))
            cells.append(SpecCell(r + k, 3, batch))
        r += len(rows)
    return TableSpec(col_widths=[40.0, 200.0, 120.0, 80.0], n_rows=r, header_rows=1, cells=cells, title=title,
                     row_height=22.0)


# ---------------------------------------------------------------- PDF


def reading_to_display(x: float, y: float, orientation: int, dw: float, dh: float) -> tuple[float, float]:
    """A point of the table's reading frame onto the displayed page, for a table printed
    turned `orientation` degrees clockwise."""
    if orientation == 90:
        return dw - y, x
    if orientation == 180:
        return dw - x, dh - y
    if orientation == 270:
        return y, dh - x
    return x, y


def display_to_user(x: float, y: float, rotation: int, mw: float, mh: float) -> tuple[float, float]:
    """A displayed point back to PDF user space (y up) for a page with /Rotate `rotation`."""
    if rotation == 90:
        return y, x
    if rotation == 180:
        return mw - x, y
    if rotation == 270:
        return mw - y, mh - x
    return x, mh - y


@dataclass
class _Part:
    """The piece of a cell drawn on one page."""

    row: int            # row on that page
    col: int
    rowspan: int
    colspan: int
    text: str
    align: str = "center"


def page_rows(spec: TableSpec, rows_per_page: int | None) -> list[list[int]]:
    """The table's rows drawn on each page, top to bottom: the header (on every page, or on
    the first only), then a slice of the body."""
    body_rows = spec.n_rows - spec.header_rows
    per_page = rows_per_page or body_rows
    header = list(range(spec.header_rows))
    return [(header if spec.repeat_header or start == 0 else [])
            + list(range(spec.header_rows + start, spec.header_rows + min(start + per_page, body_rows)))
            for start in range(0, body_rows, per_page)]


def page_parts(spec: TableSpec, rows_per_page: int | None) -> list[list[_Part]]:
    """Cells per page, in page rows: a cell cut by a page break is drawn on both pages with its
    text on the first."""
    pages = []
    for rows in page_rows(spec, rows_per_page):
        parts = []
        for c in spec.cells:
            inside = [k for k, r in enumerate(rows) if c.row <= r < c.row + c.rowspan]
            if inside:
                parts.append(_Part(inside[0], c.col, len(inside), c.colspan, c.text if rows[inside[0]] == c.row else "",
                                   c.align))
        pages.append(parts)
    return pages


def write_table_pdf(path: Path, spec: TableSpec, orientation: int = 0, rotation: int = 0,
                    rows_per_page: int | None = None, heading: str | None = None,
                    lines_as_image: bool = False) -> int:
    """Draw `spec` turned `orientation` degrees clockwise on a portrait display page whose
    PDF carries /Rotate `rotation`; returns the page count. With `lines_as_image` the
    rulings are a picture behind the (vector) text, as in a table pasted from a scan."""
    return write_tables_pdf(path, [spec], orientation, rotation, rows_per_page, heading, lines_as_image)


def write_tables_pdf(path: Path, specs: list[TableSpec], orientation: int = 0, rotation: int = 0,
                     rows_per_page: int | None = None, heading: str | None = None,
                     lines_as_image: bool = False) -> int:
    """Several tables, each starting on a new page."""
    dw, dh = A4_W, A4_H
    mw, mh = (dw, dh) if rotation in (0, 180) else (dh, dw)
    # reportlab takes the displayed size and swaps the MediaBox itself for 90/270
    pdf = canvas.Canvas(str(path), pagesize=(mh, mw) if rotation in (90, 270) else (mw, mh))
    count = 0
    for spec in specs:
        count += _draw_table(pdf, spec, orientation, rotation, rows_per_page, heading, dw, dh, mw, mh,
                             lines_as_image)
    pdf.save()
    return count


def draw_table_pages(pdf, spec: TableSpec, orientation: int = 0, rows_per_page: int | None = None,
                     heading: str | None = None) -> int:
    """Draw `spec` on new A4 pages (no /Rotate) of an open canvas; returns the page count."""
    return _draw_table(pdf, spec, orientation, 0, rows_per_page, heading, A4_W, A4_H, A4_W, A4_H, False)


def _draw_table(pdf, spec: TableSpec, orientation: int, rotation: int, rows_per_page: int | None,
                heading: str | None, dw: float, dh: float, mw: float, mh: float, lines_as_image: bool) -> int:
    if lines_as_image and rotation:
        raise ValueError("lines_as_image is drawn for pages without /Rotate")
    left, top = 50.0, 90.0
    picture_scale = 3.0
    segments: list[tuple[float, float, float, float]] = []

    def to_user(x: float, y: float) -> tuple[float, float]:
        return display_to_user(*reading_to_display(x, y, orientation, dw, dh), rotation, mw, mh)

    def line(x0, y0, x1, y1):
        if lines_as_image:
            segments.append((*reading_to_display(x0, y0, orientation, dw, dh),
                             *reading_to_display(x1, y1, orientation, dw, dh)))
            return
        a, b = to_user(x0, y0), to_user(x1, y1)
        if spec.rules == "dots":
            steps = max(1, int(math.hypot(b[0] - a[0], b[1] - a[1]) // 3))
            for k in range(steps + 1):
                x, y = a[0] + (b[0] - a[0]) * k / steps, a[1] + (b[1] - a[1]) * k / steps
                pdf.rect(x - 0.5, y - 0.5, 1, 1, stroke=0, fill=1)
            return
        pdf.line(a[0], a[1], b[0], b[1])

    def paint_segments():
        from PIL import Image, ImageDraw
        from reportlab.lib.utils import ImageReader

        picture = Image.new("L", (int(dw * picture_scale), int(dh * picture_scale)), 255)
        draw = ImageDraw.Draw(picture)
        for x0, y0, x1, y1 in segments:
            draw.line([(x0 * picture_scale, y0 * picture_scale), (x1 * picture_scale, y1 * picture_scale)],
                      fill=0, width=2)
        pdf.drawImage(ImageReader(picture), 0, 0, width=dw, height=dh)
        segments.clear()

    def text(x: float, y: float, s: str, size: float):
        ux, uy = to_user(x, y)
        vx, vy = to_user(x + 1, y)
        pdf.saveState()
        pdf.translate(ux, uy)
        pdf.rotate(math.degrees(math.atan2(vy - uy, vx - ux)))
        pdf.setFont(CJK_FONT, size)
        pdf.drawString(0, 0, s)
        pdf.restoreState()

    def fill(x0, y0, x1, y1, color):
        corners = [to_user(x0, y0), to_user(x1, y0), to_user(x1, y1), to_user(x0, y1)]
        path = pdf.beginPath()
        path.moveTo(*corners[0])
        for corner in corners[1:]:
            path.lineTo(*corner)
        path.close()
        pdf.saveState()
        pdf.setFillColorRGB(*color)
        pdf.drawPath(path, stroke=0, fill=1)
        pdf.restoreState()

    xs = [left]
    for w in spec.col_widths:
        xs.append(xs[-1] + w)
    pages = page_parts(spec, rows_per_page)
    for number, (parts, rows) in enumerate(zip(pages, page_rows(spec, rows_per_page)), start=1):
        if rotation:
            pdf.setPageRotation(rotation)
        ys = [top]
        for r in rows:
            ys.append(ys[-1] + spec.row_heights.get(r, spec.row_height))
        if heading and number == 1:
            text(left, 40, heading, 12)
        if number == 1:
            above = [(t, "") for t in [spec.title] if t] + list(spec.caption_lines)
            for k, (left_text, right_text) in enumerate(reversed(above)):
                y = top - 6 - 16 * k
                size = 14 if spec.title and k == len(above) - 1 else 10
                text(left + (20 if size == 14 else 0), y, left_text, size)
                if right_text:
                    text(xs[-1] - len(right_text) * 10, y, right_text, 10)
            for r0, c0, r1, c1, color in spec.backgrounds:
                fill(xs[c0], ys[rows.index(r0)], xs[c1 + 1], ys[rows.index(r1) + 1], color)
        elif spec.continued_caption:
            text(left, top - 6, spec.continued_caption, 10)
        if spec.rules in ("three_line", "three_line_cells", "columns"):
            header_bottom = ys[sum(1 for r in rows if r < spec.header_rows)]
            for y in sorted({ys[0], header_bottom, ys[-1]}):
                if spec.rules == "three_line_cells":   # each rule drawn column by column, bars 2 pt thick
                    for a, b in zip(xs, xs[1:]):
                        fill(a - 0.25, y - 1, b, y + 1, (0, 0, 0))
                else:
                    line(xs[0], y, xs[-1], y)
            if spec.rules == "three_line_cells":   # and a bar down the table after its first column, row by row
                for a, b in zip(ys, ys[1:]):
                    fill(xs[1] - 0.6, a - 0.25, xs[1] + 0.6, b, (0, 0, 0))
            if spec.rules == "columns":
                for x in xs:
                    line(x, ys[0], x, ys[-1])
        elif spec.rules == "frame":
            for a, b in ((xs[0], ys[0]), (xs[-1], ys[-1])):
                line(xs[0], b, xs[-1], b)
                line(a, ys[0], a, ys[-1])
        for part in parts:
            x0, x1 = xs[part.col], xs[part.col + part.colspan]
            y0, y1 = ys[part.row], ys[part.row + part.rowspan]
            if spec.rules == "dotted":
                pdf.setDash(1, 2)
            if spec.rules in ("grid", "rows", "dotted", "dots"):
                line(x0, y0, x1, y0)
                line(x0, y1, x1, y1)
            if spec.rules in ("grid", "dotted", "dots"):
                line(x0, y0, x0, y1)
                line(x1, y0, x1, y1)
            pdf.setDash()
            if part.text:
                width = len(part.text) * spec.font_size * (1.0 if not part.text.isascii() else 0.5)
                tx = {"left": x0 + 4.0, "right": x1 - width - 4.0}.get(part.align, x0 + max(2.0, (x1 - x0 - width) / 2))
                ty = (y0 + y1) / 2 + spec.font_size * 0.35
                text(tx, ty, part.text, spec.font_size)
        if lines_as_image:
            paint_segments()
        pdf.showPage()
    return len(pages)


# ---------------------------------------------------------------- text dumps


def chunk_number(value: str, width: int = 2) -> list[str]:
    return [value[k:k + width] for k in range(0, len(value), width)]


def garbled_lines(spec: TableSpec, marker: str | None = None) -> list[str]:
    """The table as a crawler dumps a sideways table: each cell in turn, one CJK character a
    line, codes split at dashes, numbers in pieces of two digits."""
    out: list[str] = list(marker) if marker else []
    if spec.title:
        out.extend(spec.title)
    for cell in sorted(spec.cells, key=lambda c: (c.row, c.col)):
        t = cell.text
        if t.isdigit():
            out.extend(chunk_number(t))
        elif all(ch.isdigit() or ch == "-" for ch in t):
            for k, piece in enumerate(t.split("-")):
                if k:
                    out.append("-")
                out.extend(chunk_number(piece))
        else:
            out.extend(t)
    return out


def spaced_lines(spec: TableSpec, rows_per_page: int | None = None) -> list[tuple[str, bool]]:
    """The table as a crawler dumps an upright table: (line, opens a page). A merged cell's
    text goes on the first row it covers; rows under it carry only the other columns."""
    header = " ".join(c.text for c in sorted(spec.cells, key=lambda c: c.col) if c.row == 0)
    out = [(header, False)]
    body_rows = spec.n_rows - spec.header_rows
    per_page = rows_per_page or body_rows
    for r in range(spec.header_rows, spec.n_rows):
        if r > spec.header_rows and (r - spec.header_rows) % per_page == 0:
            out.append((header, True))
        starting = sorted((c for c in spec.cells if c.row == r), key=lambda c: c.col)
        out.append((" ".join(c.text for c in starting), False))
    return out


def write_dump(path: Path, lines: list[tuple[str, bool]] | list[str], before: list[str] = (),
               after: list[str] = (), encoding: str = "utf-8") -> None:
    rendered = list(before)
    for item in lines:
        text, opens = (item, False) if isinstance(item, str) else item
        rendered.append((" " if opens else "") + text)
    rendered.extend(after)
    path.write_bytes(("\n\n".join(rendered) + "\n").encode(encoding))
