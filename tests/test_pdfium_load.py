"""The PDF loader reads pages through pdfium: boxes where the page shows the ink whatever the
MediaBox's origin, ligatures as one glyph of several letters, vertical writing, and what forms
(XObjects) draw, placed by their matrices. All inputs generated here."""

from __future__ import annotations

import re

import numpy as np
import pytest
from reportlab.pdfgen import canvas
from table_gen import subsidy_spec, write_table_pdf
from test_reliability import small_pdf

from extract.engines.render import render_page_gray
from extract.pipeline import extract_notice, load_source

SPEC = subsidy_spec([("焊工", "6-18-02-04", [120, 980]), ("电工", "6-31-01-03", [150, 1200])], ["一级", "二级"],
                    title="补贴标准表")
SCALE = 2.0


def _ink_in(image: np.ndarray, box) -> bool:
    top, bottom = int(box.top * SCALE), int(box.bottom * SCALE) + 2
    left, right = int(box.x0 * SCALE), int(box.x1 * SCALE) + 2
    region = image[max(top - 1, 0):bottom, max(left - 1, 0):right]
    return region.size > 0 and int(region.min()) < 128


# Same length as "[ 0 0 595 842 ]", so that the file's offsets hold: the page keeps its size,
# its MediaBox no longer starts at the origin of user space.
MEDIABOXES = [b"[-9 9 586 851] ", b"[-5 -5 590 837]", b"[20 30 615 872]"]


@pytest.mark.parametrize("rotation", [0, 90])
@pytest.mark.parametrize("mediabox", MEDIABOXES)
def test_boxes_sit_on_their_ink_whatever_the_mediabox_origin(tmp_path, mediabox, rotation):
    plain, moved = tmp_path / "plain.pdf", tmp_path / "moved.pdf"
    write_table_pdf(plain, SPEC, rotation=rotation)
    data = plain.read_bytes()
    original = re.search(rb"/MediaBox (\[[^\]]*\])", data).group(1)
    assert len(original) == len(mediabox), original
    moved.write_bytes(data.replace(b"/MediaBox " + original, b"/MediaBox " + mediabox))
    page = load_source(moved).pages[0]
    image = render_page_gray(moved, 1, SCALE)
    assert page.glyphs and page.rulings
    off = [g.text for g in page.glyphs if not _ink_in(image, g.box)]
    assert not off, f"glyph boxes off their ink: {off[:10]}"
    assert all(_ink_in(image, r.box) for r in page.rulings)
    # the content moved with the MediaBox: the same table comes out, cell for cell
    cells = [[c.text for c in t.cells] for t in extract_notice(moved).tables]
    assert cells and cells == [[c.text for c in t.cells] for t in extract_notice(plain).tables]


LIGATURE_CMAP = b"""/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CMapName /Lig def /CodeSpaceRange 1 begincodespacerange <00> <FF> endcodespacerange
2 beginbfchar <01> <00660069> <02> <006600660069> endbfchar
endcmap CMapName currentdict /CMap defineresource pop end end"""


def _ligature_pdf(strings: list[bytes]) -> bytes:
    """Helvetica whose codes 1 and 2 draw the fi and ffi ligatures, with a ToUnicode map that
    gives their letters; one text object per string, one line each."""
    content = b"".join(b"BT /F1 20 Tf 72 %d Td (%s) Tj ET " % (700 - 40 * k, s) for k, s in enumerate(strings))
    return small_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding "
        b"/BaseEncoding /WinAnsiEncoding /Differences [1 /fi /ffi] >> /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(LIGATURE_CMAP) + LIGATURE_CMAP + b"\nendstream"])


@pytest.mark.parametrize("strings,lines", [
    ([b"o\x01ce"], [["o", "fi", "c", "e"]]),
    ([b"\x02ne", b"pro\x01t"], [["ffi", "n", "e"], ["p", "r", "o", "fi", "t"]]),
    ([b"de\x01", b"su\x02x"], [["d", "e", "fi"], ["s", "u", "ffi", "x"]]),   # a ligature last in its object
])
def test_a_ligature_is_one_glyph_of_its_letters(tmp_path, strings, lines):
    path = tmp_path / "lig.pdf"
    path.write_bytes(_ligature_pdf(strings))
    glyphs = load_source(path).pages[0].glyphs
    rows: dict[float, list] = {}
    for g in glyphs:
        rows.setdefault(g.box.top, []).append(g)
    assert [[g.text for g in row] for _, row in sorted(rows.items())] == lines
    for row in rows.values():
        for left, right in zip(row, row[1:]):
            # glyphs follow each other without a gap or an overlap: the ligature's advance is its own
            assert abs(left.box.x1 - right.box.x0) < 0.05, (left, right)
        assert all(g.box.width > 3 for g in row)


def test_vertical_writing_stacks_its_glyphs_down_the_page(tmp_path):
    content = b"BT /F1 24 Tf 300 700 Td <11CF0ED30E5911A9> Tj ET"
    path = tmp_path / "vertical.pdf"
    path.write_bytes(small_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /AnyCJK /Encoding /Identity-V /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /AnyCJK /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (GB1) /Supplement 4 >> /FontDescriptor 7 0 R >>",
        b"<< /Type /FontDescriptor /FontName /AnyCJK /Flags 6 /FontBBox [0 -200 1000 900] /ItalicAngle 0 "
        b"/Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"]))
    glyphs = load_source(path).pages[0].glyphs
    assert "".join(g.text for g in glyphs) == "中文通知"
    for upper, lower in zip(glyphs, glyphs[1:]):
        assert abs(upper.box.bottom - lower.box.top) < 0.05 and abs(upper.box.x0 - lower.box.x0) < 0.05
    assert all(abs(g.box.width - 24) < 0.05 and abs(g.box.height - 24) < 0.05 for g in glyphs)


@pytest.mark.parametrize("dx,dy,scale", [(0, 0, 1.0), (50, -20, 1.0), (30, 40, 0.5)])
def test_what_a_form_draws_is_placed_by_its_matrix(tmp_path, dx, dy, scale):
    path = tmp_path / "form.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    pdf.beginForm("box")
    pdf.setLineWidth(1)
    pdf.rect(100, 600, 200, 50)                 # stroked: four rulings
    pdf.setFont("Helvetica", 20)
    pdf.drawString(110, 615, "Inside")
    pdf.drawImage(str(_small_image(tmp_path)), 400, 600, 40, 40)
    pdf.endForm()
    pdf.saveState()
    pdf.translate(dx, dy)
    pdf.scale(scale, scale)
    pdf.doForm("box")
    pdf.restoreState()
    pdf.save()
    page = load_source(path).pages[0]

    def display(x, y):   # user space (y up) to the display frame, through the form's placement
        return dx + scale * x, 842 - (dy + scale * y)

    x0, top = display(100, 650)
    x1, bottom = display(300, 600)
    edges = sorted((round(r.box.x0), round(r.box.top), round(r.box.x1), round(r.box.bottom)) for r in page.rulings)
    assert edges == sorted({(round(x0), round(top), round(x0), round(bottom)), (round(x1), round(top), round(x1), round(bottom)),
                            (round(x0), round(top), round(x1), round(top)), (round(x0), round(bottom), round(x1), round(bottom))})
    assert "".join(g.text for g in page.glyphs) == "Inside"
    first = page.glyphs[0].box
    assert x0 < first.x0 < x1 and top < first.top < first.bottom < bottom
    assert len(page.images) == 1
    ix0, itop = display(400, 640)
    assert abs(page.images[0].x0 - ix0) < 0.5 and abs(page.images[0].top - itop) < 0.5


def _small_image(tmp_path):
    from PIL import Image

    path = tmp_path / "dot.png"
    Image.new("L", (8, 8), 0).save(path)
    return path


def test_the_page_text_read_at_once_gives_what_each_character_asked_for_gives(tmp_path, monkeypatch):
    """The characters' codes come from the text page in one call (`_page_text`); where it does not
    hold one character per index, each character is asked for, as before. Both ways load the
    same glyphs: on a table notice and on ligatures (whose letters share one glyph)."""
    import extract.engines.pdfium_reader as reader

    table = tmp_path / "table.pdf"
    write_table_pdf(table, subsidy_spec([("焊工", "6-18-02-04", ["1,280", "1,680"]), ("电工", "6-31-01-03", ["1200", "—"])],
                                        ["初级", "中级"], title="2025年职业技能培训补贴标准"), orientation=90)
    ligatures = tmp_path / "lig.pdf"
    ligatures.write_bytes(_ligature_pdf([b"\x02ne", b"pro\x01t"]))
    at_once = [load_source(path).pages for path in (table, ligatures)]
    monkeypatch.setattr(reader, "_page_text", lambda raw, count: None)
    one_by_one = [load_source(path).pages for path in (table, ligatures)]
    assert at_once == one_by_one
    assert all(page.glyphs for pages in at_once for page in pages)
