"""Load stage on generated PDFs and dumps: frames and directions under /Rotate, fake bold,
fonts without ToUnicode, the dump conventions and encodings, and errors naming the file."""

from __future__ import annotations

import re

import pytest
from notice_gen import CJK_FONT, write_embedded_font_pdf, write_notice_pdf
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas
from table_gen import subsidy_spec, write_table_pdf

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


def write_font_without_unicode_pdf(path, title: str, lines: list[str] = ()) -> None:
    """Latin text in Helvetica, then Chinese in an embedded TrueType subset whose ToUnicode map
    is taken out (blanked, so the offsets hold): the page shows the Chinese, its text layer
    cannot say what it is."""
    data = write_embedded_font_pdf(path, title, lines, latin="Notice 2024")
    path.write_bytes(re.sub(rb"/ToUnicode \d+ 0 R", lambda m: b" " * len(m.group(0)), data))


@pytest.mark.parametrize("title", ["关于做好培训工作的通知", "补贴标准", "一"])
def test_undecodable_text_is_reported_and_left_out(tmp_path, title):
    path = tmp_path / "no-unicode.pdf"
    write_font_without_unicode_pdf(path, title)
    source = load_source(path)
    assert "".join(g.text for g in source.pages[0].glyphs) == "Notice2024"
    assert [(e.code, e.page) for e in source.errors] == [("undecodable_text", 1)]
    assert source.pages[0].undecodable == len(title)
    assert f"{len(title)} characters" in source.errors[0].message


def _type0_pdf(encoding: bytes, ordering: bytes, codes: bytes) -> bytes:
    """One line of a non-embedded CID font (Type0) with no ToUnicode map: the text is known
    only through the CMap `encoding` and the character collection Adobe-`ordering`."""
    from test_reliability import small_pdf

    content = b"BT /F1 24 Tf 72 700 Td <" + codes + b"> Tj ET"
    return small_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /AnyCJK /Encoding /" + encoding + b" /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /AnyCJK /CIDSystemInfo << /Registry (Adobe) /Ordering ("
        + ordering + b") /Supplement 4 >> /FontDescriptor 7 0 R >>",
        b"<< /Type /FontDescriptor /FontName /AnyCJK /Flags 6 /FontBBox [0 -200 1000 900] /ItalicAngle 0 "
        b"/Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"])


@pytest.mark.parametrize("encoding,ordering,codes,text", [
    (b"UniGB-UCS2-H", b"GB1", "中文通知".encode("utf-16-be").hex().encode(), "中文通知"),
    (b"GBK-EUC-H", b"GB1", "通知中文".encode("gbk").hex().encode(), "通知中文"),
    (b"Identity-H", b"GB1", b"11CF0ED30E5911A9", "中文通知"),   # CIDs of Adobe-GB1
    (b"UniCNS-UCS2-H", b"CNS1", "通知".encode("utf-16-be").hex().encode(), "通知"),
    (b"UniJIS-UCS2-H", b"Japan1", "日本".encode("utf-16-be").hex().encode(), "日本"),
    (b"UniKS-UCS2-H", b"Korea1", "한국".encode("utf-16-be").hex().encode(), "한국"),
])
def test_cid_fonts_without_tounicode_decode_through_their_collection(tmp_path, encoding, ordering, codes, text):
    path = tmp_path / "cid.pdf"
    path.write_bytes(_type0_pdf(encoding, ordering, codes))
    source = load_source(path)
    assert "".join(g.text for g in source.pages[0].glyphs) == text
    assert source.errors == ()


def test_cid_font_of_an_unknown_collection_is_undecodable(tmp_path):
    path = tmp_path / "cid.pdf"
    path.write_bytes(_type0_pdf(b"Identity-H", b"Unknown", b"0D9D0E6C0001"))
    source = load_source(path)
    assert source.pages[0].glyphs == () and source.pages[0].undecodable == 3
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


def _repeats_compared_by_kind_everywhere(chars, tolerance: float):
    """`without_repeats` as it was before it skipped characters alone in their place: every
    character's kind told, then the clusters of each kind. The reference the faster one must agree with."""
    import numpy as np

    from extract.common.geometry import direction_of
    from extract.stages.load import _cluster_ids

    kinds: dict = {}
    kind = np.array([kinds.setdefault((direction_of(tuple(v)), t, f, s), len(kinds)) for v, t, f, s
                     in zip(chars.baseline.tolist(), chars.text, chars.font, chars.size.tolist())], dtype=np.intp)
    across, along = -chars.box[:, 3], chars.box[:, 0]
    order = np.lexsort((across, kind))
    cluster = _cluster_ids(kind[order], across[order], tolerance)[np.argsort(order, kind="stable")]
    order = np.lexsort((along, cluster))
    cluster = _cluster_ids(cluster[order], along[order], tolerance)[np.argsort(order, kind="stable")]
    order = np.lexsort((np.arange(len(chars)), along, across, cluster))
    first = np.concatenate(([True], cluster[order][1:] != cluster[order][:-1]))
    return np.sort(order[first])


@pytest.mark.parametrize("seed", range(40))
def test_repeats_dropped_as_when_every_kind_is_compared(seed):
    """Characters crowded in few places (printed twice, shifted a little, of other texts, fonts,
    sizes and directions between them, chains across through a character of another kind): the
    characters `without_repeats` keeps are those the reference, comparing every kind, keeps."""
    import numpy as np

    from extract.engines.pdfium_reader import PdfChars
    from extract.stages.load import without_repeats

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    spread = float(rng.choice([2.0, 10.0, 200.0]))           # how crowded the places are
    x0 = rng.choice(np.arange(0, spread, 0.35), n)
    y1 = rng.choice(np.arange(0, spread / 4 + 1, 0.45), n)
    box = np.column_stack([x0, y1 - 10, x0 + 8, y1])
    baseline = np.array([(1.0, 0.0), (0.0, -1.0)])[rng.integers(0, 2 if seed % 3 == 0 else 1, n)]
    chars = PdfChars(text=tuple(rng.choice(["甲", "乙", "1"], n)), font=tuple(rng.choice(["A", "B"], n)),
                     size=rng.choice([10.5, 12.0], n), box=box, baseline=baseline, unmapped=np.zeros(n, dtype=bool))
    expected = _repeats_compared_by_kind_everywhere(chars, 1.0)
    assert without_repeats(chars, 1.0).tolist() == expected.tolist()
    assert len(expected) < n or spread == 200.0   # the crowded cases do drop some
