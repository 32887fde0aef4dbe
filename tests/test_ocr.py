"""OCR stage: which pages need it, orientation and skew, and whole scans made by the tests
(tilted, noisy, JPEG-compressed, image-only PDFs) of generated tables and notices and of the
corpus notices, rebuilt through the same stages as any PDF."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import JIANGXI_EXPECTED, RAW, TRUTH
from notice_gen import write_notice_pdf
from scan_gen import ScanSettings, write_scan
from table_gen import write_table_pdf
from test_tables import INSTITUTIONS, SUBSIDY

from extract.common.text import widen_cjk_punctuation
from extract.engines.ocr_engine import (
    deskew,
    deskew_quad,
    rotate_quad,
    rotate_quarter,
    skew_angle,
)
from extract.errors import ErrorCode
from extract.model import Box, Glyph, Paragraph, Provenance, SourcePage
from extract.pipeline import extract_notice, load_source, notice_to_checked_json
from extract.settings import OcrSettings
from extract.stages.confidence import low_confidence_errors
from extract.stages.ocr import CellRereader, ocr_document, text_layer_problem
from extract.stages.records import build_records
from extract.stages.structure import canonical_doc_number
from extract.stages.tables import find_tables


def _glyph(text: str, x: float = 100, y: float = 100) -> Glyph:
    return Glyph(text=text, font="F", size=10, box=Box(x0=x, top=y, x1=x + 10, bottom=y + 10), direction=0)


# ---------------------------------------------------------------- small pieces


def test_text_layer_problems(tmp_path):
    page = SourcePage(number=2, width=600, height=800, glyphs=(_glyph("通"), _glyph("知", 110)))
    assert text_layer_problem(page, None) is None
    assert text_layer_problem(page.model_copy(update={"glyphs": ()}), None) == "no text layer"
    assert "undecodable" in text_layer_problem(page.model_copy(update={"undecodable": 1}), None)
    # one symbol the loader could not decode among a page of text: reported, the text layer kept
    whole = page.model_copy(update={"glyphs": tuple(_glyph("通", 10 + k) for k in range(100)), "undecodable": 1})
    assert text_layer_problem(whole, None) is None
    private = page.model_copy(update={"glyphs": (_glyph("\ue001"), _glyph("知", 110))})
    assert "private-use" in text_layer_problem(private, None)


def test_a_text_layer_that_cannot_be_decoded_is_read_by_ocr(tmp_path):
    from test_load import write_font_without_unicode_pdf

    path = tmp_path / "no-unicode.pdf"
    write_font_without_unicode_pdf(path, "关于做好培训工作的通知")
    source = ocr_document(load_source(path))
    page = source.pages[0]
    assert (page.text.source, page.text.reason) == ("ocr", "undecodable glyphs in the text layer")
    assert "关于做好培训工作的通知" in "".join(g.text for g in page.glyphs)
    assert source.errors == (), "the text layer's complaint is moot once the page is read from its image"


def test_a_scan_under_a_stray_text_layer_is_read_again(tmp_path):
    """A page-size picture full of ink, with a text layer of two characters: not trusted."""
    scan = tmp_path / "scan.pdf"
    write_table_pdf(tmp_path / "t.pdf", SUBSIDY)
    write_scan(tmp_path / "t.pdf", scan)
    page = load_source(scan).pages[0]
    stray = page.model_copy(update={"glyphs": (_glyph("某"), _glyph("表", 110))})
    assert "outside the text layer" in text_layer_problem(stray, scan)


def test_quarter_turns_move_quads_with_the_image():
    image = np.zeros((40, 100), dtype=np.uint8)
    image[5:9, 10:60] = 255  # a wide bar: its quad, clockwise from top-left
    quad = np.array([[10, 5], [60, 5], [60, 9], [10, 9]], dtype=np.float32)
    for orientation in (0, 90, 180, 270):
        turned = rotate_quarter(image, orientation)
        q = rotate_quad(quad, orientation, image.shape)
        x0, y0 = q.min(axis=0).astype(int)
        x1, y1 = q.max(axis=0).astype(int)
        assert turned[y0:y1, x0:x1].min() == 255 and turned.sum() == turned[y0:y1, x0:x1].sum()


@pytest.mark.parametrize("angle", [-2.0, -0.6, 0.0, 0.8, 2.5])
def test_skew_is_measured_and_removed(angle):
    import cv2

    image = np.full((400, 600), 255, dtype=np.uint8)
    for top in range(50, 350, 30):  # lines of "text"
        image[top:top + 8, 50:550] = 0
    tilted = cv2.warpAffine(image, cv2.getRotationMatrix2D((300, 200), -angle, 1.0), (600, 400), borderValue=255)
    measured = skew_angle(tilted)
    assert abs(measured - angle) <= 0.05
    straight = deskew(tilted, measured)
    rows = (straight < 128).sum(axis=1)
    assert (rows > 450).sum() >= 40, "after deskewing, each bar runs along image rows"


def test_deskewing_moves_quads_with_the_image():
    import cv2

    image = np.full((300, 500), 255, dtype=np.uint8)
    image[100:120, 50:450] = 0  # a long bar, then tilted like a line on a skewed scan
    tilted = cv2.warpAffine(image, cv2.getRotationMatrix2D((250, 150), -1.5, 1.0), (500, 300), borderValue=255)
    quad = cv2.boxPoints(cv2.minAreaRect(cv2.findNonZero((tilted < 128).astype(np.uint8))))
    straight = deskew(tilted, 1.5)
    moved = deskew_quad(quad.astype(np.float32), 1.5, tilted.shape)
    x0, y0 = moved.min(axis=0)
    x1, y1 = moved.max(axis=0)
    assert abs(x0 - 50) <= 2 and abs(x1 - 450) <= 2 and abs(y0 - 100) <= 2 and abs(y1 - 120) <= 2
    assert (straight[int(y0) + 3:int(y1) - 3, int(x0) + 3:int(x1) - 3] < 128).all()


def test_ocr_text_normalisation():
    assert widen_cjk_punctuation("人才,促进(试行):完") == "人才，促进（试行）：完"
    assert widen_cjk_punctuation("v1.2, 3:4 (a)") == "v1.2, 3:4 (a)"
    assert canonical_doc_number("人社厅发[2 02 1]71号") == "人社厅发〔2021〕71号"
    assert canonical_doc_number("豫人社〔2025〕5 号") == "豫人社〔2025〕5号"


def test_low_confidence_text_is_reported():
    sure = Paragraph(text="清楚", confidence=0.99, provenance=[Provenance(page=1)])
    unsure = Paragraph(text="模糊的字", confidence=0.42, provenance=[Provenance(page=3)])
    layer = Paragraph(text="文字层", provenance=[Provenance(page=1)])
    errors = low_confidence_errors([sure, unsure, layer], [], OcrSettings().low_confidence)
    assert [(e.code, e.page) for e in errors] == [("low_confidence", 3)]
    assert "模糊的字" in errors[0].message and "0.42" in errors[0].message


# ---------------------------------------------------------------- generated scans


@pytest.mark.parametrize("orientation,rotation", [(0, 0), (90, 0), (180, 0), (270, 0), (0, 90), (90, 270)])
def test_scanned_table_in_every_orientation(tmp_path, orientation, rotation):
    printed, scan = tmp_path / "t.pdf", tmp_path / "scan.pdf"
    write_table_pdf(printed, SUBSIDY, orientation=orientation)
    tilts = write_scan(printed, scan, ScanSettings(seed=orientation + rotation), rotation=rotation)
    source = ocr_document(load_source(scan))
    page = source.pages[0]
    assert page.text.source == "ocr" and page.text.reason == "no text layer"
    assert page.text.orientation == orientation
    assert abs(abs(page.text.skew_degrees) - abs(tilts[0])) < 0.35, "the scan's tilt was measured and removed"
    tables = find_tables(source).tables
    assert len(tables) == 1
    table = tables[0]
    assert table.header + table.body == SUBSIDY.grid()
    assert table.rulings == "raster" and table.orientation == orientation
    assert all(c.confidence is not None for c in table.cells if c.text)
    # a record's number is the printed one, or null and reported when OCR was unsure: never another
    found = build_records([table], None)
    records, errors = found.records(), found.errors
    expected = [(row[0], level, int(row[2 + 2 * k]), int(row[3 + 2 * k]))
                for row in SUBSIDY.resolved()[2:] for k, level in enumerate(["一级", "二级"])]
    got = [(r.occupation, r.level, r.training_hours, r.subsidy_yuan) for r in records.subsidy_standards]
    assert [(o, lv) for o, lv, _, _ in got] == [(o, lv) for o, lv, _, _ in expected]
    nulls = 0
    for (_, _, hours, amount), (_, _, want_hours, want_amount) in zip(got, expected):
        assert hours in (want_hours, None) and amount in (want_amount, None)
        nulls += (hours is None) + (amount is None)
    assert len([e for e in errors if e.code == "record_field_unreadable"]) == nulls
    unsure = [c for c in table.cells if c.confidence is not None and c.confidence < 0.9]
    assert nulls <= len(unsure) * 2


def test_both_runtimes_read_alike_and_output_repeats_byte_for_byte(tmp_path):
    """OpenVINO stands in for ONNX Runtime only for speed: the same text, and the same JSON
    from one process to the next."""
    import subprocess
    import sys
    from dataclasses import replace

    printed, scan = tmp_path / "t.pdf", tmp_path / "scan.pdf"
    write_table_pdf(printed, SUBSIDY)
    write_scan(printed, scan, ScanSettings(seed=11))
    read = {runtime: "".join(g.text for g in ocr_document(load_source(scan), replace(OcrSettings(), runtime=runtime)).pages[0].glyphs)
            for runtime in ("openvino", "onnxruntime")}
    assert read["openvino"] == read["onnxruntime"] and "补贴" in read["openvino"]
    script = ("import sys; from pathlib import Path; from extract.pipeline import extract_notice, notice_to_checked_json; "
              "sys.stdout.write(notice_to_checked_json(extract_notice(Path(sys.argv[1]))))")
    runs = [subprocess.run([sys.executable, "-c", script, str(scan)], capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert runs[0] == runs[1] and json.loads(runs[0])["pages"][0]["source"] == "ocr"
    with pytest.raises(ValueError, match="unknown OCR runtime"):
        replace(OcrSettings(), runtime="tensorflow")


def test_scanned_table_split_over_pages_keeps_cut_merged_cells(tmp_path):
    printed, scan = tmp_path / "t.pdf", tmp_path / "scan.pdf"
    pages = write_table_pdf(printed, INSTITUTIONS, orientation=90, rows_per_page=3)
    write_scan(printed, scan, ScanSettings(seed=7))
    tables = find_tables(ocr_document(load_source(scan))).tables
    assert len(tables) == 1
    table = tables[0]
    assert table.pages == list(range(1, pages + 1))
    assert table.header + table.body == INSTITUTIONS.grid()
    assert any(len({p.page for p in c.provenance}) > 1 for c in table.cells)


def test_scanned_generated_notice(tmp_path, jiangxi):
    printed, scan = tmp_path / "notice.pdf", tmp_path / "scan.pdf"
    write_notice_pdf(printed, jiangxi)
    write_scan(printed, scan, ScanSettings(seed=3))
    notice = extract_notice(scan)
    doc, want = notice.document, JIANGXI_EXPECTED
    assert {p.source for p in notice.pages} == {"ocr"}
    assert doc.title == want["title"]
    assert doc.doc_number == want["doc_number"]
    assert (doc.issuer, doc.signed_date) == (want["issuer"], want["signed_date"])
    assert doc.addressees == want["addressees"]
    assert doc.contact_phone == want["contact_phone"]
    assert (doc.imprint.issuer, doc.imprint.date) == want["imprint"]
    assert [r.doc_number for r in doc.references] == want["references"]
    assert [s.heading for s in notice.sections] == want["sections"]
    assert [(a.number, a.title) for a in notice.attachments] == want["attachments"]


# ---------------------------------------------------------------- scans of the corpus


@pytest.fixture(scope="module")
def corpus_scans(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scans")
    out = {}
    for seed, name in enumerate(["henan-2025-digital-talent", "yunnan-2023-digital-engineer"]):
        scan = folder / f"{name}-scan.pdf"
        write_scan(RAW / f"{name}.pdf", scan, ScanSettings(seed=seed))
        out[name] = json.loads(notice_to_checked_json(extract_notice(scan)))
    return out


@pytest.mark.parametrize("name", ["henan-2025-digital-talent", "yunnan-2023-digital-engineer"])
def test_scanned_corpus_notice_document_fields(corpus_scans, name):
    from test_end_to_end import ABSENT, document_fields

    truth = json.loads((TRUTH / f"{name}.json").read_text(encoding="utf-8"))
    out = corpus_scans[name]
    got = document_fields(out)
    assert got == {key: truth.get(key, ABSENT.get(key)) for key in got}
    assert {p["source"] for p in out["pages"]} == {"ocr"}
    assert all(p["reason"] == "no text layer" for p in out["pages"])


def test_scanned_henan_records_exact(corpus_scans):
    truth = json.loads((TRUTH / "henan-2025-digital-talent.json").read_text(encoding="utf-8"))
    out = corpus_scans["henan-2025-digital-talent"]
    records = out["records"]
    standards = [{k: v for k, v in s.items() if k not in ("source", "valid_until", "valid_from")}
                 for s in records["subsidy_standards"]]
    assert standards == truth["subsidy_standards"]
    assert {s["valid_until"] for s in records["subsidy_standards"]} == {truth["subsidy_valid_until"]}
    assert {s["valid_from"] for s in records["subsidy_standards"]} == {None}, "the notice gives no start date"
    institutions = [{k: v for k, v in r.items() if k != "source"} for r in records["training_institutions"]]
    assert institutions == truth["training_institutions"]
    sideways = [p for p in out["pages"] if p["orientation"] == 90]
    assert sideways, "the subsidy table's page is printed sideways and was turned"
    assert [e for e in out["errors"] if e["code"] != "low_confidence"] == []


def test_a_record_value_ocr_was_unsure_of_is_null_and_reported(tmp_path):
    printed = tmp_path / "t.pdf"
    write_table_pdf(printed, SUBSIDY)
    table = find_tables(load_source(printed)).tables[0]
    amount = next(c for c in table.cells if c.text == "1200")
    cells = [c.model_copy(update={"confidence": 0.42 if c is amount else 0.99}) for c in table.cells]
    found = build_records([table.model_copy(update={"cells": cells})], None)
    records, errors = found.records(), found.errors
    first = records.subsidy_standards[0]
    assert (first.occupation, first.level, first.training_hours, first.subsidy_yuan) == ("数控车工", "一级", 40, None)
    assert [s.subsidy_yuan for s in records.subsidy_standards[1:4]] == [1650, 980, 2105]
    assert len(errors) == 1 and errors[0].code == "record_field_unreadable" and "subsidy_yuan (一级)" in errors[0].message


@pytest.mark.parametrize("orientation", [0, 90])
def test_a_value_that_fails_its_type_is_read_again_from_the_page_image(tmp_path, orientation):
    """OCR at times doubles a dash in an occupation code (2-02--10-12). Before the records stage
    calls such a value unreadable, the cell is read again from its whole ruled area of the page
    image, enlarged; what that reading says is taken only when it is of the column's type."""
    printed, scan = tmp_path / "t.pdf", tmp_path / "scan.pdf"
    write_table_pdf(printed, SUBSIDY, orientation=orientation)
    write_scan(printed, scan, ScanSettings(seed=orientation))
    source = ocr_document(load_source(scan))
    [table] = find_tables(source).tables
    code = next(c for c in table.cells if c.text == "6-18-02-04")
    misread = table.model_copy(update={"cells": [c.model_copy(update={"text": "6-18--02-04"}) if c is code else c
                                                 for c in table.cells]})
    alone = build_records([misread], None)
    assert alone.records().subsidy_standards[2].occupation_code is None
    assert any("6-18--02-04" in e.message for e in alone.errors)
    again = build_records([misread], None, reread=CellRereader(source))
    assert [s.occupation_code for s in again.records().subsidy_standards[2:4]] == ["6-18-02-04"] * 2
    assert not any("occupation_code" in e.message for e in again.errors)


def test_a_missing_engine_is_reported_with_the_file(tmp_path, monkeypatch):
    from extract.engines import ocr_engine as engine
    from extract.errors import NoticeError

    printed, scan = tmp_path / "t.pdf", tmp_path / "scan.pdf"
    write_table_pdf(printed, SUBSIDY)
    write_scan(printed, scan)

    def missing(threads=0, runtime="openvino"):
        raise NoticeError(ErrorCode.OCR_UNAVAILABLE, "the OCR engine is not installed", stage="ocr")

    monkeypatch.setattr(engine, "ocr_engine", missing)
    with pytest.raises(NoticeError) as raised:
        ocr_document(load_source(scan, "data/raw/scan.pdf"))
    assert (raised.value.code, raised.value.file, raised.value.page) == (ErrorCode.OCR_UNAVAILABLE, "data/raw/scan.pdf", 1)


def test_a_text_layer_implausible_as_chinese_is_not_trusted():
    """A font whose character map is wrong turns 关于做好培训工作的通知 into rare characters
    (`l瓷堍甏蔑魄罄|`): such a text layer goes to OCR, with the reason; Chinese prose does not."""
    garbled = "堍甏罄瓞瓠甑甓甙璺瑾璐璞瑗瑭瑜瑕瑙瑚瑛瑙" * 3
    prose = "关于做好二〇二六年职业技能培训工作的通知各市人力资源和社会保障局" * 2
    rare = SourcePage(number=1, width=595, height=842, glyphs=tuple(_glyph(ch, 60 + 12 * k, 100)
                                                                     for k, ch in enumerate(garbled)))
    plain = SourcePage(number=1, width=595, height=842, glyphs=tuple(_glyph(ch, 60 + 12 * k, 100)
                                                                      for k, ch in enumerate(prose)))
    assert "rare" in text_layer_problem(rare, None)
    assert text_layer_problem(plain, None) is None


def test_random_bytes_as_a_dump_are_reported(tmp_path):
    import random

    path = tmp_path / "noise.txt"
    rng = random.Random(5)
    path.write_bytes(bytes(rng.randrange(0x81, 0xFE) for _ in range(20000)))
    notice = extract_notice(path)
    assert notice.status == "partial"
    assert "implausible_text" in [e.code for e in notice.errors]


@pytest.mark.parametrize("size", [7, 12, 18])
def test_a_born_digital_page_with_a_large_figure_keeps_its_text_layer(tmp_path, size):
    """A chart pasted as a picture over most of the page, its labels in the picture, with the
    page's text in the text layer around it, small or large: the text layer is the page's text,
    not read again."""
    from notice_gen import CJK_FONT
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    picture = Image.new("L", (900, 1000), 255)
    draw = ImageDraw.Draw(picture)
    for k, height in enumerate([300, 520, 410, 760, 640, 880]):
        draw.rectangle([60 + k * 140, 980 - height, 150 + k * 140, 980], fill=40)
    for k in range(0, 1000, 100):
        draw.line([(40, k), (880, k)], fill=0, width=3)
    path = tmp_path / "figure.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    pdf.drawImage(ImageReader(picture), 60, 150, width=475, height=540)
    pdf.setFont(CJK_FONT, size)
    for k, line in enumerate(["图1 各市职业技能培训人数（万人）", "资料来源：各市人力资源和社会保障局统计",
                              "全年完成职业技能培训一百二十万人次，较上年增长百分之八。",
                              "其中，数字技能培训三十万人次，占比达到四分之一。"]):
        pdf.drawString(60, 790 - k * 2 * size if k < 2 else 120 - (k - 2) * 2 * size, line)
    pdf.showPage()
    pdf.save()
    source = load_source(path)
    assert text_layer_problem(source.pages[0], path) is None


def write_wrong_character_map_pdf(path: Path, title: str, lines: list[str]) -> None:
    """A notice in an embedded TrueType font whose ToUnicode map sends every glyph to a rare
    character (CJK Extension A): the page shows the text, its text layer says `l瓷堍甏…`."""
    import re as _re

    from notice_gen import write_embedded_font_pdf

    data = write_embedded_font_pdf(path, title, lines)
    # same length: a 4-digit code for a 4-digit code, so the stream's /Length still holds
    data = _re.sub(rb"<([0-9A-F]{2})> <[0-9A-F]{4}>", lambda m: b"<%s> <%04X>" % (m.group(1), 0x3400 + int(m.group(1), 16)),
                   data)
    path.write_bytes(data)


def test_a_text_layer_with_a_wrong_character_map_is_read_by_ocr(tmp_path):
    path = tmp_path / "wrong-map.pdf"
    title = "关于做好职业技能培训工作的通知"
    write_wrong_character_map_pdf(path, title, ["各市人力资源和社会保障局要认真组织实施，确保培训质量和资金安全。"] * 10)
    layer = load_source(path)
    assert title not in "".join(g.text for g in layer.pages[0].glyphs), "the text layer is garbled"
    notice = extract_notice(path)
    page = notice.pages[0]
    assert page.source == "ocr" and "rare" in page.reason
    assert notice.document.title == title


def _pages_with(path, second_page) -> None:
    """A PDF of three pages: text, then what `second_page(canvas)` draws, then text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for k in range(3):
        if k == 1:
            second_page(pdf)
        else:
            pdf.setFont("STSong-Light", 14)
            for row in range(12):
                pdf.drawString(80, 760 - row * 24, f"第{k + 1}页的第{row + 1}行文字，关于培训补贴的通知正文。")
        pdf.showPage()
    pdf.save()


def empty_form(pdf) -> None:
    for k in range(8):   # an empty ruled grid: nothing but lines
        pdf.line(80, 700 - k * 30, 500, 700 - k * 30)
    for x in (80, 220, 360, 500):
        pdf.line(x, 700, x, 490)


def drawing(pdf) -> None:
    for k in range(6):   # filled curves: what text drawn as outlines looks like to the loader
        pdf.circle(120 + k * 60, 600, 20, stroke=0, fill=1)


@pytest.mark.parametrize("second_page, read", [(empty_form, False), (drawing, True)])
def test_a_page_with_nothing_but_rulings_is_not_read_by_ocr(tmp_path, second_page, read):
    """A born-digital notice with an empty form page never loads the OCR models (they are the
    most of a run's memory); a page with other ink than lines is read, whatever it holds."""
    from extract.engines import ocr_engine as engine

    path = tmp_path / "form.pdf"
    _pages_with(path, second_page)
    engine.ocr_engine.cache_clear()
    page = ocr_document(load_source(path)).pages[1]
    if read:
        assert page.text.source == "ocr" and page.text.reason == "no text layer"
    else:
        assert page.text.source == "pdf" and "nothing on the page but ruling lines" in page.text.reason
        assert engine.ocr_engine.cache_info().currsize == 0, "the OCR models were loaded for an empty form"
        assert page.rulings_source == "vector" and len(page.rulings) >= 12


@pytest.mark.parametrize("side", [24, 60, 120])
def test_a_small_picture_on_a_text_page_loads_no_ocr_model(tmp_path, side):
    """A seal, a logo or a QR code on a page of text: the text layer is used and the OCR models
    stay unloaded, whatever the picture's size short of a scan's."""
    from PIL import Image

    from extract.engines import ocr_engine as engine

    picture = tmp_path / "seal.png"
    image = Image.new("L", (64, 64), 255)
    image.paste(0, (8, 8, 56, 56))
    image.save(picture)

    def text_and_picture(pdf) -> None:
        pdf.setFont("STSong-Light", 14)
        for row in range(12):
            pdf.drawString(80, 760 - row * 24, f"第{row + 1}行文字，关于培训补贴的通知正文。")
        pdf.drawImage(str(picture), 400, 300, side, side)

    path = tmp_path / "seal.pdf"
    _pages_with(path, text_and_picture)
    engine.ocr_engine.cache_clear()
    source = ocr_document(load_source(path))
    assert [p.text.source for p in source.pages] == ["pdf"] * 3
    assert len(source.pages[1].images) == 1
    assert engine.ocr_engine.cache_info().currsize == 0, "a small picture loaded the OCR models"


def test_compiled_models_are_kept_between_runs_and_read_alike(tmp_path, monkeypatch):
    """OpenVINO's compiled model is written to the cache once and read from it after, and the
    model read back gives the same figures as one compiled afresh; where the cache cannot be
    written (its place is a file), the model is compiled without it."""
    import extract.engines.ocr_engine as engine
    from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
    from rapidocr_onnxruntime.utils import read_yaml, update_model_path

    model = update_model_path(read_yaml(DEFAULT_CFG_PATH))["Cls"]["model_path"]
    batch = np.random.default_rng(0).random((2, 3, 48, 192), dtype=np.float32)
    monkeypatch.setattr(engine, "OCR_MODEL_CACHE", tmp_path / "cache")
    first = engine.OpenVinoSession(model)(batch)[0]
    blobs = sorted((tmp_path / "cache").glob("*.blob"))
    assert blobs
    stamp = [b.stat().st_mtime_ns for b in blobs]
    cached = engine.OpenVinoSession(model)(batch)[0]
    assert [b.stat().st_mtime_ns for b in sorted((tmp_path / "cache").glob("*.blob"))] == stamp
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setattr(engine, "OCR_MODEL_CACHE", tmp_path / "file" / "cache")
    uncached = engine.OpenVinoSession(model)(batch)[0]
    assert np.array_equal(first, cached) and np.array_equal(first, uncached)


@pytest.mark.parametrize("grey", [True, False])
def test_the_detectors_input_is_normalised_to_the_same_figures_by_table(grey):
    """The table the detector's normalisation is read from gives, pixel for pixel, the float32
    figures the engine's own arithmetic gives (after its cast to float32), on a page image of
    every grey level (our pages: grey in three channels) and on a colour one."""
    from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

    from extract.engines.ocr_engine import _table_normalisation

    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, (97, 131, 1 if grey else 3), dtype=np.uint8)
    image = np.ascontiguousarray(np.repeat(image, 3, axis=2)) if grey else image
    image[0, :3] = [[0, 0, 0], [255, 255, 255], [128, 1, 254]]
    for mean, std in [([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]), ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])]:
        step = DetPreProcess(736, "min", mean, std)
        expected = step.normalize(image).astype(np.float32)
        got = _table_normalisation(step.normalize)(image)
        assert got.dtype == np.float32 and got.shape == expected.shape
        assert np.array_equal(got, expected)
