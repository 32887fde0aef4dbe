"""Load stage on generated PDFs and dumps: frames and directions under /Rotate, fake bold,
fonts without ToUnicode, the dump conventions and encodings, and errors naming the file."""

from __future__ import annotations

import pytest
from notice_gen import CJK_FONT, write_notice_pdf
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas
from table_gen import subsidy_spec, write_table_pdf

import extract.stages.load as load
from extract.errors import NoticeError
from extract.pipeline import load_source

SPEC = subsidy_spec([("焊工", "6-18-02-04", [120, 980])], ["一级"], title="补贴标准表")


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.parametrize("orientation", [0, 90, 270])
def test_display_frame_and_direction(tmp_path, orientation, rotation):
    path = tmp_path / "t.pdf"
    write_table_pdf(path, SPEC, orientation=orientation, rotation=rotation)
    page = load_source(path).pages[0]
    assert (page.width, page.height) == (595.0, 842.0)  # portrait as displayed, whatever the /Rotate
    assert page.rotation == rotation
    assert {g.direction for g in page.glyphs} == {orientation}
    for item in [g.box for g in page.glyphs] + [r.box for r in page.rulings]:
        assert -1 <= item.x0 <= item.x1 <= page.width + 1 and -1 <= item.top <= item.bottom <= page.height + 1


def test_fake_bold_is_read_once(tmp_path, jiangxi):
    path = tmp_path / "n.pdf"
    write_notice_pdf(path, jiangxi, fake_bold_title=True)
    first_page = "".join(g.text for g in load_source(path).pages[0].glyphs)
    assert first_page.count("江西省农业农村厅关于印发") == 1


def _encrypted_owner_only(path):
    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt=StandardEncryption("", ownerPassword="owner"))
    pdf.setFont("Helvetica", 12)
    pdf.drawString(80, 760, "Notice 2024")
    pdf.setFont(CJK_FONT, 16)
    pdf.drawString(80, 700, "关于做好培训工作的通知")
    pdf.save()


def test_cid_font_without_readable_system_info_decodes_through_its_cmap(tmp_path):
    # reportlab's encrypted output leaves the CID font's CIDSystemInfo strings unreadable to
    # pdfminer, which then yields (cid:N); the UniGB-UCS2-H encoding names the collection.
    path = tmp_path / "owner.pdf"
    _encrypted_owner_only(path)
    source = load_source(path)
    assert "".join(g.text for g in source.pages[0].glyphs) == "Notice2024关于做好培训工作的通知"
    assert source.errors == ()


def test_undecodable_text_is_reported_and_left_out(tmp_path, monkeypatch):
    path = tmp_path / "owner.pdf"
    _encrypted_owner_only(path)
    monkeypatch.setattr(load, "_cid_unicode_maps", lambda page: {})
    source = load_source(path)
    assert "".join(g.text for g in source.pages[0].glyphs) == "Notice2024"
    assert [e.code for e in source.errors] == ["undecodable_text"]


def test_dump_pages_lines_and_encodings(tmp_path):
    text = "标题\n\n第一行\n\n 第二页开头\n\n\n正文继续\n"
    for encoding, raw in [("utf-8", text.encode("utf-8")), ("utf-8-sig", text.encode("utf-8-sig")),
                          ("gb18030", text.encode("gb18030"))]:
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(raw)
        source = load_source(path)
        assert [[(line.number, line.text) for line in page.lines] for page in source.pages] == \
            [[(1, "标题"), (3, "第一行")], [(5, "第二页开头"), (8, "正文继续")]]
        assert source.media_type == "text/plain" and source.page_count is None


@pytest.mark.parametrize("name,data,code", [
    ("empty.txt", b"", "empty_file"),
    ("blank.txt", b"\n \n\n", "empty_file"),
    ("binary.txt", b"\x00\x01\x02abc", "unknown_text_encoding"),
    ("fake.pdf", b"GIF89a", "not_a_pdf"),
    ("short.pdf", b"%PDF-1.4\n1 0 obj", "truncated_pdf"),
    ("table.xlsx", b"PK", "unsupported_input"),
])
def test_bad_inputs_name_the_file_and_reason(tmp_path, name, data, code):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(NoticeError) as info:
        load_source(path)
    assert info.value.code.value == code
    assert name in str(info.value) and info.value.message
